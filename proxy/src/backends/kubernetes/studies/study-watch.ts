/**
 * The live study list of a namespace: list+watch of Experiments, Trials and the trials' pods, assembled into
 * IStudy (studyFromObjects) and sent when what a study shows changed. The streams are ../multi-watch.ts's
 * (resume, backoff, 410 → relist and one fresh snapshot). Never polls. The multi-watch indexes trials by name
 * and experiment and pods by trial, so a snapshot is linear and one event re-assembles only its own study.
 *
 * Live curves: Katib stores metrics only when a trial ends, so while a trial's primary pod runs its log is
 * followed (the collector sidecar's, which echoes what the StdOut collector captures, else the primary
 * container's) and parsed with the very format the collector uses.
 */
import { ResourceEvent } from '../../../../../contract/live';
import { MetricReader } from '../../../../../contract/metric-format';
import { ICurvePoint, IStudy, MAX_CURVE_POINTS } from '../../../../../contract/study';
import { ISubscription } from '../../types';
import { IKubeClient, IResourceRef, resourcePath } from '../client';
import { appendToCurve } from '../../study-summary';
import { IStampedLine, LogStore, parseStampedLines } from '../log-store';
import { IPod, JOB_NAME_LABELS, jobNameOfPod, replicaNameOfPod } from '../pods';
import { IMultiWatchHandlers, IStreamSpec, MultiWatch } from '../multi-watch';
import { IKubeObject } from '../watch-reducer';
import {
  EXPERIMENT_LABEL,
  IExperimentLike,
  ITrialLike,
  objectiveOf,
  studyFromObjects,
  TRIAL_LABEL
} from './study-from-objects';
import { EXPERIMENTS, metricFormatOf, STUDY_SPEC_ANNOTATION, TRIALS } from './to-experiment';

const PODS: IResourceRef = { group: '', version: 'v1', plural: 'pods' };
/** Enough kept lines for any curve (curves keep at most MAX_CURVE_POINTS points). */
const MAX_KEPT_LINES = 10_000;
/** The container Katib's pod webhook adds for StdOut/File collectors; its log echoes the metrics file. */
export const COLLECTOR_CONTAINER = 'metrics-logger-and-collector';

type Role = 'experiment' | 'trial' | 'pod';
const is = (role: Role) => (tag: Role) => tag === role;
/** Index names (multi-watch `keys`). */
const BY_NAME = 'name';
const BY_EXPERIMENT = 'experiment';
const BY_TRIAL = 'trial';
const experimentOf = (object: IKubeObject) => object.metadata?.labels?.[EXPERIMENT_LABEL];

/** Which trial a pod belongs to: Katib's label, else the job-name label (the trial's job has its name). */
export function trialOfPod(pod: IPod): string | undefined {
  return pod.metadata?.labels?.[TRIAL_LABEL] ?? jobNameOfPod(pod);
}

function group<T>(items: Iterable<T>, keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) {
      const members = groups.get(key);
      if (members) {
        members.push(item);
      } else {
        groups.set(key, [item]);
      }
    }
  }
  return groups;
}

const newestFirst = (a: IStudy, b: IStudy) =>
  a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name);

/** One study from its experiment, its trials and (through podsOf) their pods: a study sees only its own. */
function assembleStudy(
  experiment: IKubeObject,
  trials: IKubeObject[],
  podsOf: (trial: string) => IPod[],
  curves: Map<string, ICurvePoint[]>
): IStudy {
  const podsByTrial = new Map<string, IPod[]>();
  for (const trial of trials) {
    const name = trial.metadata?.name ?? '';
    podsByTrial.set(name, podsOf(name));
  }
  return studyFromObjects(
    experiment as IExperimentLike,
    trials as ITrialLike[],
    podsByTrial,
    curves
  );
}

/** Everything the namespace's objects say, grouped per study (linear in experiments + trials + pods). */
export function assembleStudies(
  experiments: IKubeObject[],
  trials: IKubeObject[],
  pods: IPod[],
  curves: Map<string, ICurvePoint[]>
): IStudy[] {
  const podsByTrial = group(pods, trialOfPod);
  const trialsByExperiment = group(trials, experimentOf);
  return experiments
    .map(experiment =>
      assembleStudy(
        experiment,
        trialsByExperiment.get(experiment.metadata?.name ?? '') ?? [],
        trial => podsByTrial.get(trial) ?? [],
        curves
      )
    )
    .sort(newestFirst);
}

class StudyWatch implements ISubscription, IMultiWatchHandlers<Role> {
  private readonly watch: MultiWatch<Role>;
  private readonly sent = new Map<string, string>();
  private readonly curves = new Map<string, ICurvePoint[]>();
  /** Followed pod logs by pod uid. */
  private readonly followers = new Map<string, { controller: AbortController; trial: string }>();
  /** Pods whose followed log ended, by uid → the pod's resourceVersion then: followed again only once the
   * pod changed (a dropped connection), never in a loop on a log that simply ended. */
  private readonly endedLogs = new Map<string, string | undefined>();
  /** Trials whose kept log was read for a curve (once each). */
  private readonly keptLoaded = new Set<string>();
  /** Trials whose curve grew since the last flush. */
  private readonly curvesChanged = new Set<string>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: IKubeClient,
    private readonly namespace: string,
    private readonly onEvent: (event: ResourceEvent<IStudy>) => void,
    private readonly store?: LogStore
  ) {
    // Katib not installed: no studies; pods not readable: studies without pod reasons.
    const keys = {
      experiment: { [BY_NAME]: (o: IKubeObject) => o.metadata?.name },
      trial: { [BY_NAME]: (o: IKubeObject) => o.metadata?.name, [BY_EXPERIMENT]: experimentOf },
      pod: { [BY_TRIAL]: trialOfPod }
    };
    const stream = (
      role: Role,
      plural: IResourceRef,
      labelSelector?: string
    ): IStreamSpec<Role> => ({
      tag: role,
      path: resourcePath(plural, namespace),
      labelSelector,
      unserved: role === 'pod' ? 'forbidden' : 'not_found',
      keys: keys[role]
    });
    const streams = [
      stream('experiment', EXPERIMENTS),
      stream('trial', TRIALS),
      stream('pod', PODS, TRIAL_LABEL),
      ...JOB_NAME_LABELS.map(label => stream('pod', PODS, label))
    ];
    this.watch = new MultiWatch(client, streams, this);
  }

  start(): void {
    this.watch.start();
  }

  private objects(role: Role): IKubeObject[] {
    return this.watch.objects(is(role));
  }

  private find(role: Role, index: string, key: string | undefined): IKubeObject[] {
    return key === undefined ? [] : this.watch.find(is(role), index, key);
  }

  private podsOfTrial(trial: string): IPod[] {
    return this.find('pod', BY_TRIAL, trial) as IPod[];
  }

  /** The studies named (all when none are), from the index: each sees only its own trials and pods. */
  private assemble(names?: Iterable<string>): IStudy[] {
    const experiments = names
      ? [...names].flatMap(name => this.find('experiment', BY_NAME, name))
      : this.objects('experiment');
    return experiments
      .map(experiment =>
        assembleStudy(
          experiment,
          this.find('trial', BY_EXPERIMENT, experiment.metadata?.name),
          trial => this.podsOfTrial(trial),
          this.curves
        )
      )
      .sort(newestFirst);
  }

  /** The trials an object belongs to or is: a trial itself, a pod's trial, an experiment's trials. */
  private trialsOf(role: Role, object: IKubeObject): IKubeObject[] {
    switch (role) {
      case 'trial':
        return [object];
      case 'pod':
        return this.find('trial', BY_NAME, trialOfPod(object as IPod));
      default:
        return this.find('trial', BY_EXPERIMENT, object.metadata?.name);
    }
  }

  onChange(role: Role, change: 'added' | 'modified' | 'deleted', object: IKubeObject): void {
    if (role === 'experiment' && change === 'deleted') {
      const name = object.metadata?.name ?? '';
      this.sent.delete(name);
      this.onEvent({ type: 'deleted', object: { name, namespace: this.namespace } });
    }
    const trials = this.trialsOf(role, object);
    const studies = new Set(trials.map(experimentOf).filter((n): n is string => !!n));
    if (role === 'experiment') {
      studies.add(object.metadata?.name ?? '');
    }
    const trialNames = new Set(trials.map(t => t.metadata?.name ?? ''));
    if (role === 'pod') {
      // A pod whose trial is not (yet) known may still be followed from before.
      trialNames.add(trialOfPod(object as IPod) ?? '');
    }
    this.sendChanges(studies, trialNames);
  }

  onSnapshot(): void {
    const items = this.assemble();
    this.sent.clear();
    for (const study of items) {
      this.sent.set(study.name, study.version ?? '');
    }
    this.onEvent({ type: 'snapshot', items });
    this.followRunningTrials();
    this.loadKeptCurves();
  }

  /**
   * Sends every study of `studies` whose version changed (a trial, a pod or a curve under it), then starts
   * or stops log follows and kept curves for `trials`.
   */
  private sendChanges(studies: Set<string>, trials: Set<string>): void {
    if (!this.watch.running) {
      return;
    }
    for (const study of this.assemble(studies)) {
      const before = this.sent.get(study.name);
      if (before !== study.version) {
        this.sent.set(study.name, study.version ?? '');
        this.onEvent({ type: before === undefined ? 'added' : 'modified', object: study });
      }
    }
    this.followRunningTrials(trials);
    this.loadKeptCurves(trials);
  }

  /**
   * Follows the log of every running primary pod of a running trial; stops following gone pods. Looks at the
   * pods of `trials` only when given (an event), at every pod otherwise (a snapshot).
   */
  private followRunningTrials(trials?: Set<string>): void {
    const pods = trials
      ? [...trials].flatMap(trial => this.podsOfTrial(trial))
      : (this.objects('pod') as IPod[]);
    const wanted = new Set<string>();
    for (const pod of pods) {
      const [trial] = this.find('trial', BY_NAME, trialOfPod(pod));
      const [experiment] = this.find('experiment', BY_NAME, experimentOf(trial ?? {})) as
        IExperimentLike[] | [];
      const primary = experiment?.spec?.trialTemplate?.primaryContainerName;
      const containers = (pod.spec?.containers ?? []).map(c => c.name);
      const uid = pod.metadata?.uid;
      if (!trial || !experiment || !uid || pod.status?.phase !== 'Running' || !primary) {
        continue;
      }
      if (!containers.includes(primary) || !this.isPrimaryPod(pod, experiment)) {
        continue;
      }
      wanted.add(uid);
      const ended =
        this.endedLogs.has(uid) && this.endedLogs.get(uid) === pod.metadata?.resourceVersion;
      if (!this.followers.has(uid) && !ended) {
        // StdOut collector: the output went to the file the sidecar echoes; File collector: it stayed put.
        const redirected = JSON.stringify(pod.spec ?? {}).includes('1>/var/log/katib/');
        const container =
          containers.includes(COLLECTOR_CONTAINER) && redirected ? COLLECTOR_CONTAINER : primary;
        this.follow(uid, pod, container, trial.metadata?.name ?? '', experiment);
      }
    }
    for (const [uid, follower] of this.followers) {
      if (!wanted.has(uid) && (!trials || trials.has(follower.trial))) {
        follower.controller.abort();
        this.followers.delete(uid);
      }
    }
  }

  private isPrimaryPod(pod: IPod, experiment: IExperimentLike): boolean {
    const wanted = (experiment.spec?.trialTemplate as { primaryPodLabels?: Record<string, string> })
      ?.primaryPodLabels;
    const labels = pod.metadata?.labels ?? {};
    return Object.entries(wanted ?? {}).every(([k, v]) => labels[k] === v);
  }

  /** The metric reader of a study: its objective and the format its collector uses. */
  private readerOf(experiment: IExperimentLike): MetricReader {
    const spec = (experiment.metadata?.annotations ?? {})[STUDY_SPEC_ANNOTATION];
    let format: string | undefined;
    try {
      format = spec ? metricFormatOf(JSON.parse(spec)) : undefined;
    } catch {
      format = undefined;
    }
    return new MetricReader([objectiveOf(experiment).metric], format);
  }

  private pointsOf(
    reader: MetricReader,
    lines: IStampedLine[]
  ): { value: number; time?: string }[] {
    return lines.flatMap(line =>
      reader
        .read(line.text)
        .map(p => ({ value: p.value, time: p.time ?? (line.stamp || undefined) }))
    );
  }

  /**
   * Follows a primary pod's log: first what the log store kept of it, then the live log, whose lines are kept
   * too (so a trial's log and curve outlive its pod even if nobody opened the log) and parsed for the curve.
   */
  private follow(
    uid: string,
    pod: IPod,
    container: string,
    trial: string,
    experiment: IExperimentLike
  ): void {
    const controller = new AbortController();
    this.followers.set(uid, { controller, trial });
    const reader = this.readerOf(experiment);
    const replica = replicaNameOfPod(pod);
    const store = this.store;
    let written: Promise<unknown> = Promise.resolve();
    let partial = '';
    const pass = (lines: IStampedLine[]) => {
      written = written.then(async () => {
        const fresh = store
          ? await store.append(this.namespace, trial, replica, lines).catch(() => lines)
          : lines;
        this.addPoints(trial, this.pointsOf(reader, fresh));
      });
    };
    const onText = (text: string) => {
      const complete = (partial + text).split('\n');
      partial = complete.pop() ?? '';
      if (complete.length > 0) {
        pass(parseStampedLines(complete.join('\n')));
      }
    };
    const run = async () => {
      const kept = store
        ? await store.read(this.namespace, trial, replica, MAX_KEPT_LINES).catch(() => undefined)
        : undefined;
      // The curve is rebuilt from the kept lines; the live log then adds only lines not kept before.
      this.curves.set(trial, []);
      this.addPoints(trial, this.pointsOf(reader, kept ?? []));
      if (!controller.signal.aborted) {
        await this.client.followLog(
          this.namespace,
          pod.metadata?.name ?? '',
          { container, timestamps: true },
          onText,
          controller.signal
        );
      }
      if (partial) {
        pass(parseStampedLines(partial));
      }
      await written;
    };
    run()
      .catch(() => undefined)
      .finally(() => {
        // A log that cannot be read (no kubelet, forbidden) is retried on the pod's next change.
        if (this.followers.get(uid)?.controller === controller) {
          this.followers.delete(uid);
          this.endedLogs.set(uid, pod.metadata?.resourceVersion);
        }
      });
  }

  /**
   * Curves of trials no pod runs for any more (after a proxy restart, or a trial that ended while nobody
   * watched): read once from the log store, which kept what earlier follows and log reads saw.
   */
  private loadKeptCurves(only?: Set<string>): void {
    if (!this.store) {
      return;
    }
    const store = this.store;
    const trials = only
      ? [...only].flatMap(name => this.find('trial', BY_NAME, name))
      : this.objects('trial');
    for (const trial of trials) {
      const name = trial.metadata?.name ?? '';
      const [experiment] = this.find('experiment', BY_NAME, experimentOf(trial)) as
        IExperimentLike[] | [];
      if (!experiment || this.keptLoaded.has(name) || (this.curves.get(name)?.length ?? 0) > 0) {
        continue;
      }
      this.keptLoaded.add(name);
      const reader = this.readerOf(experiment);
      void (async () => {
        const replicas = await store.replicas(this.namespace, name);
        // The primary replica: Katib's primary pod is the master (or the first worker/node).
        const replica = ['master-0', 'chief-0', 'launcher-0', 'node-0-0', 'worker-0'].find(r =>
          replicas.includes(r)
        );
        if (!replica || this.followingTrial(name)) {
          return;
        }
        const lines = await store.read(this.namespace, name, replica, MAX_KEPT_LINES);
        if (!this.followingTrial(name) && (this.curves.get(name)?.length ?? 0) === 0) {
          this.addPoints(name, this.pointsOf(reader, lines ?? []));
        }
      })().catch(() => undefined);
    }
  }

  private followingTrial(trial: string): boolean {
    return this.podsOfTrial(trial).some(pod => this.followers.has(pod.metadata?.uid ?? ''));
  }

  /** Adds parsed points to a trial's curve; sends are batched so a chatty log sends a few updates a second. */
  addPoints(trial: string, points: { value: number; time?: string }[]): void {
    if (points.length === 0) {
      return;
    }
    let curve = this.curves.get(trial) ?? [];
    for (const p of points) {
      const step = curve.length > 0 ? curve[curve.length - 1].step + 1 : 0;
      curve = appendToCurve(
        curve,
        { step, value: p.value, ...(p.time ? { time: p.time } : {}) },
        MAX_CURVE_POINTS
      );
    }
    this.curves.set(trial, curve);
    this.curvesChanged.add(trial);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        const trials = new Set(this.curvesChanged);
        this.curvesChanged.clear();
        const studies = [...trials].flatMap(name =>
          this.find('trial', BY_NAME, name).map(experimentOf)
        );
        this.sendChanges(new Set(studies.filter((n): n is string => !!n)), trials);
      }, 250);
      this.flushTimer.unref();
    }
  }

  close(): void {
    this.watch.close();
    clearTimeout(this.flushTimer);
    for (const { controller } of this.followers.values()) {
      controller.abort();
    }
    this.followers.clear();
  }
}

export function watchStudies(
  client: IKubeClient,
  namespace: string,
  onEvent: (event: ResourceEvent<IStudy>) => void,
  store?: LogStore
): ISubscription {
  const watch = new StudyWatch(client, namespace, onEvent, store);
  watch.start();
  return watch;
}
