/**
 * The workbench's settings (schema/plugin.json) as typed values with one `changed` signal, so every feature
 * applies them live: the backend switch, the namespace picker, log tails, the delete confirmation.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';
import { BackendSelection } from '../../contract/info';

export interface IWorkbenchSettings {
  /** `auto` leaves the proxy's own choice (KFWB_BACKEND); local or kubernetes wins over it. */
  backend: BackendSelection;
  defaultNamespace: string;
  showSystemNamespaces: boolean;
  logTailLines: number;
  confirmDelete: boolean;
  /** Grace period of new jobs from the launcher form (a job's own value wins). */
  terminationGracePeriodSeconds: number;
  /** Kubeflow Pipelines API URL; empty: the proxy finds it (in-cluster, service proxy, KF_PIPELINES_ENDPOINT). */
  kfpEndpoint: string;
}

export const DEFAULT_SETTINGS: IWorkbenchSettings = {
  backend: 'auto',
  defaultNamespace: '',
  showSystemNamespaces: false,
  logTailLines: 1000,
  confirmDelete: true,
  terminationGracePeriodSeconds: 30,
  kfpEndpoint: ''
};

export class WorkbenchSettings {
  private _values: IWorkbenchSettings = DEFAULT_SETTINGS;
  private readonly _changed = new Signal<this, IWorkbenchSettings>(this);

  get values(): IWorkbenchSettings {
    return this._values;
  }
  get changed(): ISignal<this, IWorkbenchSettings> {
    return this._changed;
  }

  /** Reads the registry's settings now and whenever the user edits them. */
  follow(settings: ISettingRegistry.ISettings): void {
    const read = () => this.set(fromSettings(settings));
    read();
    settings.changed.connect(read);
  }

  set(values: IWorkbenchSettings): void {
    if (JSON.stringify(values) !== JSON.stringify(this._values)) {
      this._values = values;
      this._changed.emit(values);
    }
  }
}

export function fromSettings(settings: { composite: Record<string, unknown> }): IWorkbenchSettings {
  const c = settings.composite;
  return {
    backend: (c.backend as BackendSelection) ?? DEFAULT_SETTINGS.backend,
    defaultNamespace: String(c.defaultNamespace ?? ''),
    showSystemNamespaces: c.showSystemNamespaces === true,
    logTailLines: Number(c.logTailLines ?? DEFAULT_SETTINGS.logTailLines),
    confirmDelete: c.confirmDelete !== false,
    terminationGracePeriodSeconds: Number(
      c.terminationGracePeriodSeconds ?? DEFAULT_SETTINGS.terminationGracePeriodSeconds
    ),
    kfpEndpoint: String(c.kfpEndpoint ?? '').trim()
  };
}
