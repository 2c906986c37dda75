/**
 * The live list of a namespace's KFP runs. KFP pushes nothing, so: watch the runs' Workflows and pods where the
 * cluster lets us (any change there makes us read that run's details again), and poll the run list as well —
 * slowly when watching (new runs made elsewhere, state KFP alone knows), with backoff when not (1 s after a
 * change, doubling to 15 s while nothing changes). The connection message says which it is.
 */
import { ResourceEvent } from '../../../../contract/live';
import { IRun } from '../../../../contract/pipeline';
import { BackendError } from '../types';
import type { KfpRuns } from './kfp-runs';
import type { IRunWatch } from './cluster';

/** Triggers that arrive together (a Workflow and its pod) are read once. */
const COALESCE_MS = 100;
/** Re-reads after a watched change, while KFP's persistence agent catches up. */
const SETTLE_MS = [500, 1500, 4000, 10000];

export class RunFollower {
  private readonly known = new Map<string, IRun>();
  private readonly pending = new Set<string>();
  private everything = false;
  private watch?: IRunWatch;
  private watching = false;
  private watchTried = false;
  private delay: number;
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private readonly settling = new Set<NodeJS.Timeout>();
  private busy = false;
  private closed = false;
  private started = false;

  constructor(
    private readonly runs: KfpRuns,
    readonly namespace: string,
    private readonly onEvent: (event: ResourceEvent<IRun>) => void,
    private readonly onClose: () => void
  ) {
    this.delay = runs.pollMs.min;
  }

  start(): void {
    void this.firstList();
  }

  private async firstList(): Promise<void> {
    const items = await this.runs.list(this.namespace).then(
      list => list.items,
      () => [] as IRun[]
    );
    if (this.closed) {
      return;
    }
    for (const run of items) {
      this.known.set(run.name, run);
    }
    this.started = true;
    this.onEvent({ type: 'snapshot', items });
    await this.startWatch();
    this.schedule();
  }

  private async startWatch(): Promise<void> {
    if (this.watchTried || !(await this.runs.connected())) {
      return;
    }
    this.watchTried = true;
    const cluster = this.runs.cluster;
    const { min, max } = this.runs.pollMs;
    if (!cluster) {
      this.runs.connector.setNote(
        `Run updates are polled (every ${min / 1000}–${max / 1000} s): KFP is reached without a kubeconfig, so Workflows and pods cannot be watched.`,
        'poll'
      );
      return;
    }
    const where = this.runs.workflowNamespace(this.namespace);
    this.watch = cluster.watchRuns(where, runId => {
      this.trigger(runId);
      // KFP learns of a Workflow change through its persistence agent, a moment after we do: read again then.
      for (const after of SETTLE_MS) {
        const timer = setTimeout(() => this.trigger(runId), after);
        timer.unref();
        this.settling.add(timer);
        setTimeout(() => this.settling.delete(timer), after + 1).unref();
      }
    });
    const reason = await this.watch.ready;
    this.watching = reason === undefined;
    this.runs.connector.setNote(
      this.watching
        ? `Run updates: watching Workflows and pods in ${where}.`
        : `Run updates are polled (every ${min / 1000}–${max / 1000} s): ${reason}.`,
      this.watching ? 'watch' : 'poll'
    );
  }

  /** A run (or, without an id, anything) may have changed: read it soon. */
  trigger(runId?: string): void {
    if (runId) {
      this.pending.add(runId);
    } else {
      this.everything = true;
    }
    if (!this.soon && !this.closed) {
      this.soon = setTimeout(() => {
        this.soon = undefined;
        void this.refresh();
      }, COALESCE_MS);
      this.soon.unref();
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.closed) {
      return;
    }
    const wait = this.watching ? this.runs.pollMs.watched : this.delay;
    this.timer = setTimeout(() => {
      this.everything = true;
      void this.refresh();
    }, wait);
    this.timer.unref();
  }

  private emit(run: IRun): boolean {
    const before = this.known.get(run.name);
    if (before?.version === run.version) {
      return false;
    }
    this.known.set(run.name, run);
    this.onEvent({ type: before ? 'modified' : 'added', object: run });
    return true;
  }

  private forget(name: string): boolean {
    if (!this.known.delete(name)) {
      return false;
    }
    this.onEvent({ type: 'deleted', object: { name, namespace: this.namespace } });
    return true;
  }

  private async refreshAll(): Promise<boolean> {
    const { items } = await this.runs.list(this.namespace);
    let changed = false;
    const seen = new Set(items.map(run => run.name));
    for (const run of items) {
      changed = this.emit(run) || changed;
    }
    for (const name of [...this.known.keys()].filter(n => !seen.has(n))) {
      changed = this.forget(name) || changed;
    }
    return changed;
  }

  private async refreshOne(runId: string): Promise<boolean> {
    try {
      return this.emit(await this.runs.get(this.namespace, runId));
    } catch (e) {
      if (e instanceof BackendError && e.code === 'not_found') {
        return this.forget(runId);
      }
      throw e;
    }
  }

  private async refresh(): Promise<void> {
    if (this.busy || this.closed || !this.started) {
      if (!this.closed && !this.started) {
        this.schedule();
      }
      return;
    }
    this.busy = true;
    const everything = this.everything;
    const ids = [...this.pending];
    this.everything = false;
    this.pending.clear();
    let changed = false;
    try {
      if (everything) {
        changed = await this.refreshAll();
      } else {
        for (const id of ids) {
          changed = (await this.refreshOne(id)) || changed;
        }
      }
      await this.startWatch(); // KFP may have come up (or been configured) after the stream opened
    } catch {
      // KFP or the cluster hiccuped: the next poll tries again.
    } finally {
      this.busy = false;
    }
    this.delay = changed ? this.runs.pollMs.min : Math.min(this.delay * 2, this.runs.pollMs.max);
    if (this.pending.size > 0 || this.everything) {
      this.trigger();
    }
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.soon);
    this.settling.forEach(clearTimeout);
    this.watch?.close();
    this.onClose();
  }
}
