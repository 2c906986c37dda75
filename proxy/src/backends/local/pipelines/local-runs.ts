/**
 * `IPipelinesBackend` on this machine: a run executes a compiled KFP v2 IR, each task an attempt-by-attempt
 * process group (the replica wrapper of the training jobs: stamped log, exit file), scheduled by the pure
 * `decide()`; each run a record on disk, changes pushed to watchers from memory. State survives a proxy restart:
 * `recover()` re-attaches steps still running and settles the others from their exit files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ResourceEvent } from '../../../../../contract/live';
import { IArtifactPreview, IRerunRequest, IRun } from '../../../../../contract/pipeline';
import {
  BackendError,
  IArtifactFile,
  ICreateRunInput,
  IPipelinesBackend,
  IStepLogOptions,
  ISubscription
} from '../../types';
import { JobChanges } from '../job-changes';
import { writeLogs } from '../log-reader';
import { isReplicaAlive } from '../replica-process';
import { IReplicaRef, ReplicaSupervisor } from '../replica-supervisor';
import { StepCache } from './cache';
import { IPipelineIr } from './ir';
import { IPlan, IPlannedStep, IPlatformSpec, planRun, PlanError } from './plan';
import { PlaceholderError } from './placeholders';
import { artifactFile, previewArtifact } from './preview';
import {
  endedStep,
  IRunRecord,
  IStepRecord,
  isRunFinished,
  startedStep,
  stepOf,
  withRunPhase,
  withStep
} from './run-record';
import { IRunDocuments, RunStore } from './run-store';
import { runOfRecord } from './run-view';
import { decide, downstreamOf, isStepFinished, runPhaseOf, upstreamClosure } from './scheduler';
import {
  cacheKey,
  readOutputs,
  resolveInputs,
  resolveRunParameters,
  StepInputError
} from './step-io';
import { prepareStepLaunch, startStep, StepLaunchError } from './step-launch';

export interface ILocalRunsOptions {
  stateDir: string;
  pipelineRoot: string;
  python: string;
  workDir: string;
  parallelism: number;
  orphanPollMs: number;
  stopGraceMs: number;
}

type RunEvent = ResourceEvent<IRun>;
const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const MAX_TAIL = 10_000;

function runName(pipelineName: string): string {
  const base = pipelineName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 56)
    .replace(/^-+|-+$/g, '');
  const suffix = Array.from(
    randomBytes(5),
    b => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]
  ).join('');
  return `${base || 'run'}-${suffix}`;
}

const requestHash = (ir: unknown, parameters: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([ir, parameters]))
    .digest('hex');

export class LocalRuns implements IPipelinesBackend {
  private readonly records = new Map<string, IRunRecord>();
  private readonly plans = new Map<string, IPlan>();
  private readonly hashes = new Map<string, string>();
  /** Steps we are stopping on purpose (`<run key>/<task>`), and the reason they will show. */
  private readonly stopping = new Map<string, string>();
  /** Deadline and retry-backoff timers per `<run key>/<task>`. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly deleting = new Set<string>();
  private readonly changes = new JobChanges<RunEvent>();
  private readonly store: RunStore;
  private readonly cache: StepCache;
  private readonly supervisor: ReplicaSupervisor;
  private revision = 0;

  constructor(private readonly opts: ILocalRunsOptions) {
    this.store = new RunStore(opts.stateDir, opts.pipelineRoot);
    this.cache = new StepCache(this.store.cacheDir);
    this.supervisor = new ReplicaSupervisor(
      (ref, how) => this.stepEnded(ref, how),
      opts.orphanPollMs,
      opts.stopGraceMs,
      startStep
    );
  }

  namespacesUsed(): string[] {
    return [...new Set([...this.records.values()].map(r => r.namespace))];
  }

  // -- records -------------------------------------------------------------------------------------------------

  private commit(record: IRunRecord, type: 'added' | 'modified' = 'modified'): IRunRecord {
    const saved = { ...record, generation: record.generation + 1 };
    this.revision++;
    this.records.set(keyOf(saved.namespace, saved.name), saved);
    this.store.save(saved);
    this.changes.publish(saved.namespace, { type, object: runOfRecord(saved) });
    return saved;
  }

  private found(namespace: string, name: string): IRunRecord {
    const record = this.records.get(keyOf(namespace, name));
    if (!record || this.deleting.has(keyOf(namespace, name))) {
      throw new BackendError('not_found', `No pipeline run "${name}" in namespace "${namespace}".`);
    }
    return record;
  }

  private planOf(record: IRunRecord): IPlan {
    const key = keyOf(record.namespace, record.name);
    let plan = this.plans.get(key);
    if (!plan) {
      const docs = this.store.loadDocuments(record.namespace, record.name);
      plan = planRun(docs.ir, docs.platformSpec);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private plannedStep(record: IRunRecord, task: string): IPlannedStep {
    return this.planOf(record).steps.find(s => s.task === task) as IPlannedStep;
  }

  // -- create, rerun -------------------------------------------------------------------------------------------

  async createRun(
    namespace: string,
    input: ICreateRunInput
  ): Promise<{ run: IRun; created: boolean }> {
    const ir = input.ir as IPipelineIr;
    let plan: IPlan;
    try {
      plan = planRun(ir, input.platformSpec as IPlatformSpec | undefined);
    } catch (e) {
      if (e instanceof PlanError) {
        const fields = e.fields.map(f => ({ ...f, path: `/ir${f.path}` }));
        throw new BackendError(
          'invalid_spec',
          'The local runner cannot run this pipeline.',
          fields
        );
      }
      throw e;
    }
    const { values, errors } = resolveRunParameters(plan.parameters ?? {}, input.parameters ?? {});
    if (errors.length > 0) {
      throw new BackendError('invalid_spec', 'The run parameters do not fit the pipeline.', errors);
    }
    const name = input.name ?? runName(plan.pipelineName);
    const key = keyOf(namespace, name);
    const hash = requestHash(ir, values);
    const existing = this.records.get(key);
    if (existing) {
      if (this.hashOf(existing) !== hash) {
        throw new BackendError(
          'conflict',
          `A run named "${name}" already exists with another pipeline or other parameters.`
        );
      }
      return { run: runOfRecord(existing), created: false };
    }
    const record = this.newRecord(namespace, name, plan, values, input);
    this.store.saveDocuments(namespace, name, {
      ir,
      ...(input.platformSpec ? { platformSpec: input.platformSpec as IPlatformSpec } : {}),
      ...(input.spec ? { spec: input.spec } : {})
    });
    this.plans.set(key, plan);
    this.hashes.set(key, hash);
    const saved = this.commit(record, 'added');
    this.schedule(key);
    return { run: runOfRecord(this.records.get(key) ?? saved), created: true };
  }

  private hashOf(record: IRunRecord): string {
    const key = keyOf(record.namespace, record.name);
    let hash = this.hashes.get(key);
    if (!hash) {
      hash = requestHash(
        this.store.loadDocuments(record.namespace, record.name).ir,
        record.parameters
      );
      this.hashes.set(key, hash);
    }
    return hash;
  }

  private newRecord(
    namespace: string,
    name: string,
    plan: IPlan,
    parameters: Record<string, unknown>,
    input: Pick<ICreateRunInput, 'spec' | 'pipelinePath'>
  ): IRunRecord {
    const created = new Date();
    const outputRoot = this.store.outputRoot(plan.pipelineName, created);
    return {
      version: 1,
      name,
      namespace,
      pipelineName: plan.pipelineName,
      ...(input.spec?.name ? { displayName: input.spec.name } : {}),
      ...(input.pipelinePath ? { pipelinePath: input.pipelinePath } : {}),
      ...(input.spec ? { labels: input.spec.nodes.map(n => ({ id: n.id, label: n.label })) } : {}),
      created: created.toISOString(),
      phase: 'Pending',
      parameters,
      cancelled: false,
      outputRoot,
      python: this.opts.python,
      parallelism: this.opts.parallelism,
      steps: plan.steps.map((s): IStepRecord => ({
        task: s.task,
        component: s.component,
        upstream: s.upstream,
        phase: 'Pending',
        attempts: 0,
        maxAttempts: 1 + s.retry.maxRetryCount,
        taskRoot: join(outputRoot, s.task),
        ...(s.container.image ? { image: s.container.image } : {}),
        inputs: { parameters: {}, artifacts: {} },
        outputs: { parameters: {}, artifacts: {} }
      })),
      generation: 0
    };
  }

  async rerun(
    namespace: string,
    name: string,
    request: IRerunRequest & { name?: string }
  ): Promise<IRun> {
    const source = this.found(namespace, name);
    const { fromTask, onlyTask } = request;
    if (fromTask && onlyTask) {
      throw new BackendError('invalid_spec', 'Give fromTask or onlyTask, not both.', [
        { path: '/onlyTask', message: 'cannot be combined with fromTask' }
      ]);
    }
    const target = fromTask ?? onlyTask;
    if (target && !source.steps.some(s => s.task === target)) {
      throw new BackendError('invalid_spec', `Run ${name} has no step "${target}".`, [
        {
          path: fromTask ? '/fromTask' : '/onlyTask',
          message: `must be one of: ${source.steps.map(s => s.task).join(', ')}`
        }
      ]);
    }
    const docs = this.store.loadDocuments(namespace, name);
    const plan = this.planOf(source);
    const reuse = target
      ? fromTask
        ? new Set(
            source.steps
              .map(s => s.task)
              .filter(t => t !== fromTask && !downstreamOf(source.steps, fromTask).has(t))
          )
        : upstreamClosure(source.steps, target)
      : new Set<string>();
    for (const task of reuse) {
      const step = stepOf(source, task);
      if (step.phase !== 'Succeeded' && step.phase !== 'Cached') {
        throw new BackendError(
          'invalid_spec',
          `Step ${task} ${step.phase.toLowerCase()} in run ${name}, so there are no outputs of it to reuse; run from ${task} instead.`,
          [
            {
              path: fromTask ? '/fromTask' : '/onlyTask',
              message: `needs the outputs of ${task}, which it has not`
            }
          ]
        );
      }
    }
    const newName = request.name ?? runName(source.pipelineName);
    if (this.records.has(keyOf(namespace, newName))) {
      throw new BackendError('conflict', `A run named "${newName}" already exists.`);
    }
    let record = this.newRecord(namespace, newName, plan, source.parameters, {
      spec: docs.spec,
      pipelinePath: source.pipelinePath
    });
    record = {
      ...record,
      rerunOf: { run: name, ...(fromTask ? { fromTask } : {}), ...(onlyTask ? { onlyTask } : {}) }
    };
    for (const step of source.steps) {
      if (reuse.has(step.task)) {
        record = withStep(record, step.task, {
          phase: 'Cached',
          reason: 'Reused',
          message: `outputs reused from run ${name}`,
          cachedFrom: step.cachedFrom ?? { run: name, task: step.task },
          inputs: step.inputs,
          outputs: step.outputs,
          finished: new Date().toISOString()
        });
      } else if (onlyTask && step.task !== onlyTask) {
        record = withStep(record, step.task, {
          phase: 'Skipped',
          reason: 'NotSelected',
          message: `only ${onlyTask} was run`,
          finished: new Date().toISOString()
        });
      } else if (step.task === target) {
        record = withStep(record, step.task, { forceRun: true });
      }
    }
    const key = keyOf(namespace, newName);
    this.store.saveDocuments(namespace, newName, docs);
    this.plans.set(key, plan);
    this.commit(record, 'added');
    this.schedule(key);
    return runOfRecord(this.records.get(key) as IRunRecord);
  }

  // -- scheduling ----------------------------------------------------------------------------------------------

  /** Applies `decide()` until nothing changes (cache hits free their dependants at once). */
  private schedule(key: string): void {
    for (;;) {
      const record = this.records.get(key);
      if (!record || isRunFinished(record) || this.deleting.has(key)) {
        return;
      }
      // A step waiting out a retry backoff holds its slot like a running one.
      const view = record.steps.map(s => ({
        ...s,
        phase: s.retryAt ? ('Running' as const) : s.phase
      }));
      const { start, skip } = decide(view, record.parallelism, record.cancelled);
      let next = record;
      for (const s of skip) {
        next = withStep(next, s.task, {
          phase: 'Skipped',
          reason: s.reason,
          message: s.message,
          rootCause: s.rootCause,
          finished: new Date().toISOString()
        });
      }
      for (const task of start) {
        next = this.startStep(next, task);
      }
      next = withRunPhase(next, runPhaseOf(next.steps, next.cancelled));
      if (next === record) {
        return;
      }
      this.commit(next);
    }
  }

  private startStep(record: IRunRecord, task: string): IRunRecord {
    const planned = this.plannedStep(record, task);
    const step = stepOf(record, task);
    const fail = (reason: string, message: string) =>
      withStep(record, task, {
        phase: 'Failed',
        reason,
        message,
        finished: new Date().toISOString()
      });
    let inputs;
    try {
      inputs = resolveInputs(planned, record.parameters, up => stepOf(record, up).outputs);
    } catch (e) {
      if (e instanceof StepInputError) {
        return fail('InputError', e.message);
      }
      throw e;
    }
    const key = planned.cache ? cacheKey(planned, inputs) : undefined;
    const hit = key && !step.forceRun ? this.cache.get(key) : undefined;
    if (hit) {
      return withStep(record, task, {
        phase: 'Cached',
        reason: 'CacheHit',
        message: `outputs taken from the cache (run ${hit.run}, step ${hit.task})`,
        cacheKey: key,
        cachedFrom: { run: hit.run, task: hit.task },
        inputs,
        outputs: hit.outputs,
        finished: new Date().toISOString()
      });
    }
    const runKey = keyOf(record.namespace, record.name);
    const attempt = step.attempts + 1;
    let prepared;
    try {
      prepared = prepareStepLaunch(planned, step.taskRoot, inputs, {
        python: record.python,
        workDir: this.opts.workDir,
        shimRoot: join(this.opts.stateDir, 'python-shims'),
        logPath: this.store.logPath(record.namespace, record.name, task),
        exitPath: this.store.exitPath(record.namespace, record.name, task, attempt)
      });
    } catch (e) {
      if (e instanceof StepLaunchError) {
        return withStep(fail(e.reason, e.message), task, { inputs });
      }
      if (e instanceof PlaceholderError) {
        return withStep(fail('PlaceholderError', e.message), task, { inputs });
      }
      throw e;
    }
    const child = this.supervisor.start({ key: runKey, replica: task }, prepared.launch);
    const deadline = planned.timeoutSeconds
      ? new Date(Date.now() + planned.timeoutSeconds * 1000).toISOString()
      : undefined;
    this.armDeadline(runKey, task, child.pid, deadline);
    return withStep(record, task, {
      ...startedStep(child.pid, attempt, deadline),
      inputs,
      note: prepared.note,
      ...(key ? { cacheKey: key } : {})
    });
  }

  private armDeadline(
    runKey: string,
    task: string,
    pid: number | undefined,
    deadline?: string
  ): void {
    if (!deadline || !pid) {
      return;
    }
    const id = `${runKey}/${task}`;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        this.stopping.set(id, 'DeadlineExceeded');
        this.supervisor.stop(pid);
      },
      Math.max(0, Date.parse(deadline) - Date.now())
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  private armRetry(runKey: string, task: string, retryAt: string): void {
    const id = `${runKey}/${task}`;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        const record = this.records.get(runKey);
        if (record && !isRunFinished(record)) {
          this.commit(withStep(record, task, { retryAt: undefined }));
          this.guarded(runKey, () => this.schedule(runKey));
        }
      },
      Math.max(0, Date.parse(retryAt) - Date.now())
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  private clearTimer(id: string): void {
    const timer = this.timers.get(id);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(id);
    }
  }

  private stepEnded(ref: IReplicaRef, how: { signal?: string; startError?: string }): void {
    this.guarded(ref.key, () => this.settleStep(ref, how));
  }

  private settleStep(
    { key, replica: task }: IReplicaRef,
    how: { signal?: string; startError?: string }
  ): void {
    const record = this.records.get(key);
    if (!record || this.deleting.has(key)) {
      return;
    }
    const id = `${key}/${task}`;
    this.clearTimer(id);
    const stopReason = record.cancelled ? 'Cancelled' : this.stopping.get(id);
    this.stopping.delete(id);
    const step = stepOf(record, task);
    const exitCode = this.store.readExitCode(record.namespace, record.name, task, step.attempts);
    this.commitEnd(record, step, { exitCode, stopReason, ...how });
  }

  private commitEnd(
    record: IRunRecord,
    step: IStepRecord,
    end: { exitCode?: number; stopReason?: string; signal?: string; startError?: string }
  ): void {
    const key = keyOf(record.namespace, record.name);
    const planned = this.plannedStep(record, step.task);
    let error = end.startError ? { reason: 'StartFailed', message: end.startError } : undefined;
    let outputs = step.outputs;
    if (!error && end.exitCode === 0 && !end.stopReason) {
      const read = readOutputs(planned, step.taskRoot);
      outputs = read.outputs;
      if (read.missing.length > 0) {
        error = {
          reason: 'OutputMissing',
          message: `the step exited 0 but did not write ${read.missing.join(', ')}`
        };
      }
    }
    const { backoffSeconds, factor, maxBackoffSeconds } = planned.retry;
    const change = endedStep(step, { ...end, error }, attempt =>
      Math.min(maxBackoffSeconds, backoffSeconds * factor ** (attempt - 1))
    );
    let next = withStep(record, step.task, { ...change, outputs });
    if (change.phase === 'Succeeded' && step.cacheKey && planned.cache) {
      this.cache.put(step.cacheKey, {
        run: record.name,
        namespace: record.namespace,
        task: step.task,
        created: new Date().toISOString(),
        outputs
      });
    }
    next = withRunPhase(next, runPhaseOf(next.steps, next.cancelled));
    this.commit(next);
    if (change.phase === 'Pending' && change.retryAt) {
      this.armRetry(key, step.task, change.retryAt);
    }
    this.schedule(key);
  }

  // -- restart -------------------------------------------------------------------------------------------------

  /** Reads every record; re-attaches running steps, settles ended ones from their exit files, resumes. */
  recover(): void {
    for (const stored of this.store.loadAll()) {
      const key = keyOf(stored.namespace, stored.name);
      this.records.set(key, stored);
      if (isRunFinished(stored)) {
        continue;
      }
      this.guarded(key, () => this.recoverRun(key, stored));
    }
  }

  /**
   * Runs `fn` for a run; if the run's own files cannot be read back (a damaged documents.json), the run fails
   * with that reason instead of the error escaping into a timer or the proxy's start.
   */
  private guarded(key: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const current = this.records.get(key);
      if (!current || isRunFinished(current)) {
        return;
      }
      const reason = e instanceof Error ? e.message : String(e);
      this.commit({
        ...withRunPhase(current, 'Failed'),
        reason: 'Unrecoverable',
        message: `the proxy could not resume this run: ${reason}`
      });
    }
  }

  private recoverRun(key: string, stored: IRunRecord): void {
    for (const step of stored.steps) {
      const current = this.records.get(key) as IRunRecord;
      if (step.phase === 'Pending' && step.retryAt) {
        this.armRetry(key, step.task, step.retryAt);
      }
      if (step.phase !== 'Running') {
        continue;
      }
      const logPath = this.store.logPath(stored.namespace, stored.name, step.task);
      const exitCode = this.store.readExitCode(
        stored.namespace,
        stored.name,
        step.task,
        step.attempts
      );
      if (exitCode !== undefined) {
        this.commitEnd(current, step, {
          exitCode,
          ...(current.cancelled ? { stopReason: 'Cancelled' } : {})
        });
      } else if (step.pid && isReplicaAlive(step.pid, logPath)) {
        this.supervisor.adopt({ key, replica: step.task }, step.pid, logPath);
        this.armDeadline(key, step.task, step.pid, step.deadline);
      } else {
        this.commit(
          withStep(current, step.task, {
            phase: 'Failed',
            reason: 'ProxyRestarted',
            message:
              "the step's process was no longer running when the proxy restarted, and left no exit code",
            finished: new Date().toISOString(),
            pid: undefined
          })
        );
      }
    }
    this.schedule(key);
  }

  // -- reading ---------------------------------------------------------------------------------------------------

  async list(namespace: string): Promise<{ items: IRun[]; resourceVersion?: string }> {
    return this.listNow(namespace);
  }

  private listNow(namespace: string): { items: IRun[]; resourceVersion: string } {
    const items = [...this.records.values()]
      .filter(r => r.namespace === namespace && !this.deleting.has(keyOf(r.namespace, r.name)))
      .map(r => runOfRecord(r))
      .sort((a, b) =>
        a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name)
      );
    return { items, resourceVersion: String(this.revision) };
  }

  /** This machine's user may read every namespace of the local runner. */
  async checkAccess(): Promise<void> {}

  async get(namespace: string, name: string): Promise<IRun> {
    const record = this.found(namespace, name);
    const docs: IRunDocuments = this.store.loadDocuments(namespace, name);
    return runOfRecord(record, {
      ir: docs.ir as Record<string, unknown>,
      ...(docs.spec ? { spec: docs.spec } : {})
    });
  }

  watch(namespace: string, onEvent: (event: RunEvent) => void): ISubscription {
    return this.changes.watch(namespace, { type: 'snapshot', ...this.listNow(namespace) }, onEvent);
  }

  private step(
    namespace: string,
    name: string,
    task: string
  ): { record: IRunRecord; step: IStepRecord } {
    const record = this.found(namespace, name);
    const step = record.steps.find(s => s.task === task);
    if (!step) {
      throw new BackendError('not_found', `Run "${name}" has no step "${task}".`);
    }
    return { record, step };
  }

  async stepLogs(
    namespace: string,
    name: string,
    task: string,
    options: IStepLogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    const { step } = this.step(namespace, name, task);
    if (step.cachedFrom && step.attempts === 0) {
      sink(
        `[workbench] ${task} did not run: its outputs come from run ${step.cachedFrom.run}, step ${step.cachedFrom.task}.\n`
      );
    }
    const stepDone = () => {
      const current = this.records.get(keyOf(namespace, name));
      const s = current?.steps.find(x => x.task === task);
      return (
        !s ||
        (isStepFinished(s.phase) && s.phase !== 'Pending') ||
        !current ||
        isRunFinished(current)
      );
    };
    const follow =
      options.follow && !stepDone()
        ? { ended: this.changes.until(stepDone), signal: options.signal }
        : undefined;
    const tail = Math.max(0, Math.min(options.tail ?? MAX_TAIL, MAX_TAIL));
    const path = this.store.logPath(namespace, name, task);
    if (follow) {
      // A step that has not started has no log yet; following it must wait for its first line, not fail.
      mkdirSync(dirname(path), { recursive: true });
      closeSync(openSync(path, 'a'));
    }
    await writeLogs([{ replica: task, path }], { tail, prefixed: false, follow }, sink);
  }

  async stepOutput(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactPreview> {
    const { step } = this.step(namespace, name, task);
    return previewArtifact(this.outputArtifact(step, name, artifact));
  }

  async stepOutputFile(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactFile> {
    const { step } = this.step(namespace, name, task);
    return artifactFile(this.outputArtifact(step, name, artifact));
  }

  private outputArtifact(step: IStepRecord, run: string, artifact: string) {
    const found = step.outputs.artifacts[artifact];
    if (!found) {
      const known = Object.keys(step.outputs.artifacts);
      throw new BackendError(
        'not_found',
        `Step ${step.task} of run ${run} has no output artifact "${artifact}"` +
          (known.length ? ` (it has: ${known.join(', ')})` : ' (yet)') +
          '.'
      );
    }
    return found;
  }

  // -- stopping --------------------------------------------------------------------------------------------------

  async cancel(namespace: string, name: string): Promise<IRun> {
    let record = this.found(namespace, name);
    const key = keyOf(namespace, name);
    if (isRunFinished(record)) {
      return runOfRecord(record);
    }
    record = { ...record, cancelled: true };
    const pids: number[] = [];
    for (const step of record.steps) {
      this.clearTimer(`${key}/${step.task}`);
      if (step.phase === 'Pending') {
        record = withStep(record, step.task, {
          phase: 'Cancelled',
          reason: 'RunCancelled',
          message: 'the run was cancelled before this step started',
          retryAt: undefined,
          finished: new Date().toISOString()
        });
      } else if (step.phase === 'Running' && step.pid) {
        this.stopping.set(`${key}/${step.task}`, 'Cancelled');
        pids.push(step.pid);
      }
    }
    this.commit(withRunPhase(record, runPhaseOf(record.steps, true)));
    await this.supervisor.stopAndWait(pids);
    // Our children's exits arrive as events; re-attached ones are noticed by the orphan poll.
    const settled = () => {
      const current = this.records.get(key);
      return !current || isRunFinished(current);
    };
    if (!settled()) {
      await this.changes.until(settled);
    }
    return runOfRecord(this.records.get(key) ?? record);
  }

  async delete(namespace: string, name: string): Promise<void> {
    const record = this.found(namespace, name);
    const key = keyOf(namespace, name);
    this.deleting.add(key);
    try {
      this.supervisor.forget(key);
      record.steps.forEach(s => this.clearTimer(`${key}/${s.task}`));
      const pids = record.steps
        .filter(s => s.phase === 'Running' && s.pid)
        .map(s => s.pid as number);
      await this.supervisor.stopAndWait(pids);
      this.store.remove(record);
      this.records.delete(key);
      this.plans.delete(key);
      this.hashes.delete(key);
      this.changes.publish(namespace, { type: 'deleted', object: { name, namespace } });
    } finally {
      this.deleting.delete(key);
    }
  }

  close(): void {
    this.timers.forEach(t => clearTimeout(t));
    this.timers.clear();
    this.supervisor.close();
    this.changes.close();
  }
}
