/**
 * The "Open as Pipeline Graph" tab of a kfp-compiled IR YAML file: read once (Reload reads again), drawn by the
 * lazily loaded `IrGraph`, with "Run locally" and "Submit to Kubeflow" in its toolbar.
 */
import React from 'react';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { ReactWidget, ToolbarButton } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import { IPipelineSpec } from '../../contract/pipeline';
import { ErrorBanner } from '../components/ErrorBanner';
import { useSignal } from '../components/useSignal';
import { IIrFile, irToSpec, parseIrYaml } from './ir';
import { ISubmitState, submitToolbarButton } from './SubmitButton';
import type { ISubmittable } from './tokens';

export interface IIrGraphActions {
  runLocally(file: IIrFile, path: string): Promise<void>;
  submit(file: IIrFile, path: string): Promise<void>;
  kfp: ISubmitState;
}

/** The file, parsed: the IR, its document for the canvas, or why it cannot be shown. */
export class IrGraphModel {
  private _file: IIrFile | undefined;
  private _spec: IPipelineSpec | undefined;
  private _error = '';
  private _loading = true;
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly contents: Contents.IManager,
    readonly path: string
  ) {
    void this.load();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get file(): IIrFile | undefined {
    return this._file;
  }
  get spec(): IPipelineSpec | undefined {
    return this._spec;
  }
  get error(): string {
    return this._error;
  }
  get loading(): boolean {
    return this._loading;
  }

  async load(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      const model = await this.contents.get(this.path, { content: true, format: 'text' });
      this._file = parseIrYaml(String(model.content ?? ''));
      this._spec = irToSpec(this._file.ir);
      this._error = '';
    } catch (e) {
      this._file = undefined;
      this._spec = undefined;
      this._error = `${this.path}: ${(e as Error).message}`;
    }
    this._loading = false;
    this._changed.emit();
  }

  dispose(): void {
    Signal.clearData(this);
  }
}

type IrGraphModule = typeof import('./IrGraph');
let graphModule: Promise<IrGraphModule> | null = null;
const loadGraph = (): Promise<IrGraphModule> =>
  (graphModule ??= import(/* webpackChunkName: "kf-ir-graph" */ './IrGraph'));

function IrGraphHost({ model }: { model: IrGraphModel }): JSX.Element {
  useSignal(model.changed);
  const [mod, setMod] = React.useState<IrGraphModule | null>(null);
  const [loadError, setLoadError] = React.useState('');
  React.useEffect(() => {
    loadGraph().then(setMod, e =>
      setLoadError(`The graph could not load: ${(e as Error).message}`)
    );
  }, []);
  const error = loadError || model.error;
  if (error) {
    return (
      <div className="kf-ir-graph">
        <ErrorBanner message={error} />
      </div>
    );
  }
  if (!mod || !model.spec) {
    return <p className="kf-detail-note">Loading {model.path}…</p>;
  }
  return (
    <mod.IrGraph spec={model.spec} path={model.path} hasPlatformSpec={!!model.file?.platformSpec} />
  );
}

class IrGraphContent extends ReactWidget {
  constructor(readonly model: IrGraphModel) {
    super();
    this.addClass('kf-ir-graph-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <IrGraphHost model={this.model} />;
  }
}

export class IrGraphWidget extends MainAreaWidget<IrGraphContent> implements ISubmittable {
  constructor(
    contents: Contents.IManager,
    path: string,
    private readonly actions: IIrGraphActions
  ) {
    const model = new IrGraphModel(contents, path);
    super({ content: new IrGraphContent(model) });
    this.id = irGraphId(path);
    this.title.label = path.split('/').pop() ?? path;
    this.title.caption = `Pipeline graph of ${path} (KFP v2 IR, read-only)`;
    this.addClass('kf-ir-graph-tab');
    this.toolbar.addItem(
      'run',
      new ToolbarButton({
        label: 'Run locally',
        tooltip: 'Run this compiled pipeline on this machine',
        onClick: () => void this.withFile(file => actions.runLocally(file, path))
      })
    );
    this.toolbar.addItem(
      'submit',
      submitToolbarButton(actions.kfp, () => void this.submitToKubeflow())
    );
    this.toolbar.addItem(
      'reload',
      new ToolbarButton({
        label: 'Reload',
        tooltip: 'Read the file again',
        onClick: () => void model.load()
      })
    );
  }

  submitToKubeflow(): Promise<void> {
    return this.withFile(file => this.actions.submit(file, this.content.model.path));
  }

  private async withFile(act: (file: IIrFile) => Promise<void>): Promise<void> {
    const file = this.content.model.file;
    if (file) {
      await act(file);
    }
  }
}

export const irGraphId = (path: string): string => `kf-ir-graph-${path}`;
