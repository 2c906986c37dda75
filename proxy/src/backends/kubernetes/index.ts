/**
 * The kubernetes backend: connect (kubeconfig → context → a probe of `/version`), then namespaces, contexts and
 * jobs over that connection.
 *
 * Identity: requests go out with the kubeconfig's credentials. With `impersonateUser` (or env
 * `KFWB_IMPERSONATE_USER`) every request, watch and log also carries `Impersonate-User: <user>`, so RBAC
 * applies to that user, the way Kubeflow web apps act for the `kubeflow-userid` user; the kubeconfig's
 * credentials must be allowed to `impersonate` users. One connection acts for one user.
 */
import { join } from 'node:path';
import { IBackendInfo, IContextList, INamespaceList } from '../../../../contract/info';
import { BackendError, IBackend } from '../types';
import { IKubeClient, openCluster } from './client';
import { KubernetesJobs } from './jobs';
import { LogStore } from './log-store';
import { KubernetesStudies } from './studies/kubernetes-studies';
import { createLocalPipelines } from '../local/pipelines';
import { lockStateDir } from '../local/state-lock';
import { createKfp, IKfpOptions } from '../kfp';
import { DEFAULT_KFP_SERVICE, KubernetesKfpCluster, serviceProxyAccess } from './kfp-access';

export interface IKubernetesOptions {
  stateDir: string;
  /** The Jupyter root: working directory of locally run pipeline steps. */
  rootDir?: string;
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  impersonateUser?: string;
  /** Namespaces to offer a user who may not list namespaces; default env `KFWB_NAMESPACES` (comma list). */
  namespaces?: string[];
  /** Kubeflow Pipelines settings beyond the environment (tests); `service` is `namespace/name:port`. */
  kfp?: Partial<IKfpOptions> & { service?: string };
}

const PROBE_TIMEOUT_MS = 3000;

interface ISelfSubjectAccessReview {
  status?: { allowed?: boolean };
}

/** Asks the apiserver whether the (impersonated) user may list pods there: "can use this namespace". */
async function mayUseNamespace(client: IKubeClient, namespace: string): Promise<boolean> {
  const review = await client.request<ISelfSubjectAccessReview>(
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: { namespace, verb: 'list', resource: 'pods' }
        }
      }
    }
  );
  return review.status?.allowed === true;
}

function namespacesFromEnv(): string[] {
  return (process.env.KFWB_NAMESPACES ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
}

/** Kubeflow's profile controller labels the namespaces it makes for users' profiles. */
const PROFILE_LABEL = ['app.kubernetes.io/part-of', 'kubeflow-profile'];
const SYSTEM = /^kube-/;

/** Profiles first (what a Kubeflow user works in), then the rest; the cluster's own (kube-*) last, marked. */
export function orderNamespaces(
  items: { metadata?: { name?: string; labels?: Record<string, string> } }[]
): INamespaceList['items'] {
  const rank = (n: { profile?: boolean; system?: boolean }) => (n.profile ? 0 : n.system ? 2 : 1);
  return items
    .filter(item => item.metadata?.name)
    .map(item => {
      const name = item.metadata!.name!;
      const profile = item.metadata?.labels?.[PROFILE_LABEL[0]] === PROFILE_LABEL[1];
      return {
        name,
        ...(profile ? { profile } : {}),
        ...(SYSTEM.test(name) ? { system: true } : {})
      };
    })
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

async function listNamespaces(
  client: IKubeClient,
  fallback: string[],
  current: string
): Promise<INamespaceList> {
  try {
    const list = await client.request<{
      items?: { metadata?: { name?: string; labels?: Record<string, string> } }[];
    }>('GET', '/api/v1/namespaces');
    return { items: orderNamespaces(list.items ?? []), default: current };
  } catch (e) {
    if (!(e instanceof BackendError && e.code === 'forbidden')) {
      throw e;
    }
  }
  // A restricted user (the usual Kubeflow profile user) may not list namespaces: offer the ones they can use.
  const candidates = [...new Set([current, ...fallback])];
  const allowed = await Promise.all(
    candidates.map(name => mayUseNamespace(client, name).catch(() => false))
  );
  return {
    items: candidates.filter((_, i) => allowed[i]).map(name => ({ name })),
    default: current
  };
}

export async function connectKubernetes(opts: IKubernetesOptions): Promise<IBackend> {
  const impersonateUser = opts.impersonateUser || process.env.KFWB_IMPERSONATE_USER || undefined;
  const client = openCluster({
    kubeconfig: opts.kubeconfig,
    context: opts.context,
    impersonateUser
  });
  let version: { gitVersion?: string };
  try {
    version = await client.request('GET', '/version', { timeoutMs: PROBE_TIMEOUT_MS });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const where = `context "${client.contextName}" of ${client.source}, server ${client.server}`;
    throw new BackendError('unreachable', `Cannot use the cluster (${where}): ${reason}`);
  }
  const namespace = opts.namespace || client.contextNamespace || 'default';
  const store = new LogStore(join(opts.stateDir, 'logs'));
  const jobs = new KubernetesJobs(client, store);
  const studies = new KubernetesStudies(client, store);
  const fallbackNamespaces = opts.namespaces ?? namespacesFromEnv();
  const info: IBackendInfo = {
    kind: 'kubernetes',
    selected: 'kubernetes',
    state: 'connected',
    context: client.contextName,
    server: client.server,
    namespace
  };
  // Local pipeline runs are local state, so this proxy must be the only one on the state dir (see
  // local/state-lock.ts); runs on Kubeflow Pipelines are served next to them.
  const lock = lockStateDir(opts.stateDir);
  const { service, ...kfpOptions } = opts.kfp ?? {};
  const kfp = createKfp(createLocalPipelines(opts), {
    cluster: new KubernetesKfpCluster(client, store),
    serviceProxy: serviceProxyAccess(
      client,
      service ?? (process.env.KFWB_KFP_SERVICE || DEFAULT_KFP_SERVICE)
    ),
    impersonateUser,
    ...kfpOptions
  });
  const pipelines = kfp.pipelines;
  return {
    kind: 'kubernetes',
    kubernetesVersion: version.gitVersion,
    info: () => ({ ...info }),
    namespaces: () => listNamespaces(client, fallbackNamespaces, namespace),
    contexts: async (): Promise<IContextList> => client.contexts(),
    jobs,
    studies,
    pipelines,
    kfp: kfp.control,
    close: async () => {
      studies.close();
      jobs.close();
      pipelines.close();
      lock.release();
    }
  };
}
