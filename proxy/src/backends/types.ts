/**
 * The one interface both backends implement. Routes and services only see this; only
 * `kubernetes/` imports @kubernetes/client-node and only `local/` spawns processes.
 */
import { IBackendInfo, IContextList, INamespaceList } from '../../../contract/info';
import { ResourceEvent } from '../../../contract/live';
import { IStudy, IStudyBudget, IStudyCreated, IStudySpec } from '../../../contract/study';
import { IJob, IJobEvent, ITrainingJobSpec, JobStreamEvent } from '../../../contract/training';
import {
  IArtifactPreview,
  IPipelineSpec,
  IRerunRequest,
  IRun,
  RunBackend
} from '../../../contract/pipeline';
import { IKfpConnection } from '../../../contract/kfp';

/** A running subscription; `close()` stops it and frees its resources. */
export interface ISubscription {
  close(): void;
}

export interface ILogOptions {
  /** `worker-0`, `master-0`…; all replicas merged with `[replica] ` prefixes when absent. */
  replica?: string;
  /** Last N lines per replica (capped by the proxy so a huge log cannot exhaust memory). */
  tail?: number;
  follow?: boolean;
  /** Aborts a followed log. */
  signal?: AbortSignal;
}

export interface IJobsBackend {
  /** Idempotent: a create whose name exists answers the existing job with `created: false`. */
  create(namespace: string, spec: ITrainingJobSpec): Promise<{ job: IJob; created: boolean }>;
  list(namespace: string): Promise<{ items: IJob[]; resourceVersion?: string }>;
  /** Fails (forbidden, unreachable, …) when jobs of the namespace cannot be read; cheap, unlike `list`. */
  checkAccess(namespace: string): Promise<void>;
  get(namespace: string, name: string): Promise<IJob>;
  delete(namespace: string, name: string): Promise<void>;
  events(namespace: string, name: string): Promise<IJobEvent[]>;
  /** Writes log text to `sink` until done (or until `signal` aborts a followed log). */
  logs(
    namespace: string,
    name: string,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void>;
  /** Live updates: first a snapshot, then changes. Reconnects internally; never polls. */
  watch(namespace: string, onEvent: (event: JobStreamEvent) => void): ISubscription;
}

export interface IStudiesBackend {
  /** Idempotent like jobs: an equal spec under an existing name answers that study with `created: false`.
   * Pre-flight findings that do not stop the study come back as `warnings`. */
  create(namespace: string, spec: IStudySpec): Promise<IStudyCreated>;
  list(namespace: string): Promise<{ items: IStudy[]; resourceVersion?: string }>;
  checkAccess(namespace: string): Promise<void>;
  get(namespace: string, name: string): Promise<IStudy>;
  /** Deletes the study, its trials and their jobs (running trials are killed). */
  delete(namespace: string, name: string): Promise<void>;
  /** No new trials. Kubernetes: the budget becomes the trials created (Katib's webhook may refuse: 409 in
   * words) and running trials finish; local: running trials are killed. A finished study is left as it is. */
  stop(namespace: string, name: string): Promise<IStudy>;
  /** Only maxTrialCount, parallelTrialCount and maxFailedTrialCount may change. */
  editBudget(namespace: string, name: string, budget: IStudyBudget): Promise<IStudy>;
  /** A trial's log (its primary replica, kept after the pod is gone), like job logs. */
  trialLogs(
    namespace: string,
    name: string,
    trial: string,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void>;
  watch(namespace: string, onEvent: (event: ResourceEvent<IStudy>) => void): ISubscription;
}

/** What a backend needs to start a run: the compiled IR (a KFP v2 PipelineSpec as JSON), whoever compiled it. */
export interface ICreateRunInput {
  ir: Record<string, unknown>;
  /** kfp's second YAML document (Kubernetes platform spec: timeouts as `activeDeadlineSeconds`). */
  platformSpec?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  /** Generated (`<pipeline>-<5 chars>`) when absent; a create with an existing name is answered idempotently. */
  name?: string;
  /** The document it was compiled from, and its path in the Jupyter root, kept for the run view. */
  spec?: IPipelineSpec;
  pipelinePath?: string;
  /** Where to run it: this machine (default) or Kubeflow Pipelines. */
  backend?: RunBackend;
  /** KFP: the experiment (created when missing); KFP's `Default` when absent. */
  experiment?: string;
}

export interface IStepLogOptions {
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

/** A step's output artifact as a file to download. */
export interface IArtifactFile {
  path: string;
  size: number;
  filename: string;
}

/**
 * Pipeline runs, behind one interface whether they run on this machine (local runner) or on Kubeflow Pipelines
 * (the KFP backend): everything is said in IR task names and `IRun`/`IStep`.
 */
export interface IPipelinesBackend {
  /** Idempotent by name: an existing run with the same IR and parameters is answered with `created: false`. */
  createRun(namespace: string, input: ICreateRunInput): Promise<{ run: IRun; created: boolean }>;
  list(namespace: string): Promise<{ items: IRun[]; resourceVersion?: string }>;
  checkAccess(namespace: string): Promise<void>;
  /** With `ir` and `spec`. */
  get(namespace: string, name: string): Promise<IRun>;
  delete(namespace: string, name: string): Promise<void>;
  /** Stops every running step (process trees, pods) and skips the rest; resolves when they are stopped. */
  cancel(namespace: string, name: string): Promise<IRun>;
  /** A new run of the same IR and parameters; `fromTask`/`onlyTask` reuse the upstream outputs of this run. */
  rerun(namespace: string, name: string, request: IRerunRequest & { name?: string }): Promise<IRun>;
  /** Live updates: first a snapshot, then changes; `version` changes whenever a step does. */
  watch(namespace: string, onEvent: (event: ResourceEvent<IRun>) => void): ISubscription;
  stepLogs(
    namespace: string,
    name: string,
    task: string,
    options: IStepLogOptions,
    sink: (chunk: string) => void
  ): Promise<void>;
  /** A bounded preview of an output artifact: text, an image, a small table, a directory listing. */
  stepOutput(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactPreview>;
  stepOutputFile(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactFile>;
  /** KFP runs: retries the failed steps of the same run (`:retry`). */
  retry?(namespace: string, name: string): Promise<IRun>;
  /** KFP runs: archives (true) or unarchives (false). */
  archive?(namespace: string, name: string, archived: boolean): Promise<IRun>;
}

/** The Kubeflow Pipelines connection behind `GET/POST /api/v1/kfp`. */
export interface IKfpControl {
  /** The connection once the current discovery is done. */
  connection(): Promise<IKfpConnection>;
  /** Sets (string) or clears (null) the configured endpoint, then discovers again. */
  connect(endpoint?: string | null): Promise<IKfpConnection>;
}

export interface IBackend {
  readonly kind: 'local' | 'kubernetes';
  /** The apiserver's gitVersion (kubernetes backend only). */
  readonly kubernetesVersion?: string;
  info(): IBackendInfo;
  namespaces(): Promise<INamespaceList>;
  contexts(): Promise<IContextList>;
  jobs: IJobsBackend;
  studies: IStudiesBackend;
  pipelines: IPipelinesBackend;
  /** Kubeflow Pipelines, when this backend can submit there (both backends can, once an endpoint is found). */
  kfp?: IKfpControl;
  close(): Promise<void>;
}

/** Thrown by backends; routes map it to the error body with `STATUS_OF_CODE`. */
export class BackendError extends Error {
  constructor(
    readonly code: import('../../../contract/errors').ErrorCode,
    message: string,
    readonly fields?: import('../../../contract/errors').IFieldError[]
  ) {
    super(message);
    this.name = 'BackendError';
  }
}
