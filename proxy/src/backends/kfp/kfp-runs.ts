/**
 * Pipeline runs on Kubeflow Pipelines behind `IPipelinesBackend`: submit (submit.ts), read runs with their
 * step pods (run-view.ts), act on them (`:terminate`, `:retry`, `:archive`, delete), step logs, and the live
 * list (run-follow.ts). In multi-user mode a workbench namespace is a Kubeflow profile; in single-user mode KFP
 * has one shared space, shown in whichever namespace is open, and its Workflows run in `kubeflow` (env
 * `KFWB_KFP_WORKFLOW_NAMESPACE`).
 */
import { ResourceEvent } from '../../../../contract/live';
import { IArtifactPreview, IRerunRequest, IRun } from '../../../../contract/pipeline';
import {
  BackendError,
  IArtifactFile,
  ICreateRunInput,
  IStepLogOptions,
  ISubscription
} from '../types';
import { IKfpRun } from './api-types';
import { KfpApiError, KfpClient } from './client';
import { IKfpCluster } from './cluster';
import { KfpConnector } from './connection';
import { RunFollower } from './run-follow';
import { describeSource, IRunContext, toRun } from './run-view';
import { IRunPods } from './steps';
import { writeStepLogs } from './step-logs';
import { submitRun } from './submit';

export interface IKfpRunsOptions {
  connector: KfpConnector;
  cluster?: IKfpCluster;
  workflowNamespace?: string;
  /** The KFP UI (its run pages are linked from `IRun.kfp.url`); default env `KF_PIPELINES_UI_ENDPOINT`. */
  uiUrl?: string;
  /** Poll bounds (ms): the first delay after a change, and the longest while nothing changes. */
  pollMs?: { min: number; max: number; watched: number };
}

const DEFAULT_POLL = { min: 1000, max: 15000, watched: 30000 };

export class KfpRuns {
  /** IRs by pipeline version id (a version never changes). */
  private readonly irs = new Map<string, Promise<Record<string, unknown> | undefined>>();
  private readonly experimentNames = new Map<string, string>();
  private readonly experimentLists = new Map<string, Promise<void>>();
  /** What the submission knew that KFP does not keep (the document, for labels), by run id. */
  private readonly submitted = new Map<string, Pick<IRunContext, 'spec' | 'pipelinePath'>>();
  private readonly followers = new Set<RunFollower>();

  constructor(private readonly options: IKfpRunsOptions) {}

  private get uiUrl(): string | undefined {
    return this.options.uiUrl ?? (process.env.KF_PIPELINES_UI_ENDPOINT || undefined);
  }

  get connector(): KfpConnector {
    return this.options.connector;
  }

  get pollMs(): { min: number; max: number; watched: number } {
    return this.options.pollMs ?? DEFAULT_POLL;
  }

  get cluster(): IKfpCluster | undefined {
    return this.options.cluster;
  }

  /** True once KFP answered; false when no KFP is connected (the list is then empty). */
  async connected(): Promise<boolean> {
    return (await this.connector.ready()).state === 'connected';
  }

  /** Runs a KFP call, telling the connector when the identity was refused. */
  async kfp<T>(work: (client: KfpClient) => Promise<T>): Promise<T> {
    const client = await this.connector.client();
    try {
      const result = await work(client);
      this.connector.accepted();
      return result;
    } catch (e) {
      if (e instanceof KfpApiError) {
        this.connector.refused(e);
      }
      throw e;
    }
  }

  private multiUser(): boolean {
    return this.connector.connection().multiUser === true;
  }

  /** Where a namespace's runs have their Workflows and pods. */
  workflowNamespace(namespace: string): string {
    return this.multiUser()
      ? namespace
      : (this.options.workflowNamespace ?? process.env.KFWB_KFP_WORKFLOW_NAMESPACE ?? 'kubeflow');
  }

  async createRun(
    namespace: string,
    input: ICreateRunInput
  ): Promise<{ run: IRun; created: boolean }> {
    const submitted = await this.kfp(client =>
      submitRun(client, {
        ir: input.ir,
        ...(input.platformSpec ? { platformSpec: input.platformSpec } : {}),
        parameters: input.parameters ?? {},
        ...(input.name ? { name: input.name } : {}),
        ...(input.experiment ? { experiment: input.experiment } : {}),
        ...(input.pipelinePath ? { description: describeSource(input.pipelinePath) } : {}),
        namespace,
        multiUser: this.multiUser()
      })
    );
    const runId = submitted.run.run_id!;
    this.experimentNames.set(
      submitted.experiment.experiment_id!,
      submitted.experiment.display_name!
    );
    this.irs.set(submitted.version.pipeline_version_id!, Promise.resolve(input.ir));
    this.submitted.set(runId, {
      ...(input.spec ? { spec: input.spec } : {}),
      ...(input.pipelinePath ? { pipelinePath: input.pipelinePath } : {})
    });
    this.nudge(namespace, runId);
    return { run: await this.view(namespace, submitted.run), created: submitted.created };
  }

  /** The IR a run executes: inline in the run, else its pipeline version's (read once, then cached). */
  private irOf(run: IKfpRun): Promise<Record<string, unknown> | undefined> {
    const inline = run.pipeline_spec;
    if (inline) {
      return Promise.resolve(
        (inline.pipeline_spec as Record<string, unknown> | undefined) ?? inline
      );
    }
    const ref = run.pipeline_version_reference;
    if (!ref?.pipeline_version_id || !ref.pipeline_id) {
      return Promise.resolve(undefined);
    }
    const id = ref.pipeline_version_id;
    // One read per version even when a whole list of its runs asks at once; a failed read is tried again.
    if (!this.irs.has(id)) {
      const read = this.kfp(c => c.version(ref.pipeline_id!, id)).then(version => {
        const spec = version.pipeline_spec;
        return spec ? ((spec.pipeline_spec as Record<string, unknown>) ?? spec) : undefined;
      });
      read.catch(() => this.irs.delete(id));
      this.irs.set(id, read);
    }
    return this.irs.get(id)!;
  }

  private async experimentName(
    namespace: string,
    id: string | undefined
  ): Promise<string | undefined> {
    if (!id) {
      return undefined;
    }
    if (!this.experimentNames.has(id)) {
      // One listing per namespace at a time, however many runs of unknown experiments ask.
      let listing = this.experimentLists.get(namespace);
      if (!listing) {
        listing = this.kfp(c => c.experiments(this.multiUser() ? { namespace } : {})).then(
          experiments => {
            for (const e of experiments) {
              this.experimentNames.set(e.experiment_id ?? '', e.display_name ?? '');
            }
          },
          () => undefined
        );
        this.experimentLists.set(namespace, listing);
        void listing.then(() => this.experimentLists.delete(namespace));
      }
      await listing;
    }
    return this.experimentNames.get(id);
  }

  /** Pods of the namespace's runs, or none when the cluster cannot be read. */
  async pods(namespace: string, runId?: string): Promise<Map<string, IRunPods>> {
    return this.cluster
      ? this.cluster.runPods(this.workflowNamespace(namespace), runId).catch(() => new Map())
      : new Map();
  }

  async view(namespace: string, run: IKfpRun, pods?: IRunPods): Promise<IRun> {
    const runId = run.run_id ?? '';
    const own = pods ?? (await this.pods(namespace, runId)).get(runId);
    return toRun(run, {
      namespace,
      ir: await this.irOf(run).catch(() => undefined),
      experiment: await this.experimentName(namespace, run.experiment_id),
      ...(own ? { pods: own } : {}),
      ...(this.uiUrl ? { uiUrl: this.uiUrl } : {}),
      ...this.submitted.get(runId)
    });
  }

  async list(namespace: string): Promise<{ items: IRun[] }> {
    if (!(await this.connected())) {
      return { items: [] };
    }
    const runs = await this.kfp(c => c.runs(this.multiUser() ? { namespace } : {}));
    const pods = await this.pods(namespace);
    const items = await Promise.all(
      runs.map(run =>
        this.view(namespace, run, pods.get(run.run_id ?? '') ?? { pods: [], events: [] })
      )
    );
    return { items };
  }

  async checkAccess(namespace: string): Promise<void> {
    if (await this.connected()) {
      await this.kfp(c =>
        c.call('list runs', {
          method: 'GET',
          path: '/apis/v2beta1/runs',
          query: { page_size: '1', ...(this.multiUser() ? { namespace } : {}) }
        })
      );
    }
  }

  async get(namespace: string, name: string): Promise<IRun> {
    return this.view(namespace, await this.kfp(c => c.run(name)));
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.kfp(c => c.deleteRun(name));
    await this.cluster?.forget(this.workflowNamespace(namespace), name).catch(() => undefined);
    this.nudge(namespace, name);
  }

  private async act(
    namespace: string,
    name: string,
    action: 'terminate' | 'retry' | 'archive' | 'unarchive'
  ): Promise<IRun> {
    await this.kfp(c => c.runAction(name, action));
    this.nudge(namespace, name);
    return this.get(namespace, name);
  }

  cancel(namespace: string, name: string): Promise<IRun> {
    return this.act(namespace, name, 'terminate');
  }

  retry(namespace: string, name: string): Promise<IRun> {
    return this.act(namespace, name, 'retry');
  }

  archive(namespace: string, name: string, archived: boolean): Promise<IRun> {
    return this.act(namespace, name, archived ? 'archive' : 'unarchive');
  }

  /** A new run of the same pipeline version and parameters (KFP has no partial re-run: `retry` resumes). */
  async rerun(
    namespace: string,
    name: string,
    request: IRerunRequest & { name?: string }
  ): Promise<IRun> {
    if (request.fromTask || request.onlyTask) {
      throw new BackendError(
        'invalid_spec',
        'Kubeflow Pipelines cannot re-run from or only one step; use Retry (it resumes the failed steps) or re-run the whole pipeline.',
        [
          {
            path: request.fromTask ? '/fromTask' : '/onlyTask',
            message: 'not supported for KFP runs'
          }
        ]
      );
    }
    const run = await this.kfp(c => c.run(name));
    const ir = await this.irOf(run);
    if (!ir) {
      throw new BackendError('not_found', `The pipeline of run ${name} cannot be read from KFP.`);
    }
    const experiment = await this.experimentName(namespace, run.experiment_id);
    const again = await this.createRun(namespace, {
      ir,
      parameters: run.runtime_config?.parameters ?? {},
      ...(request.name ? { name: request.name } : {}),
      ...(experiment ? { experiment } : {})
    });
    return again.run;
  }

  async stepLogs(
    namespace: string,
    name: string,
    task: string,
    options: IStepLogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    await writeStepLogs(this, await this.get(namespace, name), task, options, sink);
  }

  async stepOutput(): Promise<IArtifactPreview> {
    throw artifactsElsewhere();
  }

  async stepOutputFile(): Promise<IArtifactFile> {
    throw artifactsElsewhere();
  }

  watch(namespace: string, onEvent: (event: ResourceEvent<IRun>) => void): ISubscription {
    const follower = new RunFollower(this, namespace, onEvent, () =>
      this.followers.delete(follower)
    );
    this.followers.add(follower);
    follower.start();
    return { close: () => follower.close() };
  }

  /** Something changed by our own hand: the namespace's followers read it now instead of at their next poll. */
  nudge(namespace: string, runId?: string): void {
    for (const follower of this.followers) {
      if (follower.namespace === namespace) {
        follower.trigger(runId);
      }
    }
  }

  close(): void {
    for (const follower of [...this.followers]) {
      follower.close();
    }
  }
}

function artifactsElsewhere(): BackendError {
  return new BackendError(
    'not_found',
    "Outputs of Kubeflow Pipelines runs stay in KFP's pipeline root; open them from the KFP UI (artifact previews are for local runs)."
  );
}
