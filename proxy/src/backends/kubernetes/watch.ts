/**
 * The live job list of a namespace: list+watch of every job kind plus the jobs' pods (so a replica's reason,
 * such as ImagePullBackOff, updates live). Each stream resumes from its last resourceVersion with exponential
 * backoff after it ends. A 410 Gone (the resourceVersion is too old: compaction, a restarted apiserver) resyncs:
 * every stream is listed again and one fresh snapshot is sent. Never polls.
 */
import { IJob, JobStreamEvent } from '../../../../contract/training';
import { BackendError, ISubscription } from '../types';
import { IKubeClient, IResourceRef, resourcePath } from './client';
import { IJobKind, JOB_KINDS, withTypeMeta } from './kinds';
import { jobFromObject } from './mappers';
import { IPod, JOB_NAME_LABELS, jobNameOfPod } from './pods';
import {
  compareResourceVersions,
  IKubeObject,
  IWatchState,
  reduceWatchEvent,
  stateFromList,
  WatchDecision
} from './watch-reducer';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;
const PODS: IResourceRef = { group: '', version: 'v1', plural: 'pods' };

interface IStream {
  /** The job kind, or undefined for a pod stream. */
  kind?: IJobKind;
  path: string;
  labelSelector?: string;
  state: IWatchState;
  /** False when the kind's CRD is not installed: nothing to watch. */
  served: boolean;
  failures: number;
  /** Bumped on every (re)connect so callbacks of an abandoned connection are ignored. */
  generation: number;
  stop?: () => void;
  timer?: NodeJS.Timeout;
}

export function retryDelay(failures: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

class JobWatch implements ISubscription {
  private readonly streams: IStream[];
  private closed = false;
  private started = false;
  private resyncing = false;
  private listRetry?: NodeJS.Timeout;
  /** What was last sent per job name, so pod events that change nothing visible send nothing. */
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly client: IKubeClient,
    private readonly namespace: string,
    private readonly onEvent: (event: JobStreamEvent) => void
  ) {
    const stream = (path: string, kind?: IJobKind, labelSelector?: string): IStream => ({
      kind,
      path,
      labelSelector,
      state: stateFromList([]),
      served: true,
      failures: 0,
      generation: 0
    });
    this.streams = [
      ...JOB_KINDS.map(kind => stream(resourcePath(kind, namespace), kind)),
      ...JOB_NAME_LABELS.map(label => stream(resourcePath(PODS, namespace), undefined, label))
    ];
  }

  start(): void {
    this.resync();
  }

  /**
   * Lists every stream, sends one snapshot, then watches from the lists' resourceVersions; retries with backoff
   * until the lists succeed. All streams at once: when one stream's version expired (apiserver restarted, etcd
   * compacted) the others' did too, and one snapshot is better than one per stream.
   */
  private resync(): void {
    if (this.resyncing || this.closed) {
      return;
    }
    this.resyncing = true;
    for (const stream of this.streams) {
      clearTimeout(stream.timer);
      this.disconnect(stream);
    }
    void this.listAll(0);
  }

  private async listAll(failures: number): Promise<void> {
    try {
      await Promise.all(this.streams.map(stream => this.list(stream)));
    } catch {
      if (!this.closed) {
        this.listRetry = setTimeout(
          () => void this.listAll(failures + 1),
          retryDelay(failures + 1)
        );
        this.listRetry.unref();
      }
      return;
    }
    this.resyncing = false;
    if (this.closed) {
      return;
    }
    this.started = true;
    this.sendSnapshot();
    for (const stream of this.streams.filter(s => s.served)) {
      stream.failures = 0;
      void this.connect(stream);
    }
  }

  private async list(stream: IStream): Promise<void> {
    try {
      const query = { labelSelector: stream.labelSelector };
      const list = await this.client.request<{
        items?: IKubeObject[];
        metadata?: { resourceVersion?: string };
      }>('GET', stream.path, { query });
      const items = (list.items ?? []).map(item =>
        stream.kind ? withTypeMeta(item, stream.kind) : item
      );
      stream.state = stateFromList(items, list.metadata?.resourceVersion);
      stream.served = true;
    } catch (e) {
      // A kind whose CRD is missing has no jobs; a user who may not see pods still gets the jobs.
      const unserved = stream.kind ? 'not_found' : 'forbidden';
      if (e instanceof BackendError && e.code === unserved) {
        stream.state = stateFromList([]);
        stream.served = false;
        return;
      }
      throw e;
    }
  }

  private async connect(stream: IStream): Promise<void> {
    if (this.closed) {
      return;
    }
    const generation = ++stream.generation;
    const current = () => !this.closed && stream.generation === generation;
    const query = {
      resourceVersion: stream.state.resourceVersion,
      allowWatchBookmarks: true,
      labelSelector: stream.labelSelector
    };
    const stop = await this.client.watch(
      stream.path,
      query,
      (type, object) => current() && this.apply(stream, type, object as IKubeObject),
      (_error, httpStatus) => current() && this.reconnect(stream, httpStatus)
    );
    if (current()) {
      stream.stop = stop;
    } else {
      stop();
    }
  }

  private apply(stream: IStream, type: string, raw: IKubeObject): void {
    const object =
      stream.kind && type !== 'ERROR' && type !== 'BOOKMARK' ? withTypeMeta(raw, stream.kind) : raw;
    const { state, decision } = reduceWatchEvent(stream.state, type, object);
    stream.state = state;
    if (decision.action !== 'restart') {
      stream.failures = 0;
    }
    this.act(stream, decision);
  }

  private act(stream: IStream, decision: WatchDecision): void {
    switch (decision.action) {
      case 'emit':
        return stream.kind
          ? this.sendJobChange(decision.change, decision.object)
          : this.sendPodChange(decision.object);
      case 'relist':
        this.resync();
        return;
      case 'restart':
        this.disconnect(stream);
        this.reconnect(stream);
        return;
    }
  }

  private disconnect(stream: IStream): void {
    stream.generation += 1;
    stream.stop?.();
    stream.stop = undefined;
  }

  /** The stream ended (server timeout, apiserver restart, network): resume from where it was. */
  private reconnect(stream: IStream, httpStatus?: number): void {
    stream.stop = undefined;
    stream.failures += 1;
    if (httpStatus === 410) {
      this.resync();
      return;
    }
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => void this.connect(stream), retryDelay(stream.failures));
    stream.timer.unref();
  }

  private jobObjects(): IKubeObject[] {
    return this.streams.filter(s => s.kind).flatMap(s => [...s.state.objects.values()]);
  }

  private podsOf(jobName: string): IPod[] {
    return this.streams
      .filter(s => !s.kind)
      .flatMap(s => [...s.state.objects.values()])
      .filter(pod => jobNameOfPod(pod) === jobName);
  }

  private toJob(object: IKubeObject): IJob {
    return jobFromObject(object, this.podsOf(object.metadata?.name ?? ''));
  }

  private sendSnapshot(): void {
    if (!this.started || this.closed) {
      return;
    }
    const items = this.jobObjects().map(object => this.toJob(object));
    items.sort((a, b) =>
      a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name)
    );
    this.sent.clear();
    for (const job of items) {
      this.sent.set(job.name, JSON.stringify(job));
    }
    const resourceVersion = this.streams
      .filter(s => s.kind)
      .map(s => s.state.resourceVersion)
      .reduce(
        (max, rv) => (max === undefined || compareResourceVersions(rv, max) > 0 ? rv : max),
        undefined
      );
    this.onEvent({ type: 'snapshot', items, resourceVersion });
  }

  private sendJobChange(change: 'added' | 'modified' | 'deleted', object: IKubeObject): void {
    const name = object.metadata?.name ?? '';
    if (change === 'deleted') {
      this.sent.delete(name);
      this.onEvent({
        type: 'deleted',
        object: { name, namespace: object.metadata?.namespace ?? this.namespace }
      });
      return;
    }
    const job = this.toJob(object);
    this.sent.set(name, JSON.stringify(job));
    this.onEvent({ type: change, object: job });
  }

  /** A pod changed: resend its job if what the job shows (replica phase, reason…) changed. */
  private sendPodChange(pod: IKubeObject): void {
    const jobName = jobNameOfPod(pod);
    const object = this.jobObjects().find(o => o.metadata?.name === jobName);
    if (!jobName || !object) {
      return;
    }
    const job = this.toJob(object);
    const text = JSON.stringify(job);
    if (this.sent.get(jobName) !== text) {
      this.sent.set(jobName, text);
      this.onEvent({ type: 'modified', object: job });
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.listRetry);
    for (const stream of this.streams) {
      clearTimeout(stream.timer);
      this.disconnect(stream);
    }
  }
}

export function watchJobs(
  client: IKubeClient,
  namespace: string,
  onEvent: (event: JobStreamEvent) => void
): ISubscription {
  const watch = new JobWatch(client, namespace, onEvent);
  watch.start();
  return watch;
}
