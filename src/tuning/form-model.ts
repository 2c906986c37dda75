/**
 * State of one study form: values, the shared validator's errors as you type (schema and cross-field rules,
 * the same messages the proxy gives), server errors mapped onto fields, the metric-format test, the preview,
 * and submission. The React form renders this and calls its methods.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { metricFormatProblem, MetricReader, IMetricPoint } from '../../contract/metric-format';
import { AlgorithmName, IStudyCreated, IStudySpec, ParameterType } from '../../contract/study';
import { generateStudyName, validateStudySpec } from '../../contract/study-schema';
import { Framework, IJob, ITrainingJobSpec } from '../../contract/training';
import { CurrentFileSource, currentScript, NO_CURRENT_FILE } from '../components/form/current-file';
import { FormErrors, IBanner } from '../components/form/form-errors';
import { initialCounts, TextField } from '../training/form-values';
import { previewTrial, ITrialPreview } from './preview';
import {
  emptyParameter,
  emptyStudyValues,
  fromStudySpec,
  IParameterRow,
  IStudyFormValues,
  metricNames,
  StudyTextField,
  studyFieldOfPath,
  toStudySpec,
  trialValuesOf
} from './study-values';

export interface IStudyFormOptions {
  client: {
    createStudy(namespace: string, spec: IStudySpec): Promise<IStudyCreated>;
    listJobs?(namespace: string): Promise<{ items: IJob[] }>;
  };
  namespace: () => string;
  /** Fires when `namespace()` changes (the picker of a new study's form). */
  namespaceChanged?: ISignal<unknown, string>;
  onCreated: (created: IStudyCreated) => void;
  /** Prefill (clone): its name and namespace are dropped so the copy gets its own. */
  initial?: IStudySpec;
  /** Prefill the trial from a training job's spec. */
  initialTrial?: ITrainingJobSpec;
  currentFile?: CurrentFileSource;
}

/** What the sample line gives with the current format: the values read, or why none. */
export type SampleResult =
  | { state: 'empty' }
  | { state: 'bad-format'; message: string }
  | { state: 'read'; points: IMetricPoint[]; missing: string[] };

export class StudyFormModel {
  private _values: IStudyFormValues;
  private readonly _errors = new FormErrors({
    fieldOf: studyFieldOfPath,
    placed: f => f !== 'form' && f !== 'trial.form'
  });
  private _warnings: string[] = [];
  private _jobs: IJob[] = [];
  private _spec: IStudySpec;
  private readonly _changed = new Signal<this, void>(this);

  constructor(private readonly options: IStudyFormOptions) {
    this._values = options.initial
      ? fromStudySpec({ ...options.initial, name: undefined, namespace: undefined })
      : emptyStudyValues();
    if (options.initialTrial) {
      this._values.trial = trialValuesOf(options.initialTrial);
    }
    this._spec = toStudySpec(this._values);
    this.validate();
    options.namespaceChanged?.connect(this.onNamespaceChanged, this);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get values(): IStudyFormValues {
    return this._values;
  }
  /** The spec the form stands for now (what Create sends, name aside). */
  get spec(): IStudySpec {
    return this._spec;
  }
  get banner(): IBanner | null {
    return this._errors.banner;
  }
  /** Pre-flight warnings of the last create (the study was created; these are advice). */
  get warnings(): string[] {
    return this._warnings;
  }
  get submitting(): boolean {
    return this._errors.submitting;
  }
  get namespace(): string {
    return this.options.namespace();
  }
  get canUseCurrentFile(): boolean {
    return !!this.options.currentFile;
  }
  /** Training jobs of the namespace to start the trial from (after `loadJobs`). */
  get jobs(): IJob[] {
    return this._jobs;
  }
  get valid(): boolean {
    return this._errors.valid;
  }
  /** Valid, and there is a namespace to create it in. */
  get canSubmit(): boolean {
    return this.valid && !!this.namespace && !this._errors.submitting;
  }
  /** Every current error, by field (for a summary next to the submit button). */
  get errorCount(): number {
    return this._errors.count;
  }

  error(field: string): string | undefined {
    return this._errors.error(field);
  }

  /** Errors of the trial part, for the training form's fields (`trial.` prefix removed). */
  trialErrors(): { error(field: string): string | undefined } {
    return { error: field => this.error(`trial.${field}`) };
  }

  preview(): ITrialPreview {
    return previewTrial(this._spec);
  }

  /** The sample line read with the chosen format, so the user sees what Katib would record. */
  sample(): SampleResult {
    const v = this._values;
    if (!v.sampleLine.trim()) {
      return { state: 'empty' };
    }
    const format = v.formatMode === 'custom' ? v.format : undefined;
    const problem = format === undefined ? undefined : metricFormatProblem(format);
    if (problem) {
      return { state: 'bad-format', message: `The format ${problem}` };
    }
    const names = metricNames(v);
    const points = new MetricReader(names, format).readText(v.sampleLine);
    const found = new Set(points.map(p => p.name));
    return { state: 'read', points, missing: names.filter(n => !found.has(n)) };
  }

  set(field: StudyTextField, value: string): void {
    this.update({ [field]: value }, field);
  }

  setType(type: IStudyFormValues['type']): void {
    this.update({ type }, 'type');
  }

  setStrategy(metric: string, value: IStudyFormValues['strategies'][string]): void {
    this.update({ strategies: { ...this._values.strategies, [metric]: value } }, 'strategies');
  }

  setAlgorithm(algorithm: AlgorithmName): void {
    this.update({ algorithm }, 'algorithm');
  }

  setSetting(name: string, value: string): void {
    const a = this._values.algorithm;
    const settings = {
      ...this._values.settings,
      [a]: { ...this._values.settings[a], [name]: value }
    };
    this.update({ settings }, `setting.${name}`);
  }

  setEarlyStopping(value: IStudyFormValues['earlyStopping']): void {
    this.update({ earlyStopping: value }, 'earlyStopping');
  }

  setEarlyStoppingSetting(name: string, value: string): void {
    this.update(
      { earlyStoppingSettings: { ...this._values.earlyStoppingSettings, [name]: value } },
      `es.${name}`
    );
  }

  setCollector(collector: IStudyFormValues['collector']): void {
    this.update({ collector }, 'collector');
  }

  setFormatMode(formatMode: IStudyFormValues['formatMode']): void {
    this.update({ formatMode }, 'format');
  }

  setResumePolicy(resumePolicy: IStudyFormValues['resumePolicy']): void {
    this.update({ resumePolicy }, 'resumePolicy');
  }

  setParameter(index: number, field: keyof IParameterRow, value: string): void {
    const parameters = this._values.parameters.map((p, i) => {
      if (i !== index) {
        return p;
      }
      const next = { ...p, [field]: value };
      if (field === 'type' && (value === 'categorical' || value === 'discrete')) {
        next.distribution = '';
      }
      return next;
    });
    this.update({ parameters }, `param.${index}.${field}`);
  }

  addParameter(type: ParameterType = 'double'): void {
    this.update({ parameters: [...this._values.parameters, emptyParameter(type)] }, 'parameters');
  }

  removeParameter(index: number): void {
    // Server errors are keyed by row index, which shifts: drop them all.
    this._errors.clearServer();
    this.update(
      { parameters: this._values.parameters.filter((_, i) => i !== index) },
      'parameters'
    );
  }

  /** The trial's training fields, through the training form's own values. */
  setTrial(field: TextField, value: string): void {
    this.update({ trial: { ...this._values.trial, [field]: value } }, `trial.${field}`);
  }

  setTrialFramework(framework: Framework): void {
    if (framework !== this._values.trial.framework) {
      this._errors.clearServer();
      this.update(
        { trial: { ...this._values.trial, framework, counts: initialCounts(framework) } },
        'trial.framework'
      );
    }
  }

  setTrialCount(role: string, count: string): void {
    const trial = this._values.trial;
    this.update(
      { trial: { ...trial, counts: { ...trial.counts, [role]: count } } },
      `trial.replicas.${role}`
    );
  }

  async loadJobs(): Promise<void> {
    try {
      const list = await this.options.client.listJobs?.(this.namespace);
      this._jobs = (list?.items ?? []).filter(j => !!j.spec);
    } catch {
      // The list is a convenience; without it the user types the trial in.
      this._jobs = [];
    }
    this._changed.emit();
  }

  /** Replaces the trial with a copy of a job's spec. */
  startFromJob(name: string): void {
    const job = this._jobs.find(j => j.name === name);
    if (job?.spec) {
      this._errors.clearServer();
      this.update({ trial: trialValuesOf(job.spec) }, 'trial');
    }
  }

  async useCurrentFile(): Promise<void> {
    try {
      const source = await currentScript(this.options.currentFile);
      this._errors.banner = source ? null : { message: NO_CURRENT_FILE, details: [] };
      if (!source) {
        this._changed.emit();
        return;
      }
      const trial = this._values.trial;
      // The file runs as `python <file>`: drop a command that ran some other script.
      const command = /^python3?\s+\S+\.py\b/.test(trial.command) ? '' : trial.command;
      this.update({ trial: { ...trial, command, source } }, 'trial.source');
    } catch (e) {
      this._errors.banner = { message: (e as Error).message, details: [] };
      this._changed.emit();
    }
  }

  clearSource(): void {
    this.update({ trial: { ...this._values.trial, source: undefined } }, 'trial.source');
  }

  dismissBanner(): void {
    this._errors.banner = null;
    this._changed.emit();
  }

  async submit(): Promise<void> {
    if (!this.canSubmit) {
      return;
    }
    const spec = { ...this._spec, name: this._spec.name || generateStudyName() };
    const created = await this._errors.submit(
      () => this.options.client.createStudy(this.namespace, spec),
      () => this._changed.emit()
    );
    if (created) {
      this._warnings = created.warnings;
      this._changed.emit();
      this.options.onCreated(created);
    }
  }

  dispose(): void {
    this.options.namespaceChanged?.disconnect(this.onNamespaceChanged, this);
    Signal.clearData(this);
  }

  private onNamespaceChanged(): void {
    void this.loadJobs();
  }

  private update(change: Partial<IStudyFormValues>, field: string): void {
    this._values = { ...this._values, ...change };
    this._errors.edited(field);
    this._spec = toStudySpec(this._values);
    this.validate();
    this._changed.emit();
  }

  private validate(): void {
    this._errors.validated(validateStudySpec(this._spec));
  }
}
