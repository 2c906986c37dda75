/**
 * Finds the KFP API server and says in plain words which one is used and why, or why none is. Order (the
 * contract's `KfpEndpointSource`): the in-cluster service when the proxy runs in a pod; the kube-apiserver's
 * service proxy with the user's kubeconfig; a configured URL (the `kfpEndpoint` setting, else env
 * `KF_PIPELINES_ENDPOINT`). Each candidate is probed with `GET /apis/v2beta1/healthz`.
 */
import { IKfpConnection, KfpEndpointSource } from '../../../../contract/kfp';
import { BackendError } from '../types';
import { KfpAuth } from './auth';
import { KfpApiError, KfpClient } from './client';
import { httpTransport, IKfpTransport } from './transport';

export const IN_CLUSTER_URL = 'http://ml-pipeline.kubeflow.svc.cluster.local:8888';
const PROBE_TIMEOUT_MS = 5000;

/** The kube-apiserver's service proxy to KFP, provided by the kubernetes backend. */
export interface IServiceProxyAccess {
  /** `kubeflow/ml-pipeline:8888` style, for messages. */
  readonly service: string;
  /** The kubeconfig user, when known (for messages). */
  readonly user?: string;
  transport(headers: () => Record<string, string>): IKfpTransport;
}

export interface IKfpConnectorOptions {
  auth: KfpAuth;
  /** The in-cluster URL, set when the proxy runs in a pod. */
  inCluster?: string;
  serviceProxy?: IServiceProxyAccess;
  /** env `KF_PIPELINES_ENDPOINT`; the setting (`connect`) overrides it. */
  configured?: string;
  probeTimeoutMs?: number;
}

interface IProbe {
  connection: IKfpConnection;
  client?: KfpClient;
}

const WHY: Record<KfpEndpointSource, string> = {
  'in-cluster': 'the proxy runs in a pod, so it uses the in-cluster ml-pipeline service',
  'service-proxy':
    "found the ml-pipeline service through your kubeconfig's cluster (apiserver service proxy)",
  configured: 'the configured endpoint'
};

export class KfpConnector {
  private current: IProbe = {
    connection: { state: 'not-found', message: 'Looking for Kubeflow Pipelines…' }
  };
  private pending?: Promise<IKfpConnection>;
  /** The `kfpEndpoint` setting; when empty, env `KF_PIPELINES_ENDPOINT` applies. */
  private configuredBySetting?: string;
  private note?: string;
  private updates?: 'watch' | 'poll';
  private refusal?: string;

  constructor(private readonly options: IKfpConnectorOptions) {}

  connection(): IKfpConnection {
    const { connection } = this.current;
    if (this.refusal) {
      return { ...connection, state: 'unauthorized', message: this.refusal };
    }
    return this.note && connection.state === 'connected'
      ? { ...connection, message: `${connection.message} ${this.note}`, updates: this.updates }
      : { ...connection };
  }

  /** The connection once the latest discovery is done. */
  ready(): Promise<IKfpConnection> {
    return (this.pending ?? this.discover()).then(() => this.connection());
  }

  /** A note about live updates (watch or poll) added to the connected message. */
  setNote(note: string | undefined, updates?: 'watch' | 'poll'): void {
    this.note = note;
    this.updates = updates;
  }

  /** The client, or the connection's message as an error when KFP cannot be used. */
  async client(): Promise<KfpClient> {
    await this.ready();
    if (!this.current.client) {
      const { state, message } = this.current.connection;
      throw new BackendError(
        state === 'unauthorized' ? 'forbidden' : 'unreachable',
        `Kubeflow Pipelines is not connected: ${message}`
      );
    }
    return this.current.client;
  }

  /** Sets (a string) or clears (null) the configured endpoint, then discovers again. */
  connect(endpoint?: string | null): Promise<IKfpConnection> {
    if (endpoint !== undefined) {
      this.configuredBySetting = endpoint ?? undefined;
    }
    return this.discover();
  }

  /**
   * Told by the runs backend when KFP refused the identity on a real call (healthz needs none): the connection
   * says so until a call goes through again (a rotated token, a new binding), without a new discovery.
   */
  refused(error: KfpApiError): void {
    if (error.status === 401 && this.current.client) {
      this.refusal = error.message;
    }
  }

  /** A call went through: a refusal seen before is over. */
  accepted(): void {
    this.refusal = undefined;
  }

  private configuredUrl(): { url: string; by: string } | undefined {
    if (this.configuredBySetting) {
      return { url: this.configuredBySetting, by: 'the kfpEndpoint setting' };
    }
    if (this.options.configured) {
      return { url: this.options.configured, by: 'KF_PIPELINES_ENDPOINT' };
    }
    return undefined;
  }

  discover(): Promise<IKfpConnection> {
    const run = this.probeAll().then(result => {
      if (this.pending === run) {
        this.current = result;
        this.refusal = undefined;
      }
      return this.connection();
    });
    this.pending = run;
    return run;
  }

  private async probeAll(): Promise<IProbe> {
    const { auth, inCluster, serviceProxy } = this.options;
    const tried: IProbe[] = [];
    if (inCluster) {
      const transport = httpTransport(inCluster, async () => auth.headers('in-cluster'));
      tried.push(await this.probe('in-cluster', transport, WHY['in-cluster']));
    }
    if (tried.every(t => !t.client) && serviceProxy) {
      const transport = serviceProxy.transport(() => auth.headers('service-proxy'));
      tried.push(await this.probe('service-proxy', transport, WHY['service-proxy']));
    }
    const configured = this.configuredUrl();
    if (tried.every(t => !t.client) && configured) {
      const transport = httpTransport(configured.url, async () => auth.headers('configured'));
      tried.push(await this.probe('configured', transport, `set by ${configured.by}`));
    }
    return tried.find(t => t.client) ?? this.failure(tried);
  }

  /** The most useful failure: a configured endpoint's, else one that exists but fails, else "not found". */
  private failure(tried: IProbe[]): IProbe {
    const found = tried.filter(t => t.connection.state !== 'not-found');
    const chosen = found.find(t => t.connection.via === 'configured') ?? found[0];
    if (chosen) {
      return chosen;
    }
    const looked = [
      this.options.inCluster ? `the in-cluster service ${this.options.inCluster}` : '',
      this.options.serviceProxy
        ? `service ${this.options.serviceProxy.service} through the apiserver`
        : ''
    ].filter(Boolean);
    // Why a candidate was passed over (the service-proxy's RBAC) helps the user more than "not found".
    const notes = tried
      .map(t => t.connection.message)
      .filter(m => m && !m.startsWith('No service'));
    return {
      connection: {
        state: 'not-found',
        message:
          `No Kubeflow Pipelines found${looked.length ? ` (looked for ${looked.join(' and ')})` : ''}. ` +
          (notes.length ? `${notes.join(' ')} ` : '') +
          'Set the kfpEndpoint setting or KF_PIPELINES_ENDPOINT to its API URL ' +
          '(e.g. http://ml-pipeline.kubeflow.svc.cluster.local:8888, not the UI address). Local runs work as before.'
      }
    };
  }

  private async probe(
    via: KfpEndpointSource,
    transport: IKfpTransport,
    why: string
  ): Promise<IProbe> {
    const { auth, serviceProxy } = this.options;
    const user = via === 'service-proxy' ? serviceProxy?.user : undefined;
    const client = new KfpClient(transport, { describeIdentity: () => auth.describe(via, user) });
    const base: IKfpConnection = {
      state: 'error',
      via,
      endpoint: transport.endpoint,
      auth: auth.mode(via),
      ...(auth.identity(via, user) ? { identity: auth.identity(via, user) } : {})
    };
    const timeoutMs = this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    try {
      const health = await client.healthz(timeoutMs);
      const mode = health.multi_user ? 'multi-user' : 'single-user';
      const as = base.identity ? ` as ${base.identity}` : '';
      return {
        client,
        connection: {
          ...base,
          state: 'connected',
          multiUser: health.multi_user === true,
          ...(health.tag_name ? { version: health.tag_name } : {}),
          message:
            `Kubeflow Pipelines ${health.tag_name ?? ''} (${mode}) at ${transport.endpoint}${as}: ${why}.`.replace(
              '  ',
              ' '
            )
        }
      };
    } catch (e) {
      return { connection: await this.explain(base, client, e, why, via, timeoutMs) };
    }
  }

  private async explain(
    base: IKfpConnection,
    client: KfpClient,
    error: unknown,
    why: string,
    via: KfpEndpointSource,
    timeoutMs: number
  ): Promise<IKfpConnection> {
    const { auth, serviceProxy } = this.options;
    const at = `${base.endpoint} (${why})`;
    // Outside a KFP cluster the in-cluster name does not resolve: nothing there, rather than "unreachable".
    if (
      via === 'in-cluster' &&
      !(error instanceof KfpApiError) &&
      /ENOTFOUND|EAI_AGAIN/.test(String(error))
    ) {
      return { ...base, state: 'not-found', message: `No ${base.endpoint} in this cluster's DNS.` };
    }
    if (!(error instanceof KfpApiError)) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ...base,
        state: 'unreachable',
        message: `Kubeflow Pipelines at ${at} cannot be reached: ${reason}`
      };
    }
    // The apiserver's own refusal to proxy (RBAC services/proxy) says nothing about KFP: look elsewhere.
    if (
      via === 'service-proxy' &&
      error.status === 403 &&
      /services\/proxy/.test(error.kfpMessage)
    ) {
      return {
        ...base,
        state: 'not-found',
        message: `Your kubeconfig may not proxy to ${serviceProxy?.service} (RBAC get services/proxy), so KFP was not looked for there.`
      };
    }
    if (error.status === 401 || error.status === 403) {
      const who = auth.describe(via, via === 'service-proxy' ? serviceProxy?.user : undefined);
      return {
        ...base,
        state: 'unauthorized',
        message: `Kubeflow Pipelines at ${at} refused ${who}: ${error.kfpMessage}. To fix: ${auth.fix(via)}.`
      };
    }
    if (
      via === 'service-proxy' &&
      error.status === 404 &&
      /services? "[^"]*" not found/.test(error.kfpMessage)
    ) {
      return {
        ...base,
        state: 'not-found',
        message: `No service ${serviceProxy?.service} in the cluster.`
      };
    }
    if (error.status === 404 && (await this.answersV1(client, timeoutMs))) {
      return {
        ...base,
        state: 'too-old',
        message: `The server at ${at} speaks only the KFP v1 API (KFP 1.x). The workbench needs KFP 2.x (v2beta1 API); upgrade Kubeflow Pipelines.`
      };
    }
    if (error.status === 503 || error.status === 502) {
      return {
        ...base,
        state: 'unreachable',
        message: `Kubeflow Pipelines at ${at} is not answering: ${error.kfpMessage}. Is the ml-pipeline deployment running?`
      };
    }
    return {
      ...base,
      state: 'error',
      message: `${base.endpoint} (${why}) is not a KFP v2 API server (healthz answered ${error.status}: ${error.kfpMessage}). Use the API address (port 8888), not the UI's.`
    };
  }

  /** A KFP 1.x server answers the v1beta1 health check. */
  private async answersV1(client: KfpClient, timeoutMs: number): Promise<boolean> {
    try {
      const response = await client.transport.send({
        method: 'GET',
        path: '/apis/v1beta1/healthz',
        timeoutMs
      });
      return response.status === 200;
    } catch {
      return false;
    }
  }
}
