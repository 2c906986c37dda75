/**
 * The pipeline-run calls of the typed proxy client (`ProxyClient` stays the only thing doing HTTP; this adds the
 * run routes the same way src/api/analysis.ts adds its own): create, get, delete, cancel, re-run, step logs
 * (read or follow), output previews and downloads, and the live run stream.
 */
import { IArtifactPreview, ICreateRunRequest, IRerunRequest, IRun } from '../../contract/pipeline';
import { routes } from '../../contract/routes';
import { ProxyClient } from './client';
import { ResourceStream } from './resource-stream';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export class RunsClient {
  constructor(readonly proxy: ProxyClient) {}

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.proxy.request(path, init)).json()) as T;
  }

  createRun = (namespace: string, request: ICreateRunRequest) =>
    this.json<IRun>(routes.runs(namespace), {
      method: 'POST',
      body: JSON.stringify(request),
      headers: JSON_HEADERS
    });
  getRun = (namespace: string, name: string) => this.json<IRun>(routes.run(namespace, name));
  deleteRun = (namespace: string, name: string) =>
    this.json<{ deleted: boolean }>(routes.run(namespace, name), { method: 'DELETE' });
  cancelRun = (namespace: string, name: string) =>
    this.json<IRun>(routes.runCancel(namespace, name), {
      method: 'POST',
      body: '{}',
      headers: JSON_HEADERS
    });
  rerun = (namespace: string, name: string, request: IRerunRequest = {}) =>
    this.json<IRun>(routes.runRerun(namespace, name), {
      method: 'POST',
      body: JSON.stringify(request),
      headers: JSON_HEADERS
    });

  async stepLogs(namespace: string, name: string, task: string, tail: number): Promise<string> {
    const response = await this.proxy.request(
      routes.runStepLogs(namespace, name, task),
      {},
      { tail }
    );
    return response.text();
  }

  /** Follows a step's log until the step ends or `signal` aborts (streamed, not buffered, by the Accept header). */
  async followStepLogs(
    namespace: string,
    name: string,
    task: string,
    tail: number,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void> {
    const response = await this.proxy.request(
      routes.runStepLogs(namespace, name, task),
      { headers: { Accept: 'text/event-stream' }, signal },
      { tail, follow: 1 }
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

  stepOutput = (namespace: string, name: string, task: string, artifact: string) =>
    this.json<IArtifactPreview>(routes.runStepOutput(namespace, name, task, artifact));

  /** The URL that downloads an output artifact's file. */
  stepOutputUrl(namespace: string, name: string, task: string, artifact: string): string {
    return this.proxy.url(routes.runStepOutput(namespace, name, task, artifact), { download: 1 });
  }

  /** Live updates of the runs of a namespace (server-sent events; reconnects with backoff). */
  watchRuns(namespace: string): ResourceStream<IRun> {
    return new ResourceStream<IRun>(this.proxy.url(routes.watchRuns(namespace)));
  }
}
