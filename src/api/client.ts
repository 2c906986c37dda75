/**
 * The typed client of the workbench proxy: the ONLY frontend code doing HTTP. Requests go through Jupyter's
 * own connection (its login and XSRF); jupyter-server-proxy adds the proxy's secret on the way.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { BackendSelection, IContextList, IInfo, INamespaceList } from '../../contract/info';
import { PROXY_NAME, routes } from '../../contract/routes';
import { IStudy, IStudyBudget, IStudyCreated, IStudySpec } from '../../contract/study';
import { IJob, IJobEvent, ITrainingJobSpec } from '../../contract/training';
import { IKfpConnection } from '../../contract/kfp';
import {
  IArtifactPreview,
  ICompileRequest,
  ICompileResponse,
  ICreateRunRequest,
  IRerunRequest,
  IRun
} from '../../contract/pipeline';
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
  /** Re-picks the backend; `backend` switches the selection (auto, local, kubernetes). */
  retry = (backend?: BackendSelection) =>
    this.json<IInfo>(routes.retry(), {
      method: 'POST',
      ...(backend ? { body: JSON.stringify({ backend }) } : {})
    });
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
    return this.followText(routes.jobLogs(namespace, name), options, onText, signal);
  }

  /** Streams a followed text route (logs) chunk by chunk. */
  private async followText(
    path: string,
    options: ILogRequest,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void> {
    const response = await this.request(
      path,
      { headers: { Accept: 'text/event-stream' }, signal },
      { ...options, follow: 1 }
    );
    const reader = response.body?.getReader();
    if (!reader) {
      onText(await response.text());
      return;
    }
    // The stream is open: nothing printed yet is "no lines yet", no longer "loading".
    onText('');
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

  /** Validated by the proxy (400 with field paths); answers the study, whether it is new, and pre-flight warnings. */
  createStudy = (namespace: string, spec: IStudySpec) =>
    this.json<IStudyCreated>(routes.studies(namespace), {
      method: 'POST',
      body: JSON.stringify(spec)
    });
  listStudies = (namespace: string) => this.json<{ items: IStudy[] }>(routes.studies(namespace));
  getStudy = (namespace: string, name: string) => this.json<IStudy>(routes.study(namespace, name));
  deleteStudy = (namespace: string, name: string) =>
    this.json<{ deleted: boolean }>(routes.study(namespace, name), { method: 'DELETE' });
  /** Ends the study: no new trials (the budget becomes what has run); running trials finish. */
  stopStudy = (namespace: string, name: string) =>
    this.json<IStudy>(routes.stopStudy(namespace, name), { method: 'POST', body: '{}' });
  /** Changes the three fields Katib lets change after creation. */
  editBudget = (namespace: string, name: string, budget: IStudyBudget) =>
    this.json<IStudy>(routes.studyBudget(namespace, name), {
      method: 'PATCH',
      body: JSON.stringify(budget)
    });

  async trialLogs(
    namespace: string,
    study: string,
    trial: string,
    options: Pick<ILogRequest, 'tail'> = {}
  ): Promise<string> {
    return (
      await this.request(routes.trialLogs(namespace, study, trial), {}, { ...options })
    ).text();
  }

  followTrialLogs(
    namespace: string,
    study: string,
    trial: string,
    options: Pick<ILogRequest, 'tail'>,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void> {
    return this.followText(routes.trialLogs(namespace, study, trial), options, onText, signal);
  }

  /** Live updates of the studies of a namespace (trials and their pods included). */
  watchStudies = (namespace: string) =>
    new ResourceStream<IStudy>(this.url(routes.watchStudies(namespace)));

  // Pipelines and runs ----------------------------------------------------------------------------------------

  compilePipeline = (request: ICompileRequest) =>
    this.json<ICompileResponse>(routes.pipelineCompile(), {
      method: 'POST',
      body: JSON.stringify(request)
    });
  createRun = (namespace: string, request: ICreateRunRequest) =>
    this.json<IRun>(routes.runs(namespace), { method: 'POST', body: JSON.stringify(request) });
  listRuns = (namespace: string) => this.json<{ items: IRun[] }>(routes.runs(namespace));
  /** With the IR and the document it came from (for the DAG view). */
  getRun = (namespace: string, name: string) => this.json<IRun>(routes.run(namespace, name));
  deleteRun = (namespace: string, name: string) =>
    this.json<{ deleted: boolean }>(routes.run(namespace, name), { method: 'DELETE' });
  /** Resolves once every running step is stopped (its process tree killed). */
  cancelRun = (namespace: string, name: string) =>
    this.json<IRun>(routes.runCancel(namespace, name), { method: 'POST', body: '{}' });
  /** A new run: all steps, or from a task on / only a task, reusing this run's upstream outputs. */
  rerun = (namespace: string, name: string, request: IRerunRequest = {}) =>
    this.json<IRun>(routes.runRerun(namespace, name), {
      method: 'POST',
      body: JSON.stringify(request)
    });

  async stepLogs(namespace: string, name: string, task: string, tail?: number): Promise<string> {
    return (await this.request(routes.runStepLogs(namespace, name, task), {}, { tail })).text();
  }

  /** Follows a step's log until the step ends or `signal` aborts (a retried step's attempts follow each other). */
  followStepLogs = (
    namespace: string,
    name: string,
    task: string,
    onText: (text: string) => void,
    signal: AbortSignal,
    tail?: number
  ) => this.followText(routes.runStepLogs(namespace, name, task), { tail }, onText, signal);

  /** A bounded preview of an output artifact (text, image, small table, directory listing). */
  stepOutput = (namespace: string, name: string, task: string, artifact: string) =>
    this.json<IArtifactPreview>(routes.runStepOutput(namespace, name, task, artifact));

  /** The URL that downloads an output artifact's file (for a link; the browser sends the Jupyter cookie). */
  stepOutputDownloadUrl = (namespace: string, name: string, task: string, artifact: string) =>
    this.url(routes.runStepOutput(namespace, name, task, artifact), { download: 1 });

  /** KFP runs: retries the failed steps of the same run (KFP `:retry`); answers the run. */
  retryRun = (namespace: string, name: string) =>
    this.json<IRun>(routes.runRetry(namespace, name), { method: 'POST', body: '{}' });
  /** KFP runs: hides the run from KFP's active list (it keeps its data). */
  archiveRun = (namespace: string, name: string) =>
    this.json<IRun>(routes.runArchive(namespace, name), { method: 'POST', body: '{}' });
  unarchiveRun = (namespace: string, name: string) =>
    this.json<IRun>(routes.runArchive(namespace, name), { method: 'DELETE' });

  /** How the proxy reaches Kubeflow Pipelines (found, with which identity, or why not). */
  kfp = () => this.json<IKfpConnection>(routes.kfp());
  /** Sets the configured KFP endpoint (`null`: find it again without one) and answers the new connection. */
  setKfpEndpoint = (endpoint: string | null) =>
    this.json<IKfpConnection>(routes.kfp(), {
      method: 'POST',
      body: JSON.stringify({ endpoint })
    });

  /** Live updates of the runs of a namespace (server-sent events; reconnects with backoff). */
  watchRuns(namespace: string): ResourceStream<IRun> {
    return new ResourceStream<IRun>(this.url(routes.watchRuns(namespace)));
  }
}
