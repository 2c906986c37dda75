/**
 * `IJobsBackend` on this machine: each replica a process group (see replica-process.ts), each job a record on
 * disk, changes pushed to watchers from memory (no file polling). State survives a proxy restart: `recover()`
 * re-attaches replicas that still run and settles the others from their exit files.
 */
import { IJob, IJobEvent, ITrainingJobSpec, JobStreamEvent } from '../../../../contract/training';
import { generateJobName } from '../../../../contract/training-schema';
import { BackendError, IJobsBackend, ILogOptions, ISubscription } from '../types';
import {
  withReplicaEnd,
  withReplicaStarted,
  IJobRecord,
  isFinished,
  jobOfRecord,
  settle,
  withCondition
} from './job-record';
import { writeJobLogs } from './log-reader';
import { checkRunnable, checkSameSpec, prepareJob } from './prepare-job';
import { isReplicaAlive } from './replica-process';
import { JobChanges } from './job-changes';
import { recoverRecord } from './recovery';
import { IReplicaRef, ReplicaSupervisor } from './replica-supervisor';
import { RecordStore } from './record-store';

export interface ILocalJobsOptions {
  stateDir: string;
  python: string;
  maxProcesses: number;
  orphanPollMs: number;
  stopGraceMs: number;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class LocalJobs implements IJobsBackend {
  private readonly records = new Map<string, IJobRecord>();
  private readonly creating = new Map<string, Promise<IJob>>();
  /** Replicas we are stopping on purpose, and the reason they will show. */
  private readonly stopping = new Map<string, string>();
  private readonly deleting = new Set<string>();
  private readonly changes = new JobChanges();
  private readonly store: RecordStore;
  private readonly supervisor: ReplicaSupervisor;
  private revision = 0;

  constructor(private readonly opts: ILocalJobsOptions) {
    this.store = new RecordStore(opts.stateDir);
    this.supervisor = new ReplicaSupervisor(
      (ref, how) => this.replicaEnded(ref, how),
      opts.orphanPollMs,
      opts.stopGraceMs
    );
  }

  namespacesUsed(): string[] {
    return [...new Set([...this.records.values()].map(r => r.namespace))];
  }

  /** Reads every record; re-attaches live replicas, settles the rest (exit file, or `ProxyRestarted`). */
  recover(): void {
    for (const stored of this.store.loadAll()) {
      const key = keyOf(stored.namespace, stored.name);
      const { record, alive } = recoverRecord(stored, this.store, isReplicaAlive);
      alive.forEach(a => this.supervisor.adopt({ key, replica: a.replica }, a.pid, a.logPath));
      const settled = settle(record);
      this.records.set(key, settled.record);
      if (settled.record !== stored) {
        this.commit(settled.record, 'modified');
      }
      this.stopReplicas(settled.record, settled.stop, 'Stopped');
    }
  }

  private commit(record: IJobRecord, type: 'added' | 'modified'): IJobRecord {
    const saved = { ...record, generation: record.generation + 1 };
    this.revision++;
    this.records.set(keyOf(saved.namespace, saved.name), saved);
    this.store.save(saved);
    this.changes.publish(saved.namespace, { type, object: jobOfRecord(saved) });
    return saved;
  }

  private found(namespace: string, name: string): IJobRecord {
    const record = this.records.get(keyOf(namespace, name));
    if (!record || this.deleting.has(keyOf(namespace, name))) {
      throw new BackendError('not_found', `No training job "${name}" in namespace "${namespace}".`);
    }
    return record;
  }

  async create(
    namespace: string,
    spec: ITrainingJobSpec
  ): Promise<{ job: IJob; created: boolean }> {
    const full = {
      ...spec,
      namespace,
      name: spec.name ?? generateJobName(spec)
    };
    const key = keyOf(namespace, full.name);
    const pending = this.creating.get(key);
    if (pending) {
      // A concurrent create of the same name: answer as a retry once it is done (or failed).
      await pending.catch(() => undefined);
      return this.create(namespace, spec);
    }
    const existing = this.records.get(key);
    if (existing) {
      checkSameSpec(existing.spec, full);
      return { job: jobOfRecord(existing), created: false };
    }
    checkRunnable(full, this.opts.maxProcesses);
    const creation = this.launch(full);
    this.creating.set(key, creation);
    try {
      return { job: await creation, created: true };
    } finally {
      this.creating.delete(key);
    }
  }

  private async launch(
    spec: ITrainingJobSpec & { name: string; namespace: string }
  ): Promise<IJob> {
    const key = keyOf(spec.namespace, spec.name);
    const { record: first, launches } = await prepareJob(this.store, spec, this.opts.python);
    let record = this.commit(first, 'added');
    for (const [replica, launch] of launches) {
      const child = this.supervisor.start({ key, replica }, launch);
      record = withReplicaStarted(record, replica, child.pid);
    }
    // Exits are reported on later turns of the event loop, so they always find the job Running.
    record = this.commit(withCondition(record, 'Running', `${spec.name} is running`), 'modified');
    return jobOfRecord(record);
  }

  private replicaEnded(
    { key, replica }: IReplicaRef,
    how: { signal?: string; startError?: string }
  ): void {
    const current = this.records.get(key);
    if (!current || this.deleting.has(key)) {
      return;
    }
    const exitCode = this.store.readExitCode(current.namespace, current.name, replica);
    const stopReason = this.stopping.get(`${key}/${replica}`);
    this.stopping.delete(`${key}/${replica}`);
    const record = withReplicaEnd(current, replica, {
      exitCode,
      stopReason,
      ...how
    });
    const settled = settle(record);
    this.commit(settled.record, 'modified');
    this.stopReplicas(settled.record, settled.stop, 'Stopped');
  }

  private stopReplicas(record: IJobRecord, replicas: string[], reason: string): void {
    const key = keyOf(record.namespace, record.name);
    for (const replica of record.replicas.filter(r => replicas.includes(r.name) && r.pid)) {
      this.stopping.set(`${key}/${replica.name}`, reason);
      this.supervisor.stop(replica.pid as number);
    }
  }

  async list(namespace: string): Promise<{ items: IJob[]; resourceVersion?: string }> {
    return this.listNow(namespace);
  }

  /** This machine's user may read every namespace of the local backend. */
  async checkAccess(): Promise<void> {}

  private listNow(namespace: string): {
    items: IJob[];
    resourceVersion: string;
  } {
    const items = [...this.records.values()]
      .filter(r => r.namespace === namespace && !this.deleting.has(keyOf(r.namespace, r.name)))
      .map(jobOfRecord)
      .sort((a, b) =>
        a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name)
      );
    return { items, resourceVersion: String(this.revision) };
  }

  async get(namespace: string, name: string): Promise<IJob> {
    return jobOfRecord(this.found(namespace, name));
  }

  async delete(namespace: string, name: string): Promise<void> {
    const record = this.found(namespace, name);
    const key = keyOf(namespace, name);
    this.deleting.add(key);
    try {
      this.supervisor.forget(key);
      const pids = record.replicas.filter(r => r.pid && !r.finishedAt).map(r => r.pid as number);
      await this.supervisor.stopAndWait(pids);
      this.store.remove(namespace, name);
      this.records.delete(key);
      this.changes.publish(namespace, {
        type: 'deleted',
        object: { name, namespace }
      });
    } finally {
      this.deleting.delete(key);
    }
  }

  async events(namespace: string, name: string): Promise<IJobEvent[]> {
    return this.found(namespace, name).events.map(e => ({ ...e }));
  }

  async logs(
    namespace: string,
    name: string,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    const record = this.found(namespace, name);
    const follow =
      options.follow && !isFinished(record)
        ? { ended: this.ended(namespace, name), signal: options.signal }
        : undefined;
    await writeJobLogs(record, this.store, { ...options, follow }, sink);
  }

  /** Resolves when the job finishes, is deleted, or the backend closes. */
  private ended(namespace: string, name: string): Promise<void> {
    return this.changes.until(() => {
      const record = this.records.get(keyOf(namespace, name));
      return !record || isFinished(record);
    });
  }

  watch(namespace: string, onEvent: (event: JobStreamEvent) => void): ISubscription {
    return this.changes.watch(namespace, { type: 'snapshot', ...this.listNow(namespace) }, onEvent);
  }

  close(): void {
    this.supervisor.close();
    this.changes.close();
  }
}
