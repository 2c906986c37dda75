/**
 * What a proxy start makes of a record it finds on disk: replicas whose supervisor left an exit code ended while
 * the proxy was away; replicas still running (or terminating) are re-attached; the rest are lost
 * (`ProxyRestarted`). A job may have finished while some of its replicas still terminate, so finished jobs are
 * looked at too.
 */
import {
  endOfReplica,
  IJobRecord,
  isFinished,
  isLive,
  phaseOf,
  withEvent,
  withReplica
} from './job-record';
import { RecordStore } from './record-store';

export interface IRecovered {
  record: IJobRecord;
  /** Replicas still running, to be watched by pid. */
  alive: { replica: string; pid: number; logPath: string }[];
}

export function recoverRecord(
  stored: IJobRecord,
  store: RecordStore,
  isAlive: (pid: number, logPath: string) => boolean
): IRecovered {
  let record = stored;
  const alive: IRecovered['alive'] = [];
  const { namespace, name } = stored;
  for (const replica of stored.replicas) {
    if (!isLive(replica) && !(replica.phase === 'Pending' && !isFinished(stored))) {
      continue;
    }
    const exitCode = store.readExitCode(namespace, name, replica.name);
    const logPath = store.logPath(namespace, name, replica.name);
    if (exitCode !== undefined && replica.stopReason) {
      const message = `${replica.name} was stopped (exited with code ${exitCode}) while the proxy was down`;
      record = withReplica(record, replica.name, {
        ...endOfReplica(exitCode, replica.stopReason),
        // A parameter server stopped after the job succeeded did its part.
        ...(phaseOf(stored) === 'Succeeded' ? { phase: 'Succeeded' as const } : {}),
        stopReason: undefined
      });
      record = withEvent(record, 'Normal', 'Killed', message, replica.name);
    } else if (exitCode !== undefined) {
      const message = `${replica.name} exited with code ${exitCode} while the proxy was down`;
      record = withReplica(record, replica.name, endOfReplica(exitCode));
      record = withEvent(
        record,
        exitCode === 0 ? 'Normal' : 'Warning',
        'Exited',
        message,
        replica.name
      );
    } else if (replica.pid && isAlive(replica.pid, logPath)) {
      alive.push({ replica: replica.name, pid: replica.pid, logPath });
      const message = `${replica.name} (pid ${replica.pid}) still runs; re-attached after a proxy restart`;
      record = withEvent(record, 'Normal', 'Reattached', message, replica.name);
    } else {
      const message = replica.pid
        ? 'the replica was no longer running when the proxy restarted, and left no exit code'
        : 'the proxy restarted before the replica was started';
      record = withReplica(record, replica.name, {
        phase: 'Failed',
        reason: 'ProxyRestarted',
        message,
        finishedAt: new Date().toISOString()
      });
      record = withEvent(
        record,
        'Warning',
        'ProxyRestarted',
        `${replica.name}: ${message}`,
        replica.name
      );
    }
  }
  return { record, alive };
}
