/**
 * State of one open pipeline beyond the document itself: where it lives, its validation problems (refreshed a
 * moment after each edit), the IR preview, and the toolbar's actions. Emits `changed` for the view.
 */
import { showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { ISignal, Signal } from '@lumino/signaling';
import { IPipelineProblem } from '../../contract/pipeline';
import { PipelineDocument } from './document';
import type { IPipelineActions } from './widget';

const VALIDATE_DELAY_MS = 400;

export interface IIrState {
  loading: boolean;
  yaml?: string;
  error?: string;
}

export class PipelineEditorModel {
  readonly doc: PipelineDocument;
  private _problems: IPipelineProblem[] = [];
  private _ir: IIrState | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _validation = 0;
  private _ready = false;
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly context: DocumentRegistry.CodeContext,
    private readonly actions: IPipelineActions
  ) {
    this.doc = new PipelineDocument(context.model.sharedModel);
    this.doc.changed.connect(this.scheduleValidation, this);
    context.pathChanged.connect(this.scheduleValidation, this);
    void context.ready.then(() => {
      this._ready = true;
      this.scheduleValidation();
      this._changed.emit();
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** False until the file's content has loaded (editing before would overwrite it). */
  get ready(): boolean {
    return this._ready;
  }
  get path(): string {
    return this.context.path;
  }
  get problems(): IPipelineProblem[] {
    return this._problems;
  }
  get ir(): IIrState | null {
    return this._ir;
  }

  openFile(file: string): void {
    this.actions.openFile(PathExt.join(PathExt.dirname(this.path), file));
  }

  closeIr(): void {
    this._ir = null;
    this._changed.emit();
  }

  async previewIr(): Promise<void> {
    const spec = this.doc.spec;
    if (!spec) {
      return;
    }
    this._ir = { loading: true };
    this._changed.emit();
    try {
      this._ir = { loading: false, yaml: await this.actions.compileYaml(spec, this.path) };
    } catch (e) {
      this._ir = { loading: false, error: (e as Error).message };
    }
    this._changed.emit();
  }

  async exportIr(): Promise<void> {
    const spec = this.doc.spec;
    if (!spec) {
      return;
    }
    try {
      const yaml = await this.actions.compileYaml(spec, this.path);
      const name = PathExt.basename(this.path).replace(/\.kfpipeline$/, '') || 'pipeline';
      download(yaml, `${name}.yaml`);
    } catch (e) {
      await showErrorMessage('Export IR', (e as Error).message);
    }
  }

  /** Saves first: the run reads the nodes' files from disk and records the document it came from. */
  async run(): Promise<void> {
    const spec = this.doc.spec;
    if (!spec) {
      return;
    }
    try {
      if (this.context.model.dirty) {
        await this.context.save();
      }
      await this.actions.runLocally(spec, this.path);
    } catch (e) {
      await showErrorMessage('Run pipeline', (e as Error).message);
    }
  }

  /** Saves first, like `run`: KFP gets the document as it is on disk, with its nodes' files. */
  async submit(): Promise<void> {
    const spec = this.doc.spec;
    if (!spec) {
      return;
    }
    try {
      if (this.context.model.dirty) {
        await this.context.save();
      }
      await this.actions.submitToKubeflow(spec, this.path);
    } catch (e) {
      await showErrorMessage('Submit to Kubeflow', (e as Error).message);
    }
  }

  dispose(): void {
    clearTimeout(this._timer);
    this.doc.dispose();
    Signal.clearData(this);
  }

  private scheduleValidation(): void {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this.validate(), VALIDATE_DELAY_MS);
    this._changed.emit();
  }

  private async validate(): Promise<void> {
    const spec = this.doc.spec;
    const ticket = ++this._validation;
    let problems: IPipelineProblem[] = [];
    if (spec) {
      try {
        problems = await this.actions.validate(spec, this.path);
      } catch (e) {
        problems = [{ path: '', message: `Could not validate: ${(e as Error).message}` }];
      }
    }
    // A slower, older validation must not overwrite a newer one.
    if (ticket === this._validation) {
      this._problems = problems;
      this._changed.emit();
    }
  }
}

function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
