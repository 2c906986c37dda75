/**
 * State of one launcher form: the values, the shared validator's errors as you type, server errors mapped
 * back onto fields, and submission. The React form only renders this and calls its methods.
 */
import { CodeEditor } from '@jupyterlab/codeeditor';
import { ISignal, Signal } from '@lumino/signaling';
import { generateJobName, validateTrainingJobSpec } from '../../contract/training-schema';
import { Framework, IJob, ITrainingJobSpec } from '../../contract/training';
import { ProxyError } from '../api/errors';
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

/** The source a job can ship: the text of the editor or notebook the user was working in. */
export type CurrentFileSource = () => Promise<{ filename: string; content: string } | null>;

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
  private _clientErrors = new Map<string, string>();
  private _serverErrors = new Map<string, string>();
  private _banner: { message: string; details: string[] } | null = null;
  private _submitting = false;
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
  get banner(): { message: string; details: string[] } | null {
    return this._banner;
  }
  get submitting(): boolean {
    return this._submitting;
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
    return this._clientErrors.size === 0;
  }

  /** The message shown at `field` (validator first, then the server's), if any. */
  error(field: string): string | undefined {
    return this._clientErrors.get(field) ?? this._serverErrors.get(field);
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
      this._serverErrors.clear();
      this.update({ framework, counts: initialCounts(framework) }, 'framework');
    }
  }

  setCount(role: string, count: string): void {
    this.update({ counts: { ...this._values.counts, [role]: count } }, `replicas.${role}`);
  }

  async useCurrentFile(): Promise<void> {
    try {
      const file = await this.options.currentFile?.();
      if (!file) {
        this._banner = {
          message: 'Open a Python file or a notebook first, then use it here.',
          details: []
        };
        this._changed.emit();
        return;
      }
      const filename = /\.py$/.test(file.filename)
        ? file.filename
        : `${file.filename.replace(/\.[^.]*$/, '')}.py`;
      this._banner = null;
      this.update(
        { source: { filename: filename.replace(/[^A-Za-z0-9_.-]/g, '_'), content: file.content } },
        'source'
      );
    } catch (e) {
      this._banner = { message: (e as Error).message, details: [] };
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
    this._banner = null;
    this._changed.emit();
  }

  async submit(): Promise<void> {
    if (!this.valid || this._submitting) {
      return;
    }
    const spec = toSpec(this._values);
    spec.name ||= generateJobName(spec);
    const grace = spec.terminationGracePeriodSeconds ?? this.options.gracePeriodSeconds?.();
    if (grace !== undefined) {
      spec.terminationGracePeriodSeconds = grace;
    }
    this._submitting = true;
    this._banner = null;
    this._changed.emit();
    try {
      const job = await this.options.client.createJob(this.options.namespace(), spec);
      this._submitting = false;
      this._changed.emit();
      this.options.onCreated(job);
    } catch (e) {
      this._submitting = false;
      this.showServerError(e);
      this._changed.emit();
    }
  }

  dispose(): void {
    this.options.namespaceChanged?.disconnect(this.onNamespaceChanged, this);
    Signal.clearData(this);
  }

  private onNamespaceChanged(): void {
    this._changed.emit();
  }

  private showServerError(e: unknown): void {
    const fields = e instanceof ProxyError ? e.fields : [];
    this._serverErrors.clear();
    const unplaced: string[] = [];
    for (const f of fields) {
      const field = fieldOfPath(f.path);
      if (field === 'form') {
        unplaced.push(`${f.path}: ${f.message}`);
      } else if (!this._serverErrors.has(field)) {
        this._serverErrors.set(field, f.message);
      }
    }
    // Field errors are shown at their fields; the banner says so, and carries whatever has no field.
    const message = e instanceof Error ? e.message : String(e);
    this._banner = {
      message: fields.length > unplaced.length ? `${message} (see the marked fields)` : message,
      details: unplaced
    };
  }

  private update(change: Partial<IFormValues>, field: string): void {
    this._values = { ...this._values, ...change };
    this._serverErrors.delete(field);
    this.validate();
    this._changed.emit();
  }

  private validate(): void {
    const result = validateTrainingJobSpec(toSpec(this._values));
    this._clientErrors = new Map();
    if (!result.ok) {
      for (const f of result.fields) {
        const field = fieldOfPath(f.path);
        if (!this._clientErrors.has(field)) {
          this._clientErrors.set(field, field === 'form' ? `${f.path}: ${f.message}` : f.message);
        }
      }
    }
  }
}
