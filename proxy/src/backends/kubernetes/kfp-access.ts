/**
 * What the KFP backend needs from the cluster, over the kubeconfig the kubernetes backend already uses (so the
 * KFP code never touches client-node): the apiserver's service proxy to `ml-pipeline` as a KFP transport, the
 * step pods and their events, step logs kept after the pods are gone, and a watch of the runs' Workflows and
 * pods (a change makes the KFP backend read that run again).
 */
import { IKfpCluster, IRunWatch } from '../kfp/cluster';
import { IServiceProxyAccess } from '../kfp/connection';
import { IRunPods, IStepPod, RUN_ID_LABEL } from '../kfp/steps';
import { IKfpTransport, queryString } from '../kfp/transport';
import { BackendError, ILogOptions } from '../types';
import { IKubeClient } from './client';
import { IKubeEvent } from './events';
import { LogStore } from './log-store';
import { writeKeptLogs } from './logs';
import { IPod } from './pods';
import { MultiWatch } from './multi-watch';
import { IKubeObject } from './watch-reducer';

/** `namespace/service:port` of the KFP API server; env `KFWB_KFP_SERVICE` moves it. */
export const DEFAULT_KFP_SERVICE = 'kubeflow/ml-pipeline:8888';

export function serviceProxyAccess(
  client: IKubeClient,
  service = DEFAULT_KFP_SERVICE
): IServiceProxyAccess {
  const [namespace, nameAndPort] = service.split('/');
  const base = `/api/v1/namespaces/${namespace}/services/${nameAndPort}/proxy`;
  return {
    service,
    user: client.impersonateUser ?? `the user of context "${client.contextName}"`,
    transport(headers): IKfpTransport {
      return {
        endpoint: `${client.server}${base}`,
        async send(request) {
          if (!client.send) {
            throw new BackendError('unreachable', 'This cluster client cannot proxy to services.');
          }
          return client.send(request.method, `${base}${request.path}`, {
            query: request.query,
            body: request.body,
            timeoutMs: request.timeoutMs,
            headers: {
              accept: 'application/json',
              ...(request.contentType ? { 'content-type': request.contentType } : {}),
              ...headers()
            }
          });
        }
      };
    }
  };
}

/** Lists that a user may not read answer nothing: runs still show, without pod details. */
async function listOrEmpty<T>(
  client: IKubeClient,
  path: string,
  query: Record<string, string>
): Promise<T[]> {
  try {
    const list = await client.request<{ items?: T[] }>('GET', `${path}${queryString(query)}`);
    return list.items ?? [];
  } catch (e) {
    if (e instanceof BackendError && (e.code === 'forbidden' || e.code === 'not_found')) {
      return [];
    }
    throw e;
  }
}

const workflowsPath = (namespace: string) =>
  `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/workflows`;

export class KubernetesKfpCluster implements IKfpCluster {
  constructor(
    private readonly client: IKubeClient,
    private readonly store: LogStore
  ) {}

  async runPods(namespace: string, runId?: string): Promise<Map<string, IRunPods>> {
    const selector = runId ? `${RUN_ID_LABEL}=${runId}` : RUN_ID_LABEL;
    const pods = await listOrEmpty<IStepPod>(this.client, `/api/v1/namespaces/${namespace}/pods`, {
      labelSelector: selector
    });
    // Events only matter for pods that are not done (why a step does not start).
    const waiting = pods.some(p => !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
    const events = waiting
      ? await listOrEmpty<IKubeEvent>(this.client, `/api/v1/namespaces/${namespace}/events`, {
          fieldSelector: 'involvedObject.kind=Pod'
        })
      : [];
    const byRun = new Map<string, IRunPods>();
    for (const pod of pods) {
      const id = pod.metadata?.labels?.[RUN_ID_LABEL] ?? '';
      const entry = byRun.get(id) ?? { pods: [], events: [] };
      entry.pods.push(pod);
      byRun.set(id, entry);
    }
    for (const entry of byRun.values()) {
      const names = new Set(entry.pods.map(p => p.metadata?.name));
      entry.events = events.filter(e => names.has(e.involvedObject?.name));
    }
    return byRun;
  }

  async stepLog(
    namespace: string,
    runId: string,
    task: string,
    pod: string | undefined,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    const live = (await this.podSpec(namespace, pod)) as IPod | undefined;
    const source = { name: task, ...(live ? { pod: live } : {}) };
    await writeKeptLogs(
      this.client,
      this.store,
      namespace,
      `kfp-${runId}`,
      [source],
      options,
      sink
    );
  }

  /** The pod as the apiserver has it now (its containers pick the log's container), or undefined if gone. */
  private async podSpec(namespace: string, pod: string | undefined): Promise<IStepPod | undefined> {
    if (!pod) {
      return undefined;
    }
    try {
      return await this.client.request<IStepPod>(
        'GET',
        `/api/v1/namespaces/${namespace}/pods/${pod}`
      );
    } catch (e) {
      if (e instanceof BackendError && e.code === 'not_found') {
        return undefined;
      }
      throw e;
    }
  }

  forget(namespace: string, runId: string): Promise<void> {
    return this.store.remove(namespace, `kfp-${runId}`);
  }

  watchRuns(namespace: string, onChange: (runId: string | undefined) => void): IRunWatch {
    let watch: MultiWatch<'workflow' | 'pod'> | undefined;
    let closed = false;
    const ready = (async (): Promise<string | undefined> => {
      try {
        await this.client.request('GET', workflowsPath(namespace), { query: { limit: 1 } });
      } catch (e) {
        const why =
          e instanceof BackendError && e.code === 'not_found'
            ? 'the Argo Workflow kind is not served'
            : e instanceof Error
              ? e.message
              : String(e);
        return `cannot watch Workflows in ${namespace} (${why})`;
      }
      if (closed) {
        return undefined;
      }
      const runOf = (object: IKubeObject) => object.metadata?.labels?.[RUN_ID_LABEL];
      watch = new MultiWatch<'workflow' | 'pod'>(
        this.client,
        [
          {
            tag: 'workflow',
            path: workflowsPath(namespace),
            labelSelector: RUN_ID_LABEL,
            unserved: 'not_found'
          },
          {
            tag: 'pod',
            path: `/api/v1/namespaces/${namespace}/pods`,
            labelSelector: RUN_ID_LABEL,
            unserved: 'forbidden'
          }
        ],
        {
          onSnapshot: () => onChange(undefined),
          onChange: (_tag, _change, object) => {
            const runId = runOf(object);
            if (runId) {
              onChange(runId);
            }
          }
        }
      );
      watch.start();
      return undefined;
    })();
    return {
      ready,
      close: () => {
        closed = true;
        watch?.close();
      }
    };
  }
}
