/**
 * `IJobsBackend` on this machine: each replica a supervised process tree (see supervisor-script.ts), each job a
 * record on disk, changes pushed to watchers from memory (no file polling). State survives a proxy restart:
 * `recover()` re-attaches replicas that still run (or still terminate) and settles the others from their exit
 * files. Stopping a replica follows the pod lifecycle: it shows `Terminating` while its supervisor gives its
 * processes the grace period, then its final state.
 */
import { ChildProcess } from 'node:child_process';
import { IJob, IJobEvent, ITrainingJobSpec, JobStreamEvent } from '../../../../contract/training';
import { generateJobName } from '../../../../contract/training-schema';
import { BackendError, IJobsBackend, ILogOptions, ISubscription } from '../types';
import {
  withReplicaEnd,
  withReplicaStarted,
  IJobRecord,
  isAtRest,
  isFinished,
  isLive,
  jobOfRecord,
  settle,
  withCondition,
  withEvent,
  withReplica
} from './job-record';
import { writeJobLogs } from './log-reader';
import { isReady, packageEnvFor, PackageEnvs, IPackageEnv } from './package-env';
import { baseEnvironment, checkRunnable, checkSameSpec, prepareJob } from './prepare-job';
import { IReplicaLaunch, isReplicaAlive } from './replica-process';
import { appendStamped } from './log-lines';
import { JobChanges } from './job-changes';
import { recoverRecord } from './recovery';
import { IReplicaRef, ReplicaSupervisor } from './replica-supervisor';
import { RecordStore } from './record-store';

export interface ILocalJobsOptions {
  stateDir: string;
  python: string;
  maxProcesses: number;
  /** NVIDIA GPUs of this machine (host-devices.ts). */
  gpus?: number;
  orphanPollMs: number;
  /** The grace period of jobs that set no `terminationGracePeriodSeconds`. */
  graceSeconds: number;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class LocalJobs implements IJobsBackend {
  private readonly records = new Map<string, IJobRecord>();
  private readonly creating = new Map<string, Promise<IJob>>();
  private readonly deleting = new Set<string>();
  /** Jobs waiting for their package environment, and how to give up waiting (on delete). */
  private readonly installing = new Map<string, () => void>();
  private readonly packageEnvs = new PackageEnvs();
  private readonly changes = new JobChanges();
  private readonly store: RecordStore;
  private readonly supervisor: ReplicaSupervisor;
  private revision = 0;

  constructor(private readonly opts: ILocalJobsOptions) {
    this.store = new RecordStore(opts.stateDir);
    this.supervisor = new ReplicaSupervisor(
      (ref, how) => this.replicaEnded(ref, how),
      opts.orphanPollMs,
      opts.graceSeconds * 1000
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
      let current = settled.record;
      if (current !== stored) {
        current = this.commit(current, 'modified');
      }
      // A finished job with a replica still running: the proxy stopped between settling and stopping it.
      const leftOver = isFinished(stored)
        ? current.replicas.filter(r => r.phase === 'Running').map(r => r.name)
        : [];
      current = this.stopReplicas(current, [...settled.stop, ...leftOver], 'Stopped');
      // Told to stop before the restart: telling it again is harmless and covers a stop that was recorded but
      // never sent. The supervisor keeps its own grace deadline.
      current.replicas
        .filter(r => r.phase === 'Terminating' && r.pid)
        .forEach(r => this.supervisor.stop(r.pid as number));
    }
  }

  private graceOf(spec: ITrainingJobSpec): number {
    return spec.terminationGracePeriodSeconds ?? this.opts.graceSeconds;
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
    if (this.deleting.has(key)) {
      throw new BackendError(
        'conflict',
        `The job "${full.name}" is still being deleted (its processes are stopping). Try again in a moment.`
      );
    }
    const existing = this.records.get(key);
    if (existing) {
      checkSameSpec(existing.spec, full);
      return { job: jobOfRecord(existing), created: false };
    }
    checkRunnable(full, this.opts.maxProcesses, this.opts.gpus ?? 0);
    const creation = this.launch(full);
    this.creating.set(key, creation);
    try {
      return { job: await creation, created: true };
    } finally {
      this.creating.delete(key);
    }
  }

  /**
   * Atomic: the record is written (and watchers told) only once every replica's process exists. When
   * `spawn()` refuses a replica (an argument it cannot pass, no process slots), the replicas already started
   * are stopped, the job's files removed, and the create fails: a retry starts afresh instead of finding a job
   * that stays `Created` forever. Failures after the spawn (no such interpreter) mark the job Failed with the reason.
   */
  private async launch(
    spec: ITrainingJobSpec & { name: string; namespace: string }
  ): Promise<IJob> {
    const key = keyOf(spec.namespace, spec.name);
    const packageEnv =
      spec.packages && spec.packages.length > 0
        ? packageEnvFor(this.opts.stateDir, this.opts.python, spec.packages)
        : undefined;
    let prepared;
    try {
      prepared = await prepareJob(this.store, spec, {
        python: this.opts.python,
        graceSeconds: this.graceOf(spec),
        packageEnv,
        gpus: this.opts.gpus ?? 0
      });
    } catch (error) {
      this.store.remove(spec.namespace, spec.name);
      throw error;
    }
    const { record, launches } = prepared;
    if (packageEnv) {
      // Replicas stay Pending while the environment is built, as pods do while their image is pulled; a
      // replica that then cannot start marks the job Failed with the reason (startReplicas).
      const created = this.commit(record, 'added');
      void this.installThenStart(created, packageEnv, launches);
      return jobOfRecord(created);
    }
    const { record: started, children, failure } = this.spawnAll(record, launches);
    if (failure) {
      await this.abandon(spec, children);
      throw startFailure(failure.replica, failure.error);
    }
    let committed: IJobRecord;
    try {
      committed = this.commit(started, 'added');
    } catch (error) {
      // The record could not be written (disk full): processes nobody can see must not run on.
      this.records.delete(key);
      await this.abandon(spec, children);
      throw error;
    }
    // Exits are reported on later turns of the event loop, so they always find the job Running.
    return jobOfRecord(
      this.commit(withCondition(committed, 'Running', `${spec.name} is running`), 'modified')
    );
  }

  /** Starts every replica; stops at the first one `spawn()` refuses (thrown synchronously). */
  private spawnAll(
    from: IJobRecord,
    launches: Map<string, IReplicaLaunch>
  ): {
    record: IJobRecord;
    children: ChildProcess[];
    failure?: { replica: string; error: unknown };
  } {
    const key = keyOf(from.namespace, from.name);
    let record = from;
    const children: ChildProcess[] = [];
    for (const [replica, launch] of launches) {
      try {
        children.push(this.supervisor.start({ key, replica }, launch));
      } catch (error) {
        return { record, children, failure: { replica, error } };
      }
      record = withReplicaStarted(record, replica, children[children.length - 1].pid);
    }
    return { record, children };
  }

  /** After the package install (the job is already visible): all replicas Running, or the job Failed. */
  private startReplicas(from: IJobRecord, launches: Map<string, IReplicaLaunch>): IJobRecord {
    const { record, failure } = this.spawnAll(from, launches);
    if (!failure) {
      // Exits are reported on later turns of the event loop, so they always find the job Running.
      return this.commit(withCondition(record, 'Running', `${from.name} is running`), 'modified');
    }
    const reason = startFailure(failure.replica, failure.error).message;
    let failed = record;
    for (const replica of failed.replicas.filter(r => r.phase === 'Pending')) {
      failed = withReplica(failed, replica.name, {
        phase: 'Failed',
        reason: 'StartFailed',
        message: reason,
        finishedAt: new Date().toISOString()
      });
    }
    const committed = this.commit(withCondition(failed, 'Failed', reason), 'modified');
    const running = committed.replicas.filter(r => r.phase === 'Running').map(r => r.name);
    return this.stopReplicas(committed, running, 'Stopped');
  }

  /** Builds (or reuses) the job's package environment, with pip's output in every replica's log. */
  private async installThenStart(
    created: IJobRecord,
    packageEnv: IPackageEnv,
    launches: Map<string, IReplicaLaunch>
  ): Promise<void> {
    const { namespace, name } = created;
    const key = keyOf(namespace, name);
    const packages = created.spec.packages ?? [];
    const listed = packages.join(', ');
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => {
      const current = this.records.get(key) as IJobRecord;
      return this.commit(withEvent(current, type, reason, message, name), 'modified');
    };
    if (isReady(packageEnv)) {
      event(
        'Normal',
        'PackagesCached',
        `Using the cached environment with ${listed}; nothing to install`
      );
      this.startReplicas(this.records.get(key) as IJobRecord, launches);
      return;
    }
    const logs = [...launches.values()].map(l => l.logPath);
    const log = (line: string) => logs.forEach(path => appendStamped(path, line));
    const began = Date.now();
    event(
      'Normal',
      'InstallingPackages',
      `Installing ${listed} into a virtual environment layered on ${this.opts.python} (${packageEnv.dir})`
    );
    log(`[workbench] installing ${listed}`);
    const { done, release } = this.packageEnvs.ensure(
      packageEnv,
      this.opts.python,
      packages,
      baseEnvironment(),
      log
    );
    this.installing.set(key, release);
    let failure: string | undefined;
    try {
      await done;
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      release();
    }
    if (this.installing.get(key) !== release) {
      return; // deleted while installing
    }
    this.installing.delete(key);
    if (failure !== undefined) {
      log(`[workbench] the packages could not be installed`);
      event('Warning', 'InstallFailed', `Installing ${listed} failed: ${failure}`);
      let failed = this.records.get(key) as IJobRecord;
      for (const replica of failed.replicas) {
        failed = withReplica(failed, replica.name, {
          phase: 'Failed',
          reason: 'InstallFailed',
          message: failure,
          finishedAt: new Date().toISOString()
        });
      }
      const message = `the packages could not be installed: ${failure}`;
      this.commit(withCondition(failed, 'Failed', message), 'modified');
      return;
    }
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    log(`[workbench] installed ${listed} in ${seconds} s`);
    event(
      'Normal',
      'InstalledPackages',
      `Installed ${listed} in ${seconds} s; later jobs reuse it`
    );
    this.startReplicas(this.records.get(key) as IJobRecord, launches);
  }

  /** Stops what a failed launch started and waits for their exits, so none is taken for a later job's. */
  private async abandon(
    spec: { name: string; namespace: string },
    started: ChildProcess[]
  ): Promise<void> {
    const exited = started.map(child =>
      child.exitCode !== null || child.signalCode !== null || child.pid === undefined
        ? Promise.resolve()
        : new Promise(resolve => child.once('exit', resolve))
    );
    await this.supervisor.stopAndWait(started.flatMap(child => (child.pid ? [child.pid] : [])));
    await Promise.all(exited);
    this.store.remove(spec.namespace, spec.name);
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
    const stopReason = current.replicas.find(r => r.name === replica)?.stopReason;
    const record = withReplicaEnd(current, replica, {
      exitCode,
      stopReason,
      ...how
    });
    const settled = settle(record);
    this.stopReplicas(this.commit(settled.record, 'modified'), settled.stop, 'Stopped');
  }

  /** Marks the replicas `Terminating` (recorded before the signal, so a restart knows), then stops them. */
  private stopReplicas(record: IJobRecord, replicas: string[], reason: string): IJobRecord {
    const targets = record.replicas.filter(
      r => replicas.includes(r.name) && r.pid && r.phase === 'Running'
    );
    if (targets.length === 0) {
      return record;
    }
    const grace = this.graceOf(record.spec);
    let next = record;
    for (const replica of targets) {
      next = withReplica(next, replica.name, { phase: 'Terminating', stopReason: reason });
      next = withEvent(
        next,
        'Normal',
        'Killing',
        `Stopping ${replica.name}: SIGTERM to each of its processes, SIGKILL to any left after ${grace} s`,
        replica.name
      );
    }
    next = this.commit(next, 'modified');
    targets.forEach(r => this.supervisor.stop(r.pid as number));
    return next;
  }

  /** Stops a job's running replicas, keeping its record and logs (a study's early-stopped or killed trial). */
  stop(namespace: string, name: string, reason: string): void {
    const record = this.found(namespace, name);
    this.stopReplicas(
      record,
      record.replicas.filter(r => r.pid && !r.finishedAt).map(r => r.name),
      reason
    );
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
      this.installing.get(key)?.();
      this.installing.delete(key);
      this.supervisor.forget(key);
      // Replicas already terminating keep their deadline: their supervisors ignore a second SIGTERM.
      const live = record.replicas.filter(r => r.pid && isLive(r)).map(r => r.pid as number);
      await this.supervisor.stopAndWait(live, this.graceOf(record.spec) * 1000);
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
      options.follow && !isAtRest(record)
        ? { ended: this.ended(namespace, name), signal: options.signal }
        : undefined;
    await writeJobLogs(record, this.store, { ...options, follow }, sink);
  }

  /** Resolves when the job has finished and its processes are gone, is deleted, or the backend closes. */
  private ended(namespace: string, name: string): Promise<void> {
    return this.changes.until(() => {
      const record = this.records.get(keyOf(namespace, name));
      return !record || isAtRest(record);
    });
  }

  watch(namespace: string, onEvent: (event: JobStreamEvent) => void): ISubscription {
    return this.changes.watch(namespace, { type: 'snapshot', ...this.listNow(namespace) }, onEvent);
  }

  close(): void {
    this.installing.forEach(release => release());
    this.installing.clear();
    this.supervisor.close();
    this.changes.close();
  }
}

/** Arguments no process can take are the spec's problem (400); anything else is this machine's (502). */
function startFailure(replica: string, error: unknown): BackendError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const detail = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  if (['ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE', 'E2BIG'].includes(code)) {
    return new BackendError(
      'invalid_spec',
      `The job's command, args or env cannot be given to a process (${detail}).`,
      [{ path: '/command', message: 'cannot be passed to a process on this machine' }]
    );
  }
  return new BackendError(
    'backend',
    `The local backend could not start replica ${replica} (${detail}); nothing was created.`
  );
}
