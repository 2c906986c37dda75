/** A run record as the wire's `IRun`: what every client (run view, magics, list) reads. */
import { derivedVersion } from '../../../../../contract/live';
import {
  IArtifactRef,
  IPipelineSpec,
  IRun,
  IStep,
  IStepOutputs
} from '../../../../../contract/pipeline';
import { IRunRecord, IStepIo, IStepRecord } from './run-record';

function outputsOf(io: IStepIo): IStepOutputs {
  return {
    parameters: { ...io.parameters },
    artifacts: Object.values(io.artifacts).map((a): IArtifactRef => ({
      name: a.name,
      uri: a.uri,
      path: a.uri,
      schemaTitle: a.type.schemaTitle,
      ...(Object.keys(a.metadata ?? {}).length > 0 ? { metadata: a.metadata } : {})
    }))
  };
}

function stepOf(step: IStepRecord, labels: Map<string, string>): IStep {
  const cachedFrom = step.cachedFrom
    ? `; outputs from run ${step.cachedFrom.run}, step ${step.cachedFrom.task}`
    : '';
  return {
    task: step.task,
    label: labels.get(step.task) ?? step.task,
    phase: step.phase,
    ...(step.reason ? { reason: step.reason } : {}),
    ...(step.message ? { message: step.message } : {}),
    ...(step.exitCode !== undefined ? { exitCode: step.exitCode } : {}),
    ...(step.started ? { started: step.started } : {}),
    ...(step.finished ? { finished: step.finished } : {}),
    attempts: step.attempts,
    inputs: outputsOf(step.inputs),
    outputs: outputsOf(step.outputs),
    ...(step.note || cachedFrom ? { note: `${step.note ?? 'did not run'}${cachedFrom}` } : {})
  };
}

/** What of a step the user sees, as one string, for the run's derived version. */
const stepFingerprint = (s: IStepRecord) =>
  [s.task, s.phase, s.reason, s.message, s.exitCode, s.attempts, s.started, s.finished].join(
    '\u0000'
  );

export function runOfRecord(
  record: IRunRecord,
  extra: { ir?: Record<string, unknown>; spec?: IPipelineSpec } = {}
): IRun {
  const labels = new Map(
    (extra.spec?.nodes ?? record.labels ?? []).map(n => [n.id, n.label ?? n.id])
  );
  return {
    name: record.name,
    namespace: record.namespace,
    created: record.created,
    version: derivedVersion(String(record.generation), record.steps.map(stepFingerprint)),
    phase: record.phase,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.message ? { message: record.message } : {}),
    backend: 'local',
    pipelineName: record.pipelineName,
    ...(record.displayName ? { displayName: record.displayName } : {}),
    ...(record.pipelinePath ? { pipelinePath: record.pipelinePath } : {}),
    parameters: { ...record.parameters },
    ...(record.started ? { started: record.started } : {}),
    ...(record.finished ? { finished: record.finished } : {}),
    steps: record.steps.map(s => stepOf(s, labels)),
    ...(extra.ir ? { ir: extra.ir } : {}),
    ...(extra.spec ? { spec: extra.spec } : {}),
    ...(record.rerunOf ? { rerunOf: record.rerunOf.run } : {})
  };
}
