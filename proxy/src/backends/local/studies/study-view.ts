/**
 * How a local study reads, pure: its trials from the jobs (state, stuck or failure reason), the curves read from
 * their logs and the record (parameters, why the workbench stopped a trial); the tuner's history; the study.
 */
import { derivedVersion } from '../../../../../contract/live';
import { ICurvePoint, IStudy, ITrial, StudyPhase, TrialPhase } from '../../../../../contract/study';
import { IJob } from '../../../../../contract/training';
import { ITrialHistory, TrialState } from '../../../../../tuner';
import { toKatibExperiment } from '../../kubernetes/studies/to-experiment';
import { bestOf, countsOf } from '../../study-summary';
import { LOCAL_NOTE_ANNOTATION } from '../job-record';
import { ILocalStudyRecord } from './study-store';

const FINISHED_JOB = new Set(['Succeeded', 'Failed']);

export interface ILiveTrial {
  curve: ICurvePoint[];
  /** The log has been read to the end of a finished job (or is being followed). */
  loaded: boolean;
  follower?: AbortController;
}

/** What a study is made of at one moment. */
export interface IStudyFacts {
  record: ILocalStudyRecord;
  live: Map<string, ILiveTrial>;
  jobs: Map<string, IJob>;
  /** The Experiment a cluster would get (computed once per spec). */
  manifest?: unknown;
}

/** The tuner's view of the trials (what suggest() and shouldStop() read). */
export function historyOf(state: IStudyFacts): ITrialHistory[] {
  const spec = state.record.spec;
  return trialsOf(state).map(t => {
    const p = spec.parameters;
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(t.params)) {
      const type = p.find(x => x.name === k)?.parameterType;
      params[k] = type === 'categorical' ? v : Number(v);
    }
    const STATE: Record<TrialPhase, TrialState> = {
      Pending: 'running',
      Running: 'running',
      Unknown: 'running',
      Succeeded: 'succeeded',
      Failed: 'failed',
      Killed: 'failed',
      EarlyStopped: 'earlyStopped',
      MetricsUnavailable: 'metricsUnavailable'
    };
    return {
      index: t.index,
      params,
      state: STATE[t.phase],
      ...(t.objective !== undefined ? { objective: t.objective } : {}),
      curve: t.curve.map(c => ({ step: c.step, value: c.value }))
    };
  });
}

/** Trials as every client sees them: states from the jobs, curves from their logs, why from the record. */
export function trialsOf(state: IStudyFacts): ITrial[] {
  const spec = state.record.spec;
  const maximize = spec.objective.type === 'maximize';
  const strategy =
    spec.objective.metricStrategies?.find(s => s.name === spec.objective.metricName)?.value ??
    (maximize ? 'max' : 'min');
  return state.record.trials.map(trial => {
    const job = state.jobs.get(trial.name);
    const live = state.live.get(trial.name);
    const curve = live?.curve ?? [];
    const values = curve.map(c => c.value);
    const summary =
      values.length > 0
        ? {
            latest: values[values.length - 1],
            min: Math.min(...values),
            max: Math.max(...values)
          }
        : undefined;
    let phase: TrialPhase = 'Pending';
    let reason: string | undefined;
    let message = trial.message;
    const finished = job && FINISHED_JOB.has(job.phase) && live?.loaded;
    if (!job && trial.stoppedAs) {
      phase = trial.stoppedAs;
    } else if (job && !finished) {
      phase = job.phase === 'Created' ? 'Pending' : 'Running';
      const stuck = job.replicas.find(r => r.reason);
      if (stuck) {
        reason = stuck.reason;
        message = stuck.message;
      }
    } else if (job) {
      if (trial.stoppedAs) {
        phase = trial.stoppedAs;
      } else if (job.phase === 'Succeeded') {
        phase = summary ? 'Succeeded' : 'MetricsUnavailable';
        if (!summary) {
          message = `the output never printed ${spec.objective.metricName}=<value>`;
        }
      } else {
        phase = 'Failed';
        const failedReplica = job.replicas.find(r => r.reason);
        reason = failedReplica?.reason;
        message = message ?? failedReplica?.message;
      }
    }
    const result: ITrial = {
      name: trial.name,
      index: trial.index,
      params: trial.params,
      phase,
      metrics: summary ? { [spec.objective.metricName]: summary } : {},
      curve,
      job: trial.name,
      created: trial.created,
      ...(job?.started ? { started: job.started } : {}),
      ...(job?.finished ? { finished: job.finished } : {})
    };
    if (summary && phase !== 'Pending') {
      result.objective = summary[strategy as 'min' | 'max' | 'latest'];
    }
    if (reason) {
      result.reason = reason;
    }
    if (message) {
      result.message = message;
    }
    return result;
  });
}

/** The Experiment the kubernetes backend would create, for the YAML view, marked as never sent. */
function manifestOf(state: IStudyFacts): unknown {
  if (state.manifest === undefined) {
    try {
      const object = toKatibExperiment(state.record.spec, state.record.spec.namespace);
      object.metadata.annotations[LOCAL_NOTE_ANNOTATION] =
        'Ran on this machine: the Experiment a cluster would get, never sent; trials ran as local processes.';
      state.manifest = object;
    } catch {
      state.manifest = null;
    }
  }
  return state.manifest ?? undefined;
}

export function studyOf(state: IStudyFacts): IStudy {
  const { record } = state;
  const trials = trialsOf(state);
  const maximize = record.spec.objective.type === 'maximize';
  const failedBudget =
    record.spec.maxFailedTrialCount !== undefined &&
    trials.filter(t => t.phase === 'Failed').length > record.spec.maxFailedTrialCount;
  let phase: StudyPhase = trials.length === 0 ? 'Created' : 'Running';
  if (record.finished) {
    phase = record.stopped ? 'Stopped' : failedBudget ? 'Failed' : 'Succeeded';
  }
  const study: IStudy = {
    name: record.spec.name,
    namespace: record.spec.namespace,
    created: record.created,
    backend: 'local',
    phase,
    spec: record.spec,
    counts: countsOf(trials),
    trials,
    manifest: manifestOf(state)
  };
  if (record.doneReason) {
    study.message = record.doneReason;
  }
  if (record.finished) {
    study.finished = record.finished;
  }
  if (trials[0]?.started) {
    study.started = trials[0].started;
  }
  const best = bestOf(trials, maximize);
  if (best) {
    study.best = best;
  }
  study.version = derivedVersion(JSON.stringify(study), []);
  return study;
}
