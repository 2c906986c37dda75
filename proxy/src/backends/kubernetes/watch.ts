/**
 * The live job list of a namespace: list+watch (multi-watch.ts) of every job kind plus the jobs' pods (so a
 * replica's reason, such as ImagePullBackOff, updates live), sent as IJob. Never polls.
 *
 * Pods are indexed by their job's name (the operator's job-name label, which is also what selects them) and
 * jobs by name, so a snapshot is linear in jobs + pods and one pod event touches one job, at any scale.
 */
import { IJob, JobStreamEvent } from '../../../../contract/training';
import { ISubscription } from '../types';
import { IKubeClient, IResourceRef, resourcePath } from './client';
import { IJobKind, JOB_KINDS, withTypeMeta } from './kinds';
import { jobFromObject } from './mappers';
import { IMultiWatchHandlers, IStreamSpec, MultiWatch } from './multi-watch';
import { IPod, JOB_NAME_LABELS, jobNameOfPod } from './pods';
import { compareResourceVersions, IKubeObject } from './watch-reducer';

export { retryDelay } from './multi-watch';

const PODS: IResourceRef = { group: '', version: 'v1', plural: 'pods' };

type Tag = IJobKind | 'pod';
const isJob = (tag: Tag) => tag !== 'pod';
const isPod = (tag: Tag) => tag === 'pod';
/** Index names: a job by its name, a pod by its job's name. */
const BY_NAME = 'name';
const BY_JOB = 'job';

class JobWatch implements ISubscription, IMultiWatchHandlers<Tag> {
  private readonly watch: MultiWatch<Tag>;
  /** The version last sent per job name, so pod events that change nothing (a replay) send nothing. */
  private readonly sent = new Map<string, string>();

  constructor(
    client: IKubeClient,
    private readonly namespace: string,
    private readonly onEvent: (event: JobStreamEvent) => void
  ) {
    const streams: IStreamSpec<Tag>[] = [
      // A kind whose CRD is missing has no jobs; a user who may not see pods still gets the jobs.
      ...JOB_KINDS.map(kind => ({
        tag: kind,
        path: resourcePath(kind, namespace),
        unserved: 'not_found' as const,
        normalize: (object: IKubeObject) => withTypeMeta(object, kind),
        keys: { [BY_NAME]: (object: IKubeObject) => object.metadata?.name }
      })),
      ...JOB_NAME_LABELS.map(label => ({
        tag: 'pod' as const,
        path: resourcePath(PODS, namespace),
        labelSelector: label,
        unserved: 'forbidden' as const,
        keys: { [BY_JOB]: jobNameOfPod }
      }))
    ];
    this.watch = new MultiWatch(client, streams, this);
  }

  start(): void {
    this.watch.start();
  }

  onChange(tag: Tag, change: 'added' | 'modified' | 'deleted', object: IKubeObject): void {
    if (tag === 'pod') {
      this.sendPodChange(object);
    } else {
      this.sendJobChange(change, object);
    }
  }

  private podsOf(jobName: string): IPod[] {
    return this.watch.find(isPod, BY_JOB, jobName);
  }

  private toJob(object: IKubeObject): IJob {
    return jobFromObject(object, this.podsOf(object.metadata?.name ?? ''));
  }

  onSnapshot(): void {
    const items = this.watch.objects(isJob).map(object => this.toJob(object));
    items.sort((a, b) =>
      a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name)
    );
    this.sent.clear();
    for (const job of items) {
      this.sent.set(job.name, job.version ?? '');
    }
    const resourceVersion = this.watch
      .resourceVersions(isJob)
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
    this.sent.set(name, job.version ?? '');
    this.onEvent({ type: change, object: job });
  }

  /** A pod changed: resend its job if what the job shows (replica phase, reason…) changed. */
  private sendPodChange(pod: IKubeObject): void {
    const jobName = jobNameOfPod(pod);
    const [object] = jobName ? this.watch.find(isJob, BY_NAME, jobName) : [];
    if (!jobName || !object) {
      return;
    }
    const job = this.toJob(object);
    // The version covers the job's and its pods' resourceVersions: equal means nothing changed.
    if (this.sent.get(jobName) !== job.version) {
      this.sent.set(jobName, job.version ?? '');
      this.onEvent({ type: 'modified', object: job });
    }
  }

  close(): void {
    this.watch.close();
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
