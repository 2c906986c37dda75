/**
 * Studies without a cluster: every trial is a local job (labelled with the study), at most parallelTrialCount
 * at a time, suggested by tuner/'s pure, seeded algorithms. The study record keeps only what the jobs cannot
 * say (parameters, why the workbench stopped a trial); states come from the jobs and objective curves from
 * their logs, parsed with the collector's format, so a restarted proxy replays the same history and resumes.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ResourceEvent } from '../../../../../contract/live';
import { MetricReader } from '../../../../../contract/metric-format';
import {
  IStudy,
  IStudyBudget,
  IStudyCreated,
  IStudySpec,
  MAX_CURVE_POINTS
} from '../../../../../contract/study';
import { checkAlgorithm, LOCAL_ALGORITHMS, shouldStop, suggest } from '../../../../../tuner';
import { toSuggestRequest } from '../../../../../contract/study-rules';
import { appendToCurve, bestOf } from '../../study-summary';
import { BackendError, ILogOptions, IStudiesBackend, ISubscription } from '../../types';
import { LocalJobs } from '../local-jobs';
import { checkRunnable } from '../prepare-job';
import { ILocalStudyRecord, ILocalTrialRecord, StudyStore } from './study-store';
import { historyOf, ILiveTrial, IStudyFacts, studyOf, trialsOf } from './study-view';
import { trialJobOf, trialName } from './trial-spec';

const FINISHED_JOB = new Set(['Succeeded', 'Failed']);

interface IStudyState extends IStudyFacts {
  ticking?: Promise<void>;
  again?: boolean;
  sent?: string;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class LocalStudies implements IStudiesBackend {
  private readonly studies = new Map<string, IStudyState>();
  private readonly listeners = new Set<{
    namespace: string;
    onEvent: (e: ResourceEvent<IStudy>) => void;
  }>();
  private readonly jobWatches = new Map<string, ISubscription>();
  private readonly store: StudyStore;
  private closed = false;

  constructor(
    private readonly jobs: LocalJobs,
    stateDir: string,
    private readonly maxProcesses: number
  ) {
    this.store = new StudyStore(join(stateDir, 'studies'));
  }

  /** Rebuilds every stored study and resumes the unfinished ones (after LocalJobs.recover). */
  recover(): void {
    for (const record of this.store.loadAll()) {
      this.adoptRecord(record);
    }
  }

  private adoptRecord(record: ILocalStudyRecord): IStudyState {
    const state: IStudyState = { record, live: new Map(), jobs: new Map() };
    this.studies.set(key(record.spec.namespace, record.spec.name), state);
    this.watchJobsOf(record.spec.namespace);
    this.schedule(state);
    return state;
  }

  /** One job watch per namespace drives every study there. */
  private watchJobsOf(namespace: string): void {
    if (this.jobWatches.has(namespace)) {
      return;
    }
    const subscription = this.jobs.watch(namespace, event => {
      if (event.type === 'deleted') {
        const study = this.studyOfJob(namespace, event.object.name);
        if (study) {
          study.jobs.delete(event.object.name);
          this.schedule(study);
        }
        return;
      }
      const changed = event.type === 'snapshot' ? event.items : [event.object];
      for (const job of changed) {
        const study = this.studyOfJob(namespace, job.name);
        if (study) {
          study.jobs.set(job.name, job);
          this.schedule(study);
        }
      }
    });
    this.jobWatches.set(namespace, subscription);
  }

  private studyOfJob(namespace: string, job: string): IStudyState | undefined {
    for (const state of this.studies.values()) {
      if (
        state.record.spec.namespace === namespace &&
        state.record.trials.some(t => t.name === job)
      ) {
        return state;
      }
    }
    return undefined;
  }

  private found(namespace: string, name: string): IStudyState {
    const state = this.studies.get(key(namespace, name));
    if (!state) {
      throw new BackendError('not_found', `No study "${name}" in namespace "${namespace}".`);
    }
    return state;
  }

  async create(namespace: string, spec: IStudySpec): Promise<IStudyCreated> {
    const full = { ...spec, namespace, name: spec.name ?? '' };
    const existing = this.studies.get(key(namespace, full.name));
    if (existing) {
      if (!isDeepStrictEqual(existing.record.spec, full)) {
        throw new BackendError(
          'conflict',
          `A study named "${full.name}" already exists in namespace "${namespace}" and has a different spec. ` +
            'Choose another name or delete that study first.'
        );
      }
      return { study: studyOf(existing), created: false, warnings: [] };
    }
    if (!LOCAL_ALGORITHMS.includes(spec.algorithm.name)) {
      throw new BackendError(
        'invalid_spec',
        `The local backend has no algorithm "${spec.algorithm.name}".`,
        [
          {
            path: '/algorithm/name',
            message: `the local backend has ${LOCAL_ALGORITHMS.join(', ')}; "${spec.algorithm.name}" needs a cluster`
          }
        ]
      );
    }
    // The local tuner's own limits (e.g. TPE models bounded distributions only), with the reason.
    const problems = checkAlgorithm(toSuggestRequest(spec));
    if (problems.length > 0) {
      throw new BackendError('invalid_spec', 'The local backend cannot run this study.', problems);
    }
    try {
      checkRunnable(spec.trial, this.maxProcesses);
    } catch (e) {
      if (e instanceof BackendError) {
        throw new BackendError(
          e.code,
          e.message,
          e.fields?.map(f => ({ ...f, path: `/trial${f.path}` }))
        );
      }
      throw e;
    }
    const record: ILocalStudyRecord = { spec: full, created: new Date().toISOString(), trials: [] };
    this.store.save(record);
    const state = this.adoptRecord(record);
    const warnings =
      spec.metricsCollector?.kind === 'File'
        ? [
            'The local backend reads metrics from the output; the File collector path is not read here.'
          ]
        : [];
    return { study: studyOf(state), created: true, warnings };
  }

  async list(namespace: string): Promise<{ items: IStudy[] }> {
    return { items: this.listNow(namespace) };
  }

  private listNow(namespace: string): IStudy[] {
    return [...this.studies.values()]
      .filter(s => s.record.spec.namespace === namespace)
      .map(s => studyOf(s))
      .sort((a, b) =>
        a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name)
      );
  }

  async checkAccess(): Promise<void> {}

  async get(namespace: string, name: string): Promise<IStudy> {
    return studyOf(this.found(namespace, name));
  }

  async delete(namespace: string, name: string): Promise<void> {
    const state = this.found(namespace, name);
    this.studies.delete(key(namespace, name));
    for (const live of state.live.values()) {
      live.follower?.abort();
    }
    for (const trial of state.record.trials) {
      await this.jobs.delete(namespace, trial.name).catch(() => undefined);
    }
    this.store.remove(namespace, name);
    this.publish(namespace, { type: 'deleted', object: { name, namespace } });
  }

  async stop(namespace: string, name: string): Promise<IStudy> {
    const state = this.found(namespace, name);
    if (!state.record.stopped && !state.record.finished) {
      state.record.stopped = new Date().toISOString();
      for (const trial of state.record.trials) {
        const job = state.jobs.get(trial.name);
        if (job && !FINISHED_JOB.has(job.phase)) {
          trial.stoppedAs = 'Killed';
          trial.message = 'the study was stopped';
          this.stopJob(namespace, trial.name, 'Killed');
        }
      }
      this.store.save(state.record);
    }
    this.schedule(state);
    return studyOf(state);
  }

  async editBudget(namespace: string, name: string, budget: IStudyBudget): Promise<IStudy> {
    const state = this.found(namespace, name);
    const spec = { ...state.record.spec, ...budget };
    const fields = [];
    if ((spec.parallelTrialCount ?? 3) > spec.maxTrialCount) {
      fields.push({
        path: '/parallelTrialCount',
        message: `must be at most maxTrialCount (${spec.maxTrialCount})`
      });
    }
    if (spec.maxFailedTrialCount !== undefined && spec.maxFailedTrialCount > spec.maxTrialCount) {
      fields.push({
        path: '/maxFailedTrialCount',
        message: `must be at most maxTrialCount (${spec.maxTrialCount})`
      });
    }
    if (spec.maxTrialCount < state.record.trials.length) {
      fields.push({
        path: '/maxTrialCount',
        message: `must be at least the ${state.record.trials.length} trials already created`
      });
    }
    if (fields.length > 0) {
      throw new BackendError('invalid_spec', 'The budget is invalid.', fields);
    }
    state.record.spec = spec;
    state.manifest = undefined;
    // More budget reopens a study that ended because it had used its budget.
    if (
      state.record.finished &&
      !state.record.stopped &&
      spec.maxTrialCount > state.record.trials.length
    ) {
      state.record.finished = undefined;
      state.record.doneReason = undefined;
    }
    this.store.save(state.record);
    this.schedule(state);
    return studyOf(state);
  }

  trialLogs(
    namespace: string,
    name: string,
    trial: string,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    const state = this.found(namespace, name);
    if (!state.record.trials.some(t => t.name === trial)) {
      throw new BackendError('not_found', `Study "${name}" has no trial "${trial}".`);
    }
    return this.jobs.logs(namespace, trial, options, sink);
  }

  watch(namespace: string, onEvent: (event: ResourceEvent<IStudy>) => void): ISubscription {
    const listener = { namespace, onEvent };
    this.listeners.add(listener);
    onEvent({ type: 'snapshot', items: this.listNow(namespace) });
    return { close: () => this.listeners.delete(listener) };
  }

  private publish(namespace: string, event: ResourceEvent<IStudy>): void {
    for (const l of this.listeners) {
      if (l.namespace === namespace) {
        l.onEvent(event);
      }
    }
  }

  private stopJob(namespace: string, job: string, reason: string): void {
    try {
      this.jobs.stop(namespace, job, reason);
    } catch {
      // Already gone: nothing to stop.
    }
  }

  /** Runs `tick` once at a time per study; a change during a tick runs it again. */
  private schedule(state: IStudyState): void {
    if (this.closed) {
      return;
    }
    if (state.ticking) {
      state.again = true;
      return;
    }
    state.ticking = this.tick(state)
      .catch(e => {
        state.record.finished = state.record.finished ?? new Date().toISOString();
        state.record.doneReason = `the study could not continue: ${e instanceof Error ? e.message : String(e)}`;
        this.store.save(state.record);
      })
      .finally(() => {
        state.ticking = undefined;
        this.emitIfChanged(state);
        if (state.again) {
          state.again = false;
          this.schedule(state);
        }
      });
  }

  private async tick(state: IStudyState): Promise<void> {
    const { record } = state;
    const ns = record.spec.namespace;
    for (const trial of record.trials) {
      if (!state.jobs.has(trial.name) && !trial.stoppedAs) {
        const job = await this.jobs.get(ns, trial.name).catch(() => undefined);
        if (job) {
          state.jobs.set(trial.name, job);
        } else if (!trial.jobCreated && !record.stopped) {
          // The proxy stopped between saving the trial and creating its job: create it now (same spec).
          await this.createJob(state, trial);
        } else {
          // Its job was deleted (from the jobs list, say): the trial cannot report any more.
          trial.stoppedAs = 'Killed';
          trial.message = trial.message ?? 'its job was deleted';
          this.store.save(record);
        }
      }
      this.ensureFollowed(state, trial);
    }
    this.earlyStop(state);
    if (record.finished || !this.studies.has(key(ns, record.spec.name))) {
      return;
    }
    const trials = trialsOf(state);
    const failed = trials.filter(t => t.phase === 'Failed').length;
    const maxFailed = record.spec.maxFailedTrialCount;
    const goal = record.spec.objective.goal;
    const maximize = record.spec.objective.type === 'maximize';
    const best = bestOf(trials, maximize);
    let stopCreating = record.stopped !== undefined;
    if (maxFailed !== undefined && failed > maxFailed) {
      record.doneReason =
        record.doneReason ?? `${failed} trials failed (maxFailedTrialCount ${maxFailed})`;
      stopCreating = true;
    }
    if (
      goal !== undefined &&
      best &&
      (maximize ? best.objective >= goal : best.objective <= goal)
    ) {
      record.doneReason = record.doneReason ?? `trial ${best.trial} reached the goal ${goal}`;
      stopCreating = true;
    }
    while (!stopCreating) {
      const suggestion = suggest(toSuggestRequest(record.spec), historyOf(state));
      if (suggestion.kind === 'wait') {
        break;
      }
      if (suggestion.kind === 'done') {
        record.doneReason = record.doneReason ?? suggestion.reason;
        stopCreating = true;
        break;
      }
      await this.createTrial(state, suggestion.params);
    }
    const running = trialsOf(state).some(t => t.phase === 'Running' || t.phase === 'Pending');
    if (stopCreating && !running) {
      record.finished = new Date().toISOString();
      this.store.save(record);
    }
  }

  private async createTrial(
    state: IStudyState,
    raw: Record<string, string | number>
  ): Promise<void> {
    const { record } = state;
    const index = record.trials.length;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      params[k] = String(v);
    }
    const trial: ILocalTrialRecord = {
      name: trialName(record.spec.name, index),
      index,
      params,
      created: new Date().toISOString()
    };
    record.trials.push(trial);
    // The record first: a crash between the two leaves a trial whose job the next tick creates (tick above).
    this.store.save(record);
    await this.createJob(state, trial);
  }

  private async createJob(state: IStudyState, trial: ILocalTrialRecord): Promise<void> {
    const { record } = state;
    const jobSpec = trialJobOf(record.spec, trial.index, trial.params);
    const { job } = await this.jobs.create(record.spec.namespace, jobSpec);
    trial.jobCreated = true;
    this.store.save(record);
    state.jobs.set(trial.name, job);
    this.ensureFollowed(state, trial);
  }

  /** Reads (and while it runs, follows) a trial's primary replica log into its objective curve. */
  private ensureFollowed(state: IStudyState, trial: ILocalTrialRecord): void {
    const job = state.jobs.get(trial.name);
    if (!job || state.live.has(trial.name)) {
      return;
    }
    const live: ILiveTrial = { curve: [], loaded: false, follower: new AbortController() };
    state.live.set(trial.name, live);
    const spec = state.record.spec;
    const reader = new MetricReader([spec.objective.metricName], spec.metricsCollector?.format);
    let partial = '';
    const replica = job.replicas[0]?.name;
    const sink = (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      let added = false;
      for (const line of lines) {
        for (const point of reader.read(line)) {
          const step = live.curve.length > 0 ? live.curve[live.curve.length - 1].step + 1 : 0;
          live.curve = appendToCurve(
            live.curve,
            { step, value: point.value, ...(point.time ? { time: point.time } : {}) },
            MAX_CURVE_POINTS
          );
          added = true;
        }
      }
      if (added) {
        this.schedule(state);
      }
    };
    this.jobs
      .logs(
        spec.namespace,
        trial.name,
        { replica, follow: true, tail: 10000, signal: live.follower?.signal },
        sink
      )
      .catch(() => undefined)
      .finally(() => {
        if (partial) {
          sink('\n');
        }
        live.loaded = true;
        live.follower = undefined;
        this.schedule(state);
      });
  }

  private earlyStop(state: IStudyState): void {
    const rule = state.record.spec.earlyStopping;
    if (!rule) {
      return;
    }
    const history = historyOf(state);
    const direction = state.record.spec.objective.type;
    for (const trial of state.record.trials) {
      const h = history[trial.index];
      if (trial.stoppedAs || h.state !== 'running') {
        continue;
      }
      const decision = shouldStop(
        { name: rule.name, settings: rule.settings as Record<string, string> },
        direction,
        history,
        h
      );
      if (decision.stop) {
        trial.stoppedAs = 'EarlyStopped';
        trial.message = decision.reason;
        this.store.save(state.record);
        this.stopJob(state.record.spec.namespace, trial.name, 'EarlyStopped');
      }
    }
  }

  private emitIfChanged(state: IStudyState): void {
    if (!this.studies.has(key(state.record.spec.namespace, state.record.spec.name))) {
      return;
    }
    const study = studyOf(state);
    if (study.version !== state.sent) {
      const type = state.sent === undefined ? 'added' : 'modified';
      state.sent = study.version;
      this.publish(study.namespace, { type, object: study });
    }
  }

  /** Waits until every study has nothing left to do (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.studies.values()].map(s => s.ticking));
  }

  close(): void {
    this.closed = true;
    for (const state of this.studies.values()) {
      for (const live of state.live.values()) {
        live.follower?.abort();
      }
    }
    for (const subscription of this.jobWatches.values()) {
      subscription.close();
    }
  }
}
