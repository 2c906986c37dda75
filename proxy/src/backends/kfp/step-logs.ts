/**
 * A KFP step's log, in the order the KFP stack itself falls back: the step pod's `main` container while it can
 * be read (and what the proxy kept of it once the pod is gone: kubernetes/log-store.ts), then a copy KFP keeps
 * as an artifact of the step's node — the launcher's `executor-logs` (KFP >= 2.15 with PUBLISH_LOGS), else
 * Argo's archived `main-logs` (archiveLogs) — read through `…/nodes/{node}/artifacts/{name}:read`, else a
 * plain-words note.
 */
import { LOG_DETAILS_TAG, LOG_NOTE_TAG } from '../../../../contract/live';
import { IRun } from '../../../../contract/pipeline';
import { BackendError, IStepLogOptions } from '../types';
import type { KfpRuns } from './kfp-runs';
import { executorNodeId } from './steps';

const EXECUTOR_LOGS = 'executor-logs';
const LOG_ARTIFACTS = [EXECUTOR_LOGS, 'main-logs'];

/** The first log artifact KFP has for the step, or undefined. */
async function artifactLog(
  runs: KfpRuns,
  runId: string,
  task: string
): Promise<{ name: string; text: string } | undefined> {
  const nodeId = executorNodeId(await runs.kfp(c => c.run(runId)).catch(() => ({})), task);
  for (const name of nodeId ? LOG_ARTIFACTS : []) {
    const bytes = await runs.kfp(c => c.readArtifact(runId, nodeId!, name)).catch(() => undefined);
    if (bytes && bytes.length > 0) {
      return { name, text: bytes.toString('utf8') };
    }
  }
  return undefined;
}

export async function writeStepLogs(
  runs: KfpRuns,
  run: IRun,
  task: string,
  options: IStepLogOptions,
  sink: (chunk: string) => void
): Promise<void> {
  const step = run.steps.find(s => s.task === task);
  if (!step) {
    throw new BackendError('not_found', `Run "${run.name}" has no step "${task}".`);
  }
  if (step.phase === 'Pending' && !step.pod) {
    sink(`${LOG_NOTE_TAG} Step ${task} has not started yet: no log.\n`);
    return;
  }
  let podError: BackendError | undefined;
  if (runs.cluster) {
    try {
      const where = runs.workflowNamespace(run.namespace);
      await runs.cluster.stepLog(where, run.name, task, step.pod, options, sink);
      return;
    } catch (e) {
      podError = e instanceof BackendError ? e : new BackendError('backend', String(e));
    }
  }
  // A pod that is still there but cannot be read (not started, node down) says so; KFP's copy is for gone pods.
  if (podError && podError.code !== 'not_found') {
    const detail = (podError as BackendError & { detail?: string }).detail;
    sink(`${LOG_NOTE_TAG} ${podError.message}\n${detail ? `${LOG_DETAILS_TAG} ${detail}\n` : ''}`);
    return;
  }
  const kept = await artifactLog(runs, run.name, task);
  if (kept !== undefined) {
    sink(
      `${LOG_NOTE_TAG} The step's pod is gone; this is the log KFP kept (${kept.name} artifact).\n`
    );
    sink(kept.text);
    return;
  }
  const why = podError
    ? podError.message
    : 'the proxy has no access to the cluster the steps run on.';
  sink(
    `${LOG_NOTE_TAG} No log for step ${task}: ${why} KFP keeps no copy either (no ${EXECUTOR_LOGS} or main-logs artifact: those need KFP >= 2.15 with PUBLISH_LOGS, or Argo's archiveLogs).\n`
  );
}
