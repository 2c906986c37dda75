/**
 * Studies on a cluster: Katib v1beta1 Experiments made from a StudySpec. Create is idempotent (an equal spec
 * under an existing name answers that Experiment), bad specs never reach the cluster (routes validate), and
 * what Katib's own webhook refuses comes back with its words.
 */
import { isDeepStrictEqual } from 'node:util';
import { ResourceEvent } from '../../../../../contract/live';
import { IStudy, IStudyBudget, IStudyCreated, IStudySpec } from '../../../../../contract/study';
import { BackendError, ILogOptions, IStudiesBackend, ISubscription } from '../../types';
import { IKubeClient, resourcePath } from '../client';
import { isNotFound, PROPAGATION } from '../find-job';
import { LogStore } from '../log-store';
import { writeJobLogs } from '../logs';
import { IPod } from '../pods';
import { IKubeObject } from '../watch-reducer';
import { INJECTION_LABEL, preflight } from './preflight';
import {
  EXPERIMENT_LABEL,
  IExperimentLike,
  STOPPED_ANNOTATION,
  studyFromObjects
} from './study-from-objects';
import { assembleStudies, trialOfPod, watchStudies } from './study-watch';
import { EXPERIMENTS, STUDY_SPEC_ANNOTATION, toKatibExperiment, TRIALS } from './to-experiment';

const PODS = { group: '', version: 'v1', plural: 'pods' };
const MERGE_PATCH = 'application/merge-patch+json';

interface IList {
  items?: IKubeObject[];
  metadata?: { resourceVersion?: string };
}

const noStudy = (namespace: string, name: string) =>
  new BackendError('not_found', `No study "${name}" in namespace "${namespace}".`);

export class KubernetesStudies implements IStudiesBackend {
  private readonly subscriptions = new Set<ISubscription>();

  constructor(
    private readonly client: IKubeClient,
    private readonly store: LogStore
  ) {}

  private async experiment(namespace: string, name: string): Promise<IExperimentLike> {
    try {
      return await this.client.request<IExperimentLike>(
        'GET',
        resourcePath(EXPERIMENTS, namespace, name)
      );
    } catch (e) {
      throw isNotFound(e) ? noStudy(namespace, name) : e;
    }
  }

  /** Pods of a namespace's trials (Katib's trial label, or the trial job's name label); [] when forbidden. */
  private async trialPods(namespace: string, selector: string): Promise<IPod[]> {
    return this.client
      .request<IList>('GET', resourcePath(PODS, namespace), { query: { labelSelector: selector } })
      .then(list => (list.items ?? []) as IPod[])
      .catch(e => {
        if (e instanceof BackendError && e.code === 'forbidden') {
          return [];
        }
        throw e;
      });
  }

  private async assembleOne(experiment: IExperimentLike): Promise<IStudy> {
    const namespace = experiment.metadata?.namespace ?? '';
    const name = experiment.metadata?.name ?? '';
    const trials = await this.client.request<IList>('GET', resourcePath(TRIALS, namespace), {
      query: { labelSelector: `${EXPERIMENT_LABEL}=${name}` }
    });
    const names = new Set((trials.items ?? []).map(t => t.metadata?.name));
    const pods = (await this.trialPods(namespace, 'katib.kubeflow.org/trial')).concat(
      await this.trialPods(namespace, 'training.kubeflow.org/job-name')
    );
    const byTrial = new Map<string, IPod[]>();
    const seen = new Set<string>();
    for (const pod of pods) {
      const trial = trialOfPod(pod);
      const uid = pod.metadata?.uid ?? pod.metadata?.name ?? '';
      if (trial && names.has(trial) && !seen.has(uid)) {
        seen.add(uid);
        byTrial.set(trial, [...(byTrial.get(trial) ?? []), pod]);
      }
    }
    return studyFromObjects(experiment, trials.items ?? [], byTrial);
  }

  async create(namespace: string, spec: IStudySpec): Promise<IStudyCreated> {
    const object = toKatibExperiment(spec, namespace);
    const name = object.metadata.name;
    const existing = await this.experiment(namespace, name).catch(e => {
      if (e instanceof BackendError && (e.code === 'not_found' || e.code === 'forbidden')) {
        return undefined;
      }
      throw e;
    });
    if (existing) {
      return {
        study: await this.adopt(
          namespace,
          object.metadata.annotations[STUDY_SPEC_ANNOTATION],
          existing
        ),
        created: false,
        warnings: []
      };
    }
    const warnings = await preflight(this.client, namespace, spec);
    let created: IExperimentLike;
    try {
      created = await this.client.request<IExperimentLike>(
        'POST',
        resourcePath(EXPERIMENTS, namespace),
        {
          body: object
        }
      );
    } catch (e) {
      const raced =
        e instanceof BackendError && e.code === 'conflict'
          ? await this.experiment(namespace, name).catch(() => undefined)
          : undefined;
      if (raced) {
        return {
          study: await this.adopt(
            namespace,
            object.metadata.annotations[STUDY_SPEC_ANNOTATION],
            raced
          ),
          created: false,
          warnings: []
        };
      }
      if (e instanceof BackendError && e.code === 'not_found') {
        throw new BackendError(
          'backend',
          `Katib is not installed on this cluster (no experiments.kubeflow.org): ${e.message}`
        );
      }
      // Katib's own webhook checks the collector label too (when we could not read the namespace).
      if (
        e instanceof BackendError &&
        e.code === 'invalid_spec' &&
        e.message.includes(INJECTION_LABEL)
      ) {
        throw new BackendError(e.code, e.message, [
          {
            path: '/namespace',
            message: `lacks the label ${INJECTION_LABEL}=enabled that Katib needs to collect metrics`
          }
        ]);
      }
      throw e;
    }
    return { study: studyFromObjects(created, [], new Map()), created: true, warnings };
  }

  /** An existing Experiment answers a create only when the workbench made it from an equal spec. */
  private async adopt(
    namespace: string,
    wantedSpec: string,
    existing: IExperimentLike
  ): Promise<IStudy> {
    const name = existing.metadata?.name ?? '';
    const existingSpec = existing.metadata?.annotations?.[STUDY_SPEC_ANNOTATION];
    if (!existingSpec || !isDeepStrictEqual(JSON.parse(existingSpec), JSON.parse(wantedSpec))) {
      const why = !existingSpec ? 'was not created by the workbench' : 'has a different spec';
      throw new BackendError(
        'conflict',
        `An Experiment named "${name}" already exists in namespace "${namespace}" and ${why}. ` +
          'Choose another name or delete that study first.'
      );
    }
    return this.assembleOne(existing);
  }

  async list(namespace: string): Promise<{ items: IStudy[]; resourceVersion?: string }> {
    const [experiments, trials, ...pods] = await Promise.all([
      this.client.request<IList>('GET', resourcePath(EXPERIMENTS, namespace)).catch(e => {
        if (isNotFound(e)) {
          return { items: [] } as IList;
        }
        throw e;
      }),
      this.client.request<IList>('GET', resourcePath(TRIALS, namespace)).catch(e => {
        if (isNotFound(e)) {
          return { items: [] } as IList;
        }
        throw e;
      }),
      this.trialPods(namespace, 'katib.kubeflow.org/trial'),
      this.trialPods(namespace, 'training.kubeflow.org/job-name')
    ]);
    const unique = new Map(pods.flat().map(p => [p.metadata?.uid ?? p.metadata?.name, p]));
    return {
      items: assembleStudies(
        experiments.items ?? [],
        trials.items ?? [],
        [...unique.values()],
        new Map()
      ),
      resourceVersion: experiments.metadata?.resourceVersion
    };
  }

  async checkAccess(namespace: string): Promise<void> {
    await this.client
      .request('GET', resourcePath(EXPERIMENTS, namespace), { query: { limit: 1 } })
      .catch(e => {
        // No Katib on the cluster: an empty, live list (the stream says nothing until it is installed).
        if (!isNotFound(e)) {
          throw e;
        }
      });
  }

  async get(namespace: string, name: string): Promise<IStudy> {
    return this.assembleOne(await this.experiment(namespace, name));
  }

  async delete(namespace: string, name: string): Promise<void> {
    const experiment = await this.experiment(namespace, name);
    const trials = await this.client
      .request<IList>('GET', resourcePath(TRIALS, namespace), {
        query: { labelSelector: `${EXPERIMENT_LABEL}=${name}` }
      })
      .catch(() => ({ items: [] }) as IList);
    await this.client.request('DELETE', resourcePath(EXPERIMENTS, namespace, name), {
      query: PROPAGATION
    });
    // Trials are owned by the Experiment (Katib's garbage collection removes them and their jobs on a full
    // cluster); their kept logs are ours to remove.
    for (const trial of trials.items ?? []) {
      await this.store.remove(namespace, trial.metadata?.name ?? '');
    }
    void experiment;
  }

  async stop(namespace: string, name: string): Promise<IStudy> {
    const experiment = await this.experiment(namespace, name);
    const study = await this.assembleOne(experiment);
    if (['Succeeded', 'Failed', 'Stopped'].includes(study.phase)) {
      // Nothing left to stop (and Katib refuses budget edits of a completed Experiment that cannot resume).
      return study;
    }
    const started = Math.max(study.trials.length, experiment.status?.trials ?? 0, 1);
    const parallel = Math.min(experiment.spec?.parallelTrialCount ?? 3, started);
    const maxFailed = Math.min(experiment.spec?.maxFailedTrialCount ?? started, started);
    const patch = {
      metadata: { annotations: { [STOPPED_ANNOTATION]: new Date().toISOString() } },
      spec: {
        maxTrialCount: started,
        parallelTrialCount: parallel,
        ...(experiment.spec?.maxFailedTrialCount !== undefined
          ? { maxFailedTrialCount: maxFailed }
          : {})
      }
    };
    try {
      return await this.patch(namespace, name, patch);
    } catch (e) {
      // Katib's webhook refuses any budget edit with maxTrialCount ≤ status.trials, which is what a stop is.
      if (
        e instanceof BackendError &&
        e.code === 'invalid_spec' &&
        /status\.trials/.test(e.message)
      ) {
        throw new BackendError(
          'conflict',
          `Katib on this cluster does not let a study's budget go down to the ${started} trials it has ` +
            `created, so "${name}" cannot be stopped in place (Katib: ${e.message}). Delete the study to end ` +
            'its trials, or let it run to its budget.'
        );
      }
      throw e;
    }
  }

  async editBudget(namespace: string, name: string, budget: IStudyBudget): Promise<IStudy> {
    const experiment = await this.experiment(namespace, name);
    const max = budget.maxTrialCount ?? experiment.spec?.maxTrialCount ?? 0;
    const parallel = budget.parallelTrialCount ?? experiment.spec?.parallelTrialCount ?? 3;
    const failed = budget.maxFailedTrialCount ?? experiment.spec?.maxFailedTrialCount;
    const fields = [];
    if (parallel > max) {
      fields.push({
        path: '/parallelTrialCount',
        message: `must be at most maxTrialCount (${max})`
      });
    }
    if (failed !== undefined && failed > max) {
      fields.push({
        path: '/maxFailedTrialCount',
        message: `must be at most maxTrialCount (${max})`
      });
    }
    const ran = experiment.status?.trials ?? 0;
    if (budget.maxTrialCount !== undefined && budget.maxTrialCount <= ran) {
      fields.push({
        path: '/maxTrialCount',
        message: `must be more than the ${ran} trials already created (Katib's rule)`
      });
    }
    if (fields.length > 0) {
      throw new BackendError('invalid_spec', 'The budget is invalid.', fields);
    }
    return this.patch(namespace, name, { spec: budget });
  }

  private async patch(namespace: string, name: string, body: unknown): Promise<IStudy> {
    const patched = await this.client.request<IExperimentLike>(
      'PATCH',
      resourcePath(EXPERIMENTS, namespace, name),
      { body, contentType: MERGE_PATCH }
    );
    return this.assembleOne(patched);
  }

  trialLogs(
    namespace: string,
    _name: string,
    trial: string,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void> {
    // A trial's job carries the trial's name, so its logs (and the kept copies) are the job's.
    return writeJobLogs(this.client, this.store, namespace, trial, options, sink);
  }

  watch(namespace: string, onEvent: (event: ResourceEvent<IStudy>) => void): ISubscription {
    const watch = watchStudies(this.client, namespace, onEvent, this.store);
    const subscription = {
      close: () => {
        this.subscriptions.delete(subscription);
        watch.close();
      }
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  close(): void {
    for (const subscription of [...this.subscriptions]) {
      subscription.close();
    }
  }
}
