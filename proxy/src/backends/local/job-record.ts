/**
 * A local job as stored on disk (`job.json`) and how it reads as an `IJob`. The transitions are pure functions
 * of the record, so the process plumbing only decides *when* they happen.
 */
import {
  IJob,
  IJobCondition,
  IJobEvent,
  IReplicaState,
  ITrainingJobSpec
} from '../../../../contract/training';
import { KIND_INFO, toKubeflowObject } from '../kubernetes/mappers';

export interface IReplicaRecord extends IReplicaState {
  port: number;
  pid?: number;
  startedAt?: string;
  finishedAt?: string;
  /** Set when we stop the replica (it shows `Terminating` until its supervisor is gone): the reason it ends
   * with. Kept in the record so a restarted proxy still knows. */
  stopReason?: string;
}

export interface IJobRecord {
  version: 1;
  name: string;
  namespace: string;
  spec: ITrainingJobSpec;
  created: string;
  started?: string;
  finished?: string;
  conditions: IJobCondition[];
  replicas: IReplicaRecord[];
  events: IJobEvent[];
  /** Bumped on every change, so a client can tell two views apart. */
  generation: number;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

export function phaseOf(record: IJobRecord): IJob['phase'] {
  const last = record.conditions[record.conditions.length - 1];
  return (last?.type as IJob['phase']) ?? 'Created';
}

export function isFinished(record: IJobRecord): boolean {
  return TERMINAL.has(phaseOf(record));
}

/** A process of the replica may still be alive. */
export function isLive(replica: IReplicaRecord): boolean {
  return replica.phase === 'Running' || replica.phase === 'Terminating';
}

/** Finished, and every replica's processes are gone: nothing more will be logged. */
export function isAtRest(record: IJobRecord): boolean {
  return isFinished(record) && !record.replicas.some(isLive);
}

export function kindOf(record: IJobRecord): string {
  return KIND_INFO[record.spec.framework].kind;
}

export function jobOfRecord(record: IJobRecord): IJob {
  return {
    name: record.name,
    namespace: record.namespace,
    framework: record.spec.framework,
    kind: kindOf(record),
    backend: 'local',
    phase: phaseOf(record),
    created: record.created,
    ...(record.started ? { started: record.started } : {}),
    ...(record.finished ? { finished: record.finished } : {}),
    conditions: record.conditions.map(c => ({ ...c })),
    replicas: record.replicas.map(
      ({ port: _port, pid: _pid, startedAt: _s, finishedAt: _f, stopReason: _r, ...state }) => ({
        ...state
      })
    ),
    resourceVersion: String(record.generation),
    version: String(record.generation),
    spec: record.spec,
    manifest: manifestOf(record)
  };
}

/** The spec never changes after creation: one manifest per spec object. */
const manifests = new WeakMap<ITrainingJobSpec, unknown>();
export const LOCAL_NOTE_ANNOTATION = 'kubeflow-workbench.io/local-backend';

/**
 * The object the kubernetes backend would send for this job, so the YAML view shows the same thing either
 * way; annotated that this machine ran it instead (processes, no image, no pods).
 */
function manifestOf(record: IJobRecord): unknown {
  let manifest = manifests.get(record.spec);
  if (manifest === undefined) {
    try {
      const object = toKubeflowObject({ ...record.spec, name: record.name }, record.namespace);
      const metadata = object.metadata as { annotations?: Record<string, string> };
      metadata.annotations = {
        ...metadata.annotations,
        [LOCAL_NOTE_ANNOTATION]:
          'Ran on this machine as local processes: the object a cluster would get, never sent; the image was not used.'
      };
      manifest = object;
    } catch {
      manifest = null;
    }
    manifests.set(record.spec, manifest);
  }
  return manifest ?? undefined;
}

/** Like the operator: the previous condition goes False and the new one is appended as True. */
export function withCondition(
  record: IJobRecord,
  type: string,
  message: string,
  reason?: string
): IJobRecord {
  const now = new Date().toISOString();
  const conditions = record.conditions.map(c => ({ ...c, status: 'False' }));
  conditions.push({
    type,
    status: 'True',
    reason: reason ?? `${kindOf(record)}${type}`,
    message,
    lastTransitionTime: now
  });
  const finished = TERMINAL.has(type) ? { finished: now } : {};
  const started = type === 'Running' && !record.started ? { started: now } : {};
  return { ...record, ...started, ...finished, conditions };
}

export function withEvent(
  record: IJobRecord,
  type: IJobEvent['type'],
  reason: string,
  message: string,
  object: string
) {
  const event: IJobEvent = {
    type,
    reason,
    message,
    object,
    count: 1,
    lastTimestamp: new Date().toISOString()
  };
  return { ...record, events: [...record.events, event] };
}

export function withReplica(
  record: IJobRecord,
  name: string,
  change: Partial<IReplicaRecord>
): IJobRecord {
  const merge = (r: IReplicaRecord) =>
    Object.fromEntries(
      Object.entries({ ...r, ...change }).filter(([, v]) => v !== undefined)
    ) as unknown as IReplicaRecord;
  return {
    ...record,
    replicas: record.replicas.map(r => (r.name === name ? merge(r) : r))
  };
}

/** A replica's end as the user reads it: `ExitCode 3`, or why we stopped it. */
export function endOfReplica(
  exitCode: number | undefined,
  stopReason?: string
): Partial<IReplicaRecord> {
  const finishedAt = new Date().toISOString();
  if (stopReason) {
    return {
      phase: 'Failed',
      reason: stopReason,
      finishedAt,
      ...(exitCode !== undefined ? { exitCode } : {})
    };
  }
  if (exitCode === 0) {
    return { phase: 'Succeeded', exitCode, reason: undefined, finishedAt };
  }
  if (exitCode === undefined) {
    return {
      phase: 'Failed',
      reason: 'Killed',
      message: 'ended by a signal',
      finishedAt
    };
  }
  return {
    phase: 'Failed',
    exitCode,
    reason: `ExitCode ${exitCode}`,
    finishedAt
  };
}

/**
 * What the job's state becomes after a replica ended: the first failure fails it (the operators' default); it
 * succeeds when every replica that runs to an end has succeeded. Parameter servers never end by themselves, so
 * they do not count, and are stopped then. Returns the replicas still to stop.
 */
export function settle(record: IJobRecord): {
  record: IJobRecord;
  stop: string[];
} {
  if (isFinished(record)) {
    return { record, stop: [] };
  }
  const running = record.replicas
    .filter(r => r.phase === 'Running' || r.phase === 'Pending')
    .map(r => r.name);
  const failed = record.replicas.find(r => r.phase === 'Failed');
  if (failed) {
    const why = failed.reason === 'ProxyRestarted' ? 'ProxyRestarted' : undefined;
    const message = why
      ? `replica ${failed.name} was no longer running when the proxy restarted`
      : `replica ${failed.name} failed: ${failed.reason ?? 'unknown reason'}`;
    return {
      record: withCondition(record, 'Failed', message, why),
      stop: running
    };
  }
  const mustEnd = record.replicas.filter(r => r.role !== 'PS');
  if (mustEnd.length > 0 && mustEnd.every(r => r.phase === 'Succeeded')) {
    return {
      record: withCondition(record, 'Succeeded', 'every replica exited with code 0'),
      stop: running
    };
  }
  return { record, stop: [] };
}

/** The record after a replica's process ended, with the event saying how. */
export function withReplicaEnd(
  record: IJobRecord,
  replica: string,
  end: {
    exitCode?: number;
    stopReason?: string;
    signal?: string;
    startError?: string;
  }
): IJobRecord {
  const { exitCode, stopReason, signal, startError } = end;
  if (startError) {
    const finishedAt = new Date().toISOString();
    const failed = withReplica(record, replica, {
      phase: 'Failed',
      reason: 'StartFailed',
      message: startError,
      finishedAt
    });
    return withEvent(failed, 'Warning', 'FailedStart', `${replica}: ${startError}`, replica);
  }
  let next = withReplica(record, replica, {
    ...endOfReplica(exitCode, stopReason),
    stopReason: undefined
  });
  if (stopReason && phaseOf(record) === 'Succeeded') {
    // A parameter server stopped after the job succeeded did its part.
    next = withReplica(next, replica, { phase: 'Succeeded' });
  }
  const how =
    exitCode !== undefined ? `exited with code ${exitCode}` : `ended by ${signal ?? 'a signal'}`;
  if (stopReason) {
    return withEvent(next, 'Normal', 'Killed', `${replica} was stopped (${how})`, replica);
  }
  const ok = exitCode === 0;
  return withEvent(
    next,
    ok ? 'Normal' : 'Warning',
    ok ? 'Exited' : 'Failed',
    `${replica} ${how}`,
    replica
  );
}

export function withReplicaStarted(
  record: IJobRecord,
  replica: string,
  pid: number | undefined
): IJobRecord {
  const started = withReplica(record, replica, {
    phase: 'Running',
    pid,
    startedAt: new Date().toISOString()
  });
  return withEvent(started, 'Normal', 'Started', `Started ${replica} (pid ${pid})`, replica);
}
