/**
 * The embedded local backend: runs training specs as processes on this machine, one process group per
 * replica, with the environment the Kubeflow operators inject (see replica-plan.ts).
 *
 * Decisions: `packages` are refused (the job runs in this machine's Python; see prepare-job.ts); `image`,
 * `resources`, `volumes`, `nodeSelector`, `tolerations` and `runPolicy` have no meaning here and are ignored;
 * at most `maxProcesses` (default 16, env `KFWB_LOCAL_MAX_PROCESSES`) processes per job.
 */
import { IBackendInfo, IContextList, INamespaceList } from '../../../../contract/info';
import { IBackend } from '../types';
import { LocalJobs } from './local-jobs';
import { createLocalPipelines, ILocalPipelinesOptions } from './pipelines';

export interface ILocalBackendOptions {
  stateDir: string;
  namespace?: string;
  /** Interpreter for source files and the replica wrapper; default `$KFWB_PYTHON` or `python3` on PATH. */
  python?: string;
  maxProcesses?: number;
  /** How often re-attached replicas (not our children after a restart) are checked for liveness. */
  orphanPollMs?: number;
  /** How long a stopped replica gets between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
  /** The Jupyter root: working directory of pipeline steps. */
  rootDir?: string;
  /** Options of the pipeline runner (parallelism, pipeline root, …). */
  pipelines?: Partial<ILocalPipelinesOptions>;
}

const DEFAULT_MAX_PROCESSES = 16;

function envNumber(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export async function createLocalBackend(opts: ILocalBackendOptions): Promise<IBackend> {
  const namespace = opts.namespace ?? 'default';
  const jobs = new LocalJobs({
    stateDir: opts.stateDir,
    python: opts.python ?? process.env.KFWB_PYTHON ?? 'python3',
    maxProcesses:
      opts.maxProcesses ?? envNumber('KFWB_LOCAL_MAX_PROCESSES') ?? DEFAULT_MAX_PROCESSES,
    orphanPollMs: opts.orphanPollMs ?? 2000,
    stopGraceMs: opts.stopGraceMs ?? 3000
  });
  jobs.recover();
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
    pipelines,
    close: async () => {
      jobs.close();
      pipelines.close();
    }
  };
}
