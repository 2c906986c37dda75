/**
 * The one interface both backends implement. Routes and services only see this; only
 * `kubernetes/` imports @kubernetes/client-node and only `local/` spawns processes.
 */
import { IBackendInfo, IContextList, INamespaceList } from '../../../contract/info';
import { IJob, IJobEvent, ITrainingJobSpec, JobStreamEvent } from '../../../contract/training';

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

export interface IBackend {
  readonly kind: 'local' | 'kubernetes';
  /** The apiserver's gitVersion (kubernetes backend only). */
  readonly kubernetesVersion?: string;
  info(): IBackendInfo;
  namespaces(): Promise<INamespaceList>;
  contexts(): Promise<IContextList>;
  jobs: IJobsBackend;
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
