/**
 * The workbench's settings (schema/plugin.json) as typed values with one `changed` signal, so every feature
 * applies them live: the backend switch, the namespace picker, log tails, the delete confirmation.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';
import { BackendSelection } from '../../contract/info';

export interface IWorkbenchSettings {
  backend: BackendSelection;
  /** True when the user chose a backend in the Settings Editor (then it wins over KFWB_BACKEND). */
  backendChosen: boolean;
  defaultNamespace: string;
  showSystemNamespaces: boolean;
  logTailLines: number;
  confirmDelete: boolean;
}

export const DEFAULT_SETTINGS: IWorkbenchSettings = {
  backend: 'auto',
  backendChosen: false,
  defaultNamespace: '',
  showSystemNamespaces: false,
  logTailLines: 1000,
  confirmDelete: true
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

export function fromSettings(settings: {
  composite: Record<string, unknown>;
  user: Record<string, unknown>;
}): IWorkbenchSettings {
  const c = settings.composite;
  return {
    backend: (c.backend as BackendSelection) ?? DEFAULT_SETTINGS.backend,
    backendChosen: settings.user.backend !== undefined,
    defaultNamespace: String(c.defaultNamespace ?? ''),
    showSystemNamespaces: c.showSystemNamespaces === true,
    logTailLines: Number(c.logTailLines ?? DEFAULT_SETTINGS.logTailLines),
    confirmDelete: c.confirmDelete !== false
  };
}
