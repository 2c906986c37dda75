/**
 * The local pipeline runner, shared by both backends until the KFP backend takes over runs on a cluster.
 *
 * Settings: `KFWB_PYTHON` (the interpreter `python`/`python3` mean in step commands; the launcher sets it to
 * the Python JupyterLab runs in), `KFWB_PIPELINE_PARALLELISM` (steps running at once per run, default 2),
 * `KFWB_PIPELINE_ROOT` (where outputs go, default `<stateDir>/pipeline-root`). Steps run in the Jupyter root.
 */
import { join } from 'node:path';
import { LocalRuns } from './local-runs';

export interface ILocalPipelinesOptions {
  stateDir: string;
  rootDir?: string;
  python?: string;
  parallelism?: number;
  pipelineRoot?: string;
  orphanPollMs?: number;
  stopGraceMs?: number;
}

export const DEFAULT_PARALLELISM = 2;

function envNumber(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Creates the runner and recovers the runs of a previous proxy (re-attaching steps that still run). */
export function createLocalPipelines(opts: ILocalPipelinesOptions): LocalRuns {
  const runs = new LocalRuns({
    stateDir: opts.stateDir,
    pipelineRoot:
      opts.pipelineRoot ?? process.env.KFWB_PIPELINE_ROOT ?? join(opts.stateDir, 'pipeline-root'),
    python: opts.python ?? process.env.KFWB_PYTHON ?? 'python3',
    workDir: opts.rootDir ?? process.cwd(),
    parallelism: opts.parallelism ?? envNumber('KFWB_PIPELINE_PARALLELISM') ?? DEFAULT_PARALLELISM,
    orphanPollMs: opts.orphanPollMs ?? 2000,
    stopGraceMs: opts.stopGraceMs ?? 3000
  });
  runs.recover();
  return runs;
}
