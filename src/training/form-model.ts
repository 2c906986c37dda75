/**
 * State of one launcher form: the values, the shared validator's errors as you type, server errors mapped
 * back onto fields, and submission. The React form only renders this and calls its methods.
 */
import { CodeEditor } from '@jupyterlab/codeeditor';
import { ISignal, Signal } from '@lumino/signaling';
import { generateJobName, validateTrainingJobSpec } from '../../contract/training-schema';
import { Framework, IJob, ITrainingJobSpec } from '../../contract/training';
import { CurrentFileSource, currentScript, NO_CURRENT_FILE } from '../components/form/current-file';
import { FormErrors, IBanner } from '../components/form/form-errors';
import {
  commandPreview,
  emptyValues,
  fieldOfPath,
  fromSpec,
  IFormValues,
  initialCounts,
  TextField,
  toSpec
} from './form-values';

export interface IJobFormOptions {
  client: { createJob(namespace: string, spec: ITrainingJobSpec): Promise<IJob> };
  namespace: () => string;
  /** Fires when `namespace()` changes (the sidebar's picker), so the form shows where the job will go. */
  namespaceChanged?: ISignal<unknown, string>;
  onCreated: (job: IJob) => void;
  /** Prefill (clone); its name and namespace are dropped so the copy gets its own. */
  initial?: ITrainingJobSpec;
  currentFile?: CurrentFileSource;
  /** The settings' grace period, for a job that does not carry its own (a clone keeps the one it had). */
  gracePeriodSeconds?: () => number | undefined;
  /** JupyterLab's inline code editor (CodeMirror) for the script; absent: a textarea. */
  editorFactory?: CodeEditor.Factory;
}

export class JobFormModel {
  private _values: IFormValues;
  private readonly _errors = new FormErrors({ fieldOf: fieldOfPath, placed: f => f !== 'form' });
  private readonly _changed = new Signal<this, void>(this);

  constructor(private readonly options: IJobFormOptions) {
    this._values = options.initial
      ? fromSpec({ ...options.initial, name: undefined, namespace: undefined })
      : emptyValues();
    this.validate();
    options.namespaceChanged?.connect(this.onNamespaceChanged, this);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get values(): IFormValues {
    return this._values;
  }
  get banner(): IBanner | null {
    return this._errors.banner;
  }
  get submitting(): boolean {
    return this._errors.submitting;
  }
  /** Where the job will be created. */
  get namespace(): string {
    return this.options.namespace();
  }
  get canUseCurrentFile(): boolean {
    return !!this.options.currentFile;
  }
  /** Valid by the shared schema (server errors do not block a retry). */
  get valid(): boolean {
    return this._errors.valid;
  }

  /** The message shown at `field` (validator first, then the server's), if any. */
  error(field: string): string | undefined {
    return this._errors.error(field);
  }

  set(field: TextField, value: string): void {
    this.update({ [field]: value }, field);
  }

  setCleanPodPolicy(value: IFormValues['cleanPodPolicy']): void {
    this.update({ cleanPodPolicy: value }, 'cleanPodPolicy');
  }

  /** Switching framework replaces the role rows with the new framework's roles. */
  setFramework(framework: Framework): void {
    if (framework !== this._values.framework) {
      this._errors.clearServer();
      this.update({ framework, counts: initialCounts(framework) }, 'framework');
    }
  }

  setCount(role: string, count: string): void {
    this.update({ counts: { ...this._values.counts, [role]: count } }, `replicas.${role}`);
  }

  async useCurrentFile(): Promise<void> {
    try {
      const source = await currentScript(this.options.currentFile);
      this._errors.banner = source ? null : { message: NO_CURRENT_FILE, details: [] };
      if (source) {
        this.update({ source }, 'source');
      } else {
        this._changed.emit();
      }
    } catch (e) {
      this._errors.banner = { message: (e as Error).message, details: [] };
      this._changed.emit();
    }
  }

  clearSource(): void {
    this.update({ source: undefined }, 'source');
  }

  /** Starts an empty script in the form's code editor. */
  writeScript(): void {
    this.update({ source: { filename: 'train.py', content: '' } }, 'source');
  }

  /** The script's text, as edited. */
  setScript(content: string): void {
    const source = this._values.source ?? { filename: 'train.py', content: '' };
    if (content !== source.content) {
      this.update({ source: { ...source, content } }, 'source');
    }
  }

  setScriptName(filename: string): void {
    const source = this._values.source ?? { filename, content: '' };
    this.update({ source: { ...source, filename } }, 'source');
  }

  get editorFactory(): CodeEditor.Factory | undefined {
    return this.options.editorFactory;
  }

  /** What each replica will run, as a command line. */
  get preview(): string {
    return commandPreview(this._values);
  }

  dismissBanner(): void {
    this._errors.banner = null;
    this._changed.emit();
  }

  async submit(): Promise<void> {
    if (!this.valid) {
      return;
    }
    const spec = toSpec(this._values);
    spec.name ||= generateJobName(spec);
    const grace = spec.terminationGracePeriodSeconds ?? this.options.gracePeriodSeconds?.();
    if (grace !== undefined) {
      spec.terminationGracePeriodSeconds = grace;
    }
    const job = await this._errors.submit(
      () => this.options.client.createJob(this.options.namespace(), spec),
      () => this._changed.emit()
    );
    if (job) {
      this.options.onCreated(job);
    }
  }

  dispose(): void {
    this.options.namespaceChanged?.disconnect(this.onNamespaceChanged, this);
    Signal.clearData(this);
  }

  private onNamespaceChanged(): void {
    this._changed.emit();
  }

  private update(change: Partial<IFormValues>, field: string): void {
    this._values = { ...this._values, ...change };
    this._errors.edited(field);
    this.validate();
    this._changed.emit();
  }

  private validate(): void {
    this._errors.validated(validateTrainingJobSpec(toSpec(this._values)));
  }
}
