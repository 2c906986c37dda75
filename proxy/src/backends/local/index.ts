/**
 * The embedded local backend: runs training specs as processes on this machine, one process group per
 * replica, with the environment the Kubeflow operators inject (see replica-plan.ts).
 *
 * Decisions: `packages` go into a cached virtual environment layered on this machine's Python (see
 * package-env.ts); an `image` is not used and the job says so (condition and a Warning event naming the
 * Python); `resources.gpus` are NVIDIA GPUs of this machine shared out with CUDA_VISIBLE_DEVICES, refused
 * beyond what exists (host-devices.ts); cpu/memory, `volumes`, `nodeSelector`, `tolerations` and `runPolicy`
 * are ignored; at most `maxProcesses` (default 16, env `KFWB_LOCAL_MAX_PROCESSES`) processes per job; a
 * stopped replica gets the job's `terminationGracePeriodSeconds`, else `graceSeconds` (default 30 like
 * Kubernetes, env `KFWB_TERMINATION_GRACE_SECONDS`).
 */
import { IBackendInfo, IContextList, INamespaceList } from '../../../../contract/info';
import { IBackend } from '../types';
import { detectNvidiaGpus } from './host-devices';
import { LocalJobs } from './local-jobs';
import { LocalStudies } from './studies/local-studies';
import { createLocalPipelines, ILocalPipelinesOptions } from './pipelines';
import { createKfp, IKfpOptions } from '../kfp';
import { IStateLock, lockStateDir } from './state-lock';

export interface ILocalBackendOptions {
  stateDir: string;
  namespace?: string;
  /** Interpreter for source files and the replica wrapper; default `$KFWB_PYTHON` or `python3` on PATH. */
  python?: string;
  maxProcesses?: number;
  /** NVIDIA GPUs to share out; default: detected (nvidia-smi, /proc/driver/nvidia). */
  gpus?: number;
  /** How often re-attached replicas (not our children after a restart) are checked for liveness. */
  orphanPollMs?: number;
  /** How long a stopped replica gets between SIGTERM and SIGKILL, for jobs that do not say. */
  graceSeconds?: number;
  /** The same in milliseconds, for callers written before `graceSeconds`; `graceSeconds` wins. */
  stopGraceMs?: number;
  /** The Jupyter root: working directory of pipeline steps. */
  rootDir?: string;
  /** Options of the pipeline runner (parallelism, pipeline root, …). */
  pipelines?: Partial<ILocalPipelinesOptions>;
  /** The user KFP sees in the userid header (as in the kubernetes backend's impersonation). */
  impersonateUser?: string;
  /** Kubeflow Pipelines settings beyond the environment (tests). */
  kfp?: Partial<IKfpOptions>;
}

const DEFAULT_MAX_PROCESSES = 16;

const DEFAULT_GRACE_SECONDS = 30;

function envNumber(name: string, min = 1): number | undefined {
  const raw = process.env[name];
  const value = Number(raw);
  return raw && Number.isInteger(value) && value >= min ? value : undefined;
}

export async function createLocalBackend(opts: ILocalBackendOptions): Promise<IBackend> {
  const namespace = opts.namespace ?? 'default';
  // First: a second proxy on this state dir must not touch its jobs at all (see state-lock.ts).
  const lock = lockStateDir(opts.stateDir);
  try {
    return createLocked(opts, namespace, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function createLocked(opts: ILocalBackendOptions, namespace: string, lock: IStateLock): IBackend {
  const jobs = new LocalJobs({
    stateDir: opts.stateDir,
    python: opts.python ?? process.env.KFWB_PYTHON ?? 'python3',
    maxProcesses:
      opts.maxProcesses ?? envNumber('KFWB_LOCAL_MAX_PROCESSES') ?? DEFAULT_MAX_PROCESSES,
    gpus: opts.gpus ?? detectNvidiaGpus(),
    orphanPollMs: opts.orphanPollMs ?? 2000,
    graceSeconds:
      opts.graceSeconds ??
      (opts.stopGraceMs !== undefined ? opts.stopGraceMs / 1000 : undefined) ??
      envNumber('KFWB_TERMINATION_GRACE_SECONDS', 0) ??
      DEFAULT_GRACE_SECONDS
  });
  jobs.recover();
  const studies = new LocalStudies(
    jobs,
    opts.stateDir,
    opts.maxProcesses ?? envNumber('KFWB_LOCAL_MAX_PROCESSES') ?? DEFAULT_MAX_PROCESSES
  );
  studies.recover();
  const pipelines = createLocalPipelines({
    stateDir: opts.stateDir,
    rootDir: opts.rootDir,
    python: opts.python,
    orphanPollMs: opts.orphanPollMs,
    stopGraceMs: opts.stopGraceMs,
    ...opts.pipelines
  });
  const info: IBackendInfo = {
    kind: 'local',
    selected: 'local',
    state: 'connected',
    namespace
  };
  // Runs on Kubeflow Pipelines too, once a KFP endpoint is configured (KF_PIPELINES_ENDPOINT, the setting).
  const kfp = createKfp(pipelines, { impersonateUser: opts.impersonateUser, ...opts.kfp });
  return {
    kind: 'local',
    info: () => ({ ...info }),
    namespaces: async (): Promise<INamespaceList> => {
      const used = [...jobs.namespacesUsed(), ...pipelines.namespacesUsed()];
      const names = [...new Set([namespace, ...used])].sort();
      return { items: names.map(name => ({ name })), default: namespace };
    },
    contexts: async (): Promise<IContextList> => ({ items: [] }),
    jobs,
    studies,
    pipelines: kfp.pipelines,
    kfp: kfp.control,
    close: async () => {
      studies.close();
      jobs.close();
      kfp.pipelines.close();
      lock.release();
    }
  };
}
