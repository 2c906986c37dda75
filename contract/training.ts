import { ILiveResource, ResourceEvent } from './live';

/** Wire types of the training feature. The schema in `schemas/training-job.schema.json` is the source of truth
 * for the spec; these types mirror it for TypeScript callers. */
export type Framework =
  'pytorch' | 'tensorflow' | 'mpi' | 'xgboost' | 'jax' | 'paddle' | 'trainjob';

export interface IReplicaSpec {
  count: number;
}

export interface IResources {
  cpu?: string;
  memory?: string;
  gpus?: number;
  /** Extended resource name of the GPUs, e.g. `nvidia.com/gpu`, `amd.com/gpu`. */
  gpuResource?: string;
}

export interface ITrainingJobSpec {
  name?: string;
  namespace?: string;
  framework: Framework;
  /** Replica counts by role: TF Chief/PS/Worker/Evaluator, PyTorch Master/Worker, MPI Launcher/Worker, … */
  replicas: Record<string, IReplicaSpec>;
  image?: string;
  command?: string[];
  args?: string[];
  /** Source code shipped with the job (a cell or a script file): run as `python <filename> <args>`, or as
   * `<command...> <filename> <args>` when `command` names a launcher such as `torchrun`. */
  source?: { filename: string; content: string };
  env?: Record<string, string>;
  resources?: IResources;
  volumes?: { claimName: string; mountPath: string; readOnly?: boolean }[];
  nodeSelector?: Record<string, string>;
  tolerations?: {
    key?: string;
    operator?: 'Exists' | 'Equal';
    value?: string;
    effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  }[];
  runPolicy?: {
    cleanPodPolicy?: 'All' | 'Running' | 'None';
    ttlSecondsAfterFinished?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
  };
  /** pip requirements: installed when each replica starts (kubernetes), or into a cached virtual environment
   * layered on this machine's Python (local backend). */
  packages?: string[];
  /** Seconds between the SIGTERM and the SIGKILL when a replica is stopped (the pods'
   * `terminationGracePeriodSeconds`); default 30, or the local backend's setting. */
  terminationGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  /** Trainer v2 only: the (Cluster)TrainingRuntime to run on. */
  runtimeRef?: {
    name: string;
    kind?: 'ClusterTrainingRuntime' | 'TrainingRuntime';
  };
}

export type JobPhase =
  'Created' | 'Running' | 'Restarting' | 'Succeeded' | 'Failed' | 'Suspended' | 'Unknown';

export interface IJobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface IReplicaState {
  /** `worker-0`, `master-0`, … (lowercased role and index) */
  name: string;
  role: string;
  index: number;
  /** `Terminating`: told to stop (SIGTERM sent), within its grace period; its final phase follows. */
  phase: 'Pending' | 'Running' | 'Terminating' | 'Succeeded' | 'Failed' | 'Unknown';
  /** Why it is not running: Unschedulable, ImagePullBackOff, CrashLoopBackOff, OOMKilled, ExitCode 1, … */
  reason?: string;
  message?: string;
  exitCode?: number;
  restarts?: number;
}

/** A job as every client sees it, whichever backend runs it. */
export interface IJob extends ILiveResource {
  framework: Framework;
  kind: string;
  backend: 'local' | 'kubernetes';
  phase: JobPhase;
  started?: string;
  finished?: string;
  conditions: IJobCondition[];
  replicas: IReplicaState[];
  resourceVersion?: string;
  /** The spec it was created from (absent for jobs not created by the workbench). */
  spec?: ITrainingJobSpec;
  /** The exact object sent to the cluster (kubernetes backend) for the YAML view. */
  manifest?: unknown;
}

export interface IJobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  object: string;
  count?: number;
  lastTimestamp?: string;
}

/** One message of the live job stream (server-sent events). */
export type JobStreamEvent = ResourceEvent<IJob>;
