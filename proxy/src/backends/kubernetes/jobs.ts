/**
 * Training jobs on a cluster: the seven kinds behind one `IJobsBackend`. A job name is unique per namespace
 * across kinds for our purposes, so `get`/`delete` look the name up in every kind.
 */
import { IJob, IJobEvent, ITrainingJobSpec } from '../../../../contract/training';
import { BackendError, IJobsBackend, ILogOptions, ISubscription } from '../types';
import { IKubeClient, resourcePath } from './client';
import { createJob } from './create-job';
import { CONFIGMAPS, findJob, IFoundJob, isNotFound, PROPAGATION } from './find-job';
import { IJobKind, JOB_KINDS, withTypeMeta } from './kinds';
import { LogStore } from './log-store';
import { writeJobLogs } from './logs';
import { jobFromObject, MANAGED_BY, MANAGED_BY_LABEL } from './mappers';
import { eventsOfJob, IKubeEvent } from './events';
import { listJobPods, podsOfJob } from './pods';
import { watchJobs } from './watch';
import { compareResourceVersions, IKubeObject } from './watch-reducer';

interface IKindList {
  items: IKubeObject[];
  resourceVersion?: string;
}

interface IKubeList {
  items?: IKubeObject[];
  metadata?: { resourceVersion?: string };
}

const EVENTS = { group: '', version: 'v1', plural: 'events' };
const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

const noJob = (namespace: string, name: string) =>
  new BackendError('not_found', `No training job "${name}" in namespace "${namespace}".`);

export class KubernetesJobs implements IJobsBackend {
  private readonly subscriptions = new Set<ISubscription>();

  constructor(
    private readonly client: IKubeClient,
    private readonly store: LogStore
  ) {}

  private async findOrThrow(namespace: string, name: string): Promise<IFoundJob> {
    const found = await findJob(this.client, namespace, name);
    if (!found) {
      throw noJob(namespace, name);
    }
    return found;
  }

  create(namespace: string, spec: ITrainingJobSpec): Promise<{ job: IJob; created: boolean }> {
    return createJob(this.client, this.store, namespace, spec);
  }

  async list(namespace: string): Promise<{ items: IJob[]; resourceVersion?: string }> {
    const [settled, pods] = await Promise.all([
      Promise.allSettled(JOB_KINDS.map(kind => this.listKind(namespace, kind))),
      listJobPods(this.client, namespace)
    ]);
    // Report the first failing kind in table order, not whichever answered first.
    const failed = settled.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected'
    );
    if (failed) {
      throw failed.reason;
    }
    const lists = settled.map(result => (result as PromiseFulfilledResult<IKindList>).value);
    const items = lists
      .flatMap(list => list.items)
      .map(object => jobFromObject(object, pods.get(object.metadata?.name ?? '') ?? []));
    items.sort((a, b) =>
      a.created < b.created ? 1 : a.created > b.created ? -1 : a.name.localeCompare(b.name)
    );
    const resourceVersion = lists
      .map(list => list.resourceVersion)
      .reduce(
        (max, rv) => (max === undefined || compareResourceVersions(rv, max) > 0 ? rv : max),
        undefined
      );
    return { items, resourceVersion };
  }

  async checkAccess(namespace: string): Promise<void> {
    await Promise.all(JOB_KINDS.map(kind => this.listKind(namespace, kind, 1)));
  }

  /** One kind's jobs (the first `limit`); a kind whose CRD is not installed (404) simply has none. */
  private async listKind(namespace: string, kind: IJobKind, limit?: number): Promise<IKindList> {
    try {
      const list = await this.client.request<IKubeList>('GET', resourcePath(kind, namespace), {
        query: { limit }
      });
      return {
        items: (list.items ?? []).map(item => withTypeMeta(item, kind)),
        resourceVersion: list.metadata?.resourceVersion
      };
    } catch (e) {
      if (isNotFound(e)) {
        return { items: [] };
      }
      throw e;
    }
  }

  async get(namespace: string, name: string): Promise<IJob> {
    const found = await this.findOrThrow(namespace, name);
    return jobFromObject(found.object, await podsOfJob(this.client, namespace, name));
  }

  async delete(namespace: string, name: string): Promise<void> {
    const found = await this.findOrThrow(namespace, name);
    await this.client.request('DELETE', resourcePath(found.kind, namespace, name), {
      query: PROPAGATION
    });
    await this.deleteOwnedConfigMaps(namespace, found.object.metadata?.uid);
    await this.store.remove(namespace, name);
  }

  /**
   * Owned ConfigMaps would be garbage collected on a full cluster; a bare apiserver has no collector. The job is
   * already gone, so a user who may not list or delete ConfigMaps still gets a successful delete.
   */
  private async deleteOwnedConfigMaps(namespace: string, uid: string | undefined): Promise<void> {
    if (!uid) {
      return;
    }
    const tolerated = (e: unknown) => {
      if (!(e instanceof BackendError && (e.code === 'not_found' || e.code === 'forbidden'))) {
        throw e;
      }
    };
    const list = await this.client
      .request<IKubeList>('GET', resourcePath(CONFIGMAPS, namespace), {
        query: { labelSelector: MANAGED_SELECTOR }
      })
      .catch(e => tolerated(e));
    const owned = (list?.items ?? []).filter(cm =>
      cm.metadata?.ownerReferences?.some(ref => ref.uid === uid)
    );
    await Promise.all(
      owned.map(cm =>
        this.client
          .request('DELETE', resourcePath(CONFIGMAPS, namespace, cm.metadata?.name))
          .catch(tolerated)
      )
    );
  }

  async events(namespace: string, name: string): Promise<IJobEvent[]> {
    const found = await this.findOrThrow(namespace, name);
    const [list, pods] = await Promise.all([
      this.client.request<{ items?: IKubeEvent[] }>('GET', resourcePath(EVENTS, namespace)),
      podsOfJob(this.client, namespace, name)
    ]);
    return eventsOfJob(list.items ?? [], {
      name,
      kind: found.kind.kind,
      uid: found.object.metadata?.uid,
      podNames: pods.map(pod => pod.metadata?.name ?? '')
    });
  }

  logs(
    namespace: string,
    name: string,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    return writeJobLogs(this.client, this.store, namespace, name, options, sink);
  }

  watch(namespace: string, onEvent: Parameters<IJobsBackend['watch']>[1]): ISubscription {
    const watch = watchJobs(this.client, namespace, onEvent);
    const subscription = {
      close: () => {
        this.subscriptions.delete(subscription);
        watch.close();
      }
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Stops every open watch (the backend is being replaced or the proxy stops). */
  close(): void {
    for (const subscription of [...this.subscriptions]) {
      subscription.close();
    }
  }
}
