/**
 * The only module that imports @kubernetes/client-node. It loads the kubeconfig, and offers three things the
 * rest of the backend needs: a JSON request to any API path, a watch, and a followed pod log. Everything it
 * hands out is plain JSON (no client-node model classes, whose Date fields differ from what a watch sends)
 * and every failure is a `BackendError` in plain words.
 */
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import { IContextList } from '../../../../contract/info';
import { BackendError } from '../types';
import { describeRequest, toBackendError } from './errors';
import {
  chooseKubeconfigSource,
  describeLoadError,
  mergeKubeconfigs,
  selectContext
} from './kubeconfig';

export interface IClusterOptions {
  /** A kubeconfig file; else `KUBECONFIG` (merged), `~/.kube/config`, then the in-cluster service account. */
  kubeconfig?: string;
  context?: string;
  /** Sent as `Impersonate-User` on every request (the credentials must be allowed to impersonate). */
  impersonateUser?: string;
}

/** Where a resource lives: `group` is '' for the core API (`/api/v1`). */
export interface IResourceRef {
  group: string;
  version: string;
  plural: string;
}

export interface IRequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Answer as text instead of JSON (pod logs). */
  text?: boolean;
  /** Body type; JSON unless a patch says otherwise (`application/merge-patch+json`). */
  contentType?: string;
  timeoutMs?: number;
}

export interface IRawRequestOptions {
  query?: Record<string, string | undefined>;
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface IRawResponse {
  status: number;
  text: string;
}

export interface ILogStreamOptions {
  container?: string;
  tailLines?: number;
  limitBytes?: number;
  timestamps?: boolean;
}

export interface IKubeClient {
  /** Where the configuration came from, in words: `kubeconfig /home/u/.kube/config`, `KUBECONFIG (a:b)`. */
  readonly source: string;
  readonly contextName: string;
  readonly server: string;
  /** The namespace the context names (or the service account's), if any. */
  readonly contextNamespace?: string;
  readonly impersonateUser?: string;
  contexts(): IContextList;
  request<T>(method: string, path: string, options?: IRequestOptions): Promise<T>;
  /**
   * A request whose answer comes back whatever its HTTP status (a service behind the apiserver's service proxy
   * answers its own errors); only a network failure throws. Text bodies (JSON, multipart) go as they are.
   */
  send?(method: string, path: string, options: IRawRequestOptions): Promise<IRawResponse>;
  /** Starts a watch; `onDone` is called once when it ends (with the error if it failed). Returns `stop`. */
  watch(
    path: string,
    query: Record<string, string | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error?: BackendError, httpStatus?: number) => void
  ): Promise<() => void>;
  /** Streams a followed pod log to `onText` until it ends or `signal` aborts. */
  followLog(
    namespace: string,
    pod: string,
    options: ILogStreamOptions,
    onText: (text: string) => void,
    signal?: AbortSignal
  ): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** `/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs/name` or `/api/v1/namespaces/team-a/pods`. */
export function resourcePath(ref: IResourceRef, namespace?: string, name?: string): string {
  const root = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${ref.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

const HTTP_METHODS: Record<string, k8s.HttpMethod> = {
  GET: k8s.HttpMethod.GET,
  POST: k8s.HttpMethod.POST,
  PUT: k8s.HttpMethod.PUT,
  PATCH: k8s.HttpMethod.PATCH,
  DELETE: k8s.HttpMethod.DELETE
};

class KubeClient implements IKubeClient {
  readonly contextName: string;
  readonly server: string;
  readonly contextNamespace?: string;
  private readonly config: k8s.Configuration;

  constructor(
    private readonly kc: k8s.KubeConfig,
    readonly source: string,
    readonly impersonateUser?: string
  ) {
    this.contextName = kc.getCurrentContext();
    this.server = kc.getCurrentCluster()?.server ?? '';
    this.contextNamespace = kc.getContextObject(this.contextName)?.namespace || undefined;
    this.config = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(this.server, {}),
      authMethods: { default: kc }
    });
  }

  contexts(): IContextList {
    return {
      items: this.kc.getContexts().map(c => ({
        name: c.name,
        cluster: c.cluster,
        namespace: c.namespace
      })),
      current: this.contextName
    };
  }

  async request<T>(method: string, path: string, options: IRequestOptions = {}): Promise<T> {
    const context = this.config.baseServer.makeRequestContext(path, HTTP_METHODS[method]);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        context.setQueryParam(key, String(value));
      }
    }
    context.setHeaderParam('Accept', options.text ? 'text/plain, */*' : 'application/json');
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(JSON.stringify(options.body));
    }
    context.setSignal(AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const description = describeRequest(method, path, this.server);
    try {
      await this.kc.applySecurityAuthentication(context);
      const response = await this.config.httpApi.send(context).toPromise();
      const text = await response.body.text();
      if (response.httpStatusCode >= 400) {
        throw new k8s.ApiException(
          response.httpStatusCode,
          'Kubernetes request failed',
          text,
          response.headers
        );
      }
      if (options.text) {
        return text as T;
      }
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (e) {
      throw toBackendError(e, description);
    }
  }

  async send(method: string, path: string, options: IRawRequestOptions): Promise<IRawResponse> {
    const context = this.config.baseServer.makeRequestContext(path, HTTP_METHODS[method]);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        context.setQueryParam(key, value);
      }
    }
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      context.setHeaderParam(key, value);
    }
    if (options.body !== undefined) {
      context.setBody(options.body);
    }
    context.setSignal(AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    try {
      await this.kc.applySecurityAuthentication(context);
      const response = await this.config.httpApi.send(context).toPromise();
      return { status: response.httpStatusCode, text: await response.body.text() };
    } catch (e) {
      throw toBackendError(e, describeRequest(method, path, this.server));
    }
  }

  async watch(
    path: string,
    query: Record<string, string | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error?: BackendError, httpStatus?: number) => void
  ): Promise<() => void> {
    const description = describeRequest('GET', `${path}?watch=true`, this.server);
    const done = (error: unknown) => {
      // A watch refused outright carries the HTTP status (410 Gone means: list again).
      const status = (error as { statusCode?: unknown } | null)?.statusCode;
      onDone(
        error ? toBackendError(error, description) : undefined,
        typeof status === 'number' ? status : undefined
      );
    };
    try {
      const controller = await new k8s.Watch(this.kc).watch(path, query, onEvent, done);
      return () => controller.abort();
    } catch (e) {
      // Thrown before the request was made (e.g. auth plugin failure); report it like a failed stream.
      done(e);
      return () => undefined;
    }
  }

  async followLog(
    namespace: string,
    pod: string,
    options: ILogStreamOptions,
    onText: (text: string) => void,
    signal?: AbortSignal
  ): Promise<void> {
    if (signal?.aborted) {
      return;
    }
    const decoder = new StringDecoder('utf8');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        onText(decoder.write(chunk));
        callback();
      }
    });
    const ended = new Promise<void>(resolve => {
      sink.on('finish', resolve);
      sink.on('close', resolve);
      sink.on('error', () => resolve());
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    const path = `/api/v1/namespaces/${namespace}/pods/${pod}/log`;
    let controller: AbortController;
    try {
      controller = await new k8s.Log(this.kc).log(namespace, pod, options.container ?? '', sink, {
        follow: true,
        tailLines: options.tailLines,
        limitBytes: options.limitBytes,
        timestamps: options.timestamps
      });
    } catch (e) {
      throw await this.whyLogRefused(e, path, options.container);
    }
    signal?.addEventListener('abort', () => controller.abort(), { once: true });
    await ended;
    const rest = decoder.end();
    if (rest) {
      onText(rest);
    }
  }

  /**
   * client-node's log follow drops the apiserver's answer for any refusal but a 500 ("Error occurred in log
   * request"), and that answer is the reason (a container waiting to start, a wrong container): asking again
   * without follow gets it.
   */
  private async whyLogRefused(
    e: unknown,
    path: string,
    container: string | undefined
  ): Promise<BackendError> {
    const first = toBackendError(e, describeRequest('GET', path, this.server));
    const status = (e as { code?: unknown } | null)?.code;
    if (typeof status !== 'number' || status < 400 || status === 500) {
      return first;
    }
    try {
      await this.request('GET', path, { query: { container, limitBytes: 1 }, text: true });
      return first;
    } catch (again) {
      return again instanceof BackendError ? again : first;
    }
  }
}

function readKubeconfigFile(file: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw describeLoadError(file, e);
  }
  return kc;
}

/** Loads the kubeconfig (see `IClusterOptions`), selects the context and applies impersonation. */
function loadKubeConfig(options: IClusterOptions): {
  kc: k8s.KubeConfig;
  source: string;
} {
  const source = chooseKubeconfigSource(options.kubeconfig, {
    home: process.env.HOME || homedir(),
    kubeconfigEnv: process.env.KUBECONFIG,
    delimiter,
    inCluster: !!process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN),
    exists: existsSync
  });
  const kc = new k8s.KubeConfig();
  if (source.kind === 'in-cluster') {
    kc.loadFromCluster();
  } else {
    const merged = mergeKubeconfigs(source.files.map(readKubeconfigFile));
    kc.loadFromOptions(merged);
  }
  const selected = selectContext(kc, options.context, source.label);
  kc.setCurrentContext(selected.context);
  const user = kc.getCurrentUser();
  if (options.impersonateUser && !user) {
    throw new BackendError(
      'unreachable',
      `The context "${selected.context}" has no user to impersonate from.`
    );
  }
  if (options.impersonateUser && user) {
    // client-node sends `Impersonate-User` for a user with `impersonateUser` (kubeconfig `as:`), on API calls,
    // watches and logs alike, so impersonation is a property of the loaded config, not of each call.
    const impersonating = { ...user, impersonateUser: options.impersonateUser };
    kc.users = kc.users.map(u => (u.name === user.name ? impersonating : u));
  }
  return { kc, source: source.label };
}

/** Opens the cluster a kubeconfig points at (no request yet); config problems throw `unreachable`. */
export function openCluster(options: IClusterOptions): IKubeClient {
  const { kc, source } = loadKubeConfig(options);
  return new KubeClient(kc, source, options.impersonateUser);
}
