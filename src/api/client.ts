/**
 * The typed client of the workbench proxy: the ONLY frontend code doing HTTP. Requests go through Jupyter's
 * own connection (its login and XSRF); jupyter-server-proxy adds the proxy's secret on the way.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IContextList, IInfo, INamespaceList } from '../../contract/info';
import { PROXY_NAME, routes } from '../../contract/routes';
import { IJob, IJobEvent, ITrainingJobSpec } from '../../contract/training';
import { errorOfResponse, networkError } from './errors';
import { ResourceStream } from './resource-stream';

export interface ILogRequest {
  replica?: string;
  tail?: number;
}

export class ProxyClient {
  constructor(readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {}

  /** Absolute URL of a proxy route. */
  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const search = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    const base = URLExt.join(this.settings.baseUrl, PROXY_NAME, path);
    return search ? `${base}?${search}` : base;
  }

  async request(
    path: string,
    init: RequestInit = {},
    query: Record<string, string | number | undefined> = {}
  ) {
    const url = this.url(path, query);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (e) {
      throw networkError(url, e);
    }
    if (!response.ok) {
      throw await errorOfResponse(response, url);
    }
    return response;
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const body =
      init.body === undefined ? init : { ...init, headers: { 'Content-Type': 'application/json' } };
    return (await (await this.request(path, body)).json()) as T;
  }

  info = () => this.json<IInfo>(routes.info());
  retry = () => this.json<IInfo>(routes.retry(), { method: 'POST' });
  namespaces = () => this.json<INamespaceList>(routes.namespaces());
  contexts = () => this.json<IContextList>(routes.contexts());

  createJob = (namespace: string, spec: ITrainingJobSpec) =>
    this.json<IJob>(routes.jobs(namespace), { method: 'POST', body: JSON.stringify(spec) });
  listJobs = (namespace: string) => this.json<{ items: IJob[] }>(routes.jobs(namespace));
  getJob = (namespace: string, name: string) => this.json<IJob>(routes.job(namespace, name));
  deleteJob = (namespace: string, name: string) =>
    this.json<{ deleted: boolean }>(routes.job(namespace, name), { method: 'DELETE' });
  jobEvents = async (namespace: string, name: string) =>
    (await this.json<{ items: IJobEvent[] }>(routes.jobEvents(namespace, name))).items;

  async jobLogs(namespace: string, name: string, options: ILogRequest = {}): Promise<string> {
    return (await this.request(routes.jobLogs(namespace, name), {}, { ...options })).text();
  }

  /**
   * Follows a job's logs, calling `onText` per chunk until the job ends or `signal` aborts. The Accept header
   * makes jupyter-server-proxy stream the answer instead of buffering it whole.
   */
  async followLogs(
    namespace: string,
    name: string,
    options: ILogRequest,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void> {
    const response = await this.request(
      routes.jobLogs(namespace, name),
      { headers: { Accept: 'text/event-stream' }, signal },
      { ...options, follow: 1 }
    );
    const reader = response.body?.getReader();
    if (!reader) {
      onText(await response.text());
      return;
    }
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      onText(decoder.decode(value, { stream: true }));
    }
  }

  /** Live updates of the jobs of a namespace (server-sent events; reconnects with backoff). */
  watchJobs(namespace: string): ResourceStream<IJob> {
    return new ResourceStream<IJob>(this.url(routes.watchJobs(namespace)));
  }
}
