/**
 * The in-process change feed of local jobs (and, with another event type, local runs): watchers per namespace and
 * "has this ended" waiters.
 */
import { EventEmitter } from 'node:events';
import { JobStreamEvent } from '../../../../contract/training';
import { ISubscription } from '../types';

export class JobChanges<E = JobStreamEvent> {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** `jobChanged` wakes the `until` waiters; the event (if any) goes to the namespace's watchers. */
  publish(namespace: string, event: E): void {
    this.emitter.emit(namespace, event);
    this.emitter.emit('job-changed');
  }

  /**
   * Snapshot first, then changes. Subscribed in the same turn the snapshot is taken, so no change falls between
   * them; changes that come before the snapshot is delivered wait behind it.
   */
  watch(namespace: string, snapshot: E, onEvent: (event: E) => void): ISubscription {
    let backlog: E[] | undefined = [];
    let closed = false;
    const listener = (event: E) => (backlog ? backlog.push(event) : onEvent(event));
    this.emitter.on(namespace, listener);
    queueMicrotask(() => {
      if (!closed) {
        onEvent(snapshot);
        const waiting = backlog ?? [];
        backlog = undefined;
        waiting.forEach(event => onEvent(event));
      }
    });
    return {
      close: () => {
        closed = true;
        this.emitter.off(namespace, listener);
      }
    };
  }

  /** Resolves once `done()` holds after a change, or when the feed closes. */
  until(done: () => boolean): Promise<void> {
    return new Promise(resolve => {
      const finish = () => {
        this.emitter.off('job-changed', check);
        this.emitter.off('closed', finish);
        resolve();
      };
      const check = () => (done() ? finish() : undefined);
      this.emitter.on('job-changed', check);
      this.emitter.once('closed', finish);
    });
  }

  close(): void {
    this.emitter.emit('closed');
    this.emitter.removeAllListeners();
  }
}
