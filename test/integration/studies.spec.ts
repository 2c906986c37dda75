/**
 * Studies on the kubernetes backend against a real kube-apiserver. No Katib controller runs: the test plays
 * it (creates Trials, sets their and the Experiment's status, creates the trial job's pods as the operator
 * would), and the proxy's stream must follow. Pod logs need a kubelet, so live curves are covered by the
 * unit test of the study watch (proxy/test/study-watch.spec.ts) with a client whose followLog replays lines.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceEvent } from '../../contract/live';
import { IStudy, IStudySpec } from '../../contract/study';
import { validateStudySpec } from '../../contract/study-schema';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { INJECTION_LABEL } from '../../proxy/src/backends/kubernetes/studies/preflight';
import { toKatibExperiment } from '../../proxy/src/backends/kubernetes/studies/to-experiment';
import { IBackend, ISubscription } from '../../proxy/src/backends/types';
import { failure } from '../../proxy/test/expect-failure';
import {
  clusterInfo,
  createOperatorPods,
  freshNamespace,
  kubeConfig,
  setStatus
} from '../apiserver/helpers';

const info = clusterInfo();
const adminKc = kubeConfig(info.adminKubeconfig);
const core = adminKc.makeApiClient(k8s.CoreV1Api);
const custom = adminKc.makeApiClient(k8s.CustomObjectsApi);
const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-k8s-studies-'));
const open: IBackend[] = [];
const KATIB = { group: 'kubeflow.org', version: 'v1beta1' };
let ns: string;
let admin: IBackend;

async function connect(kubeconfig = info.adminKubeconfig): Promise<IBackend> {
  const backend = await connectKubernetes({ stateDir, kubeconfig });
  open.push(backend);
  return backend;
}

beforeAll(async () => {
  ns = await freshNamespace(adminKc, 'kb-studies', { katib: true });
  admin = await connect();
});

afterAll(async () => {
  for (const b of open) {
    await b.close();
  }
  rmSync(stateDir, { recursive: true, force: true });
});

const TRIAL_JOB = {
  framework: 'pytorch' as const,
  replicas: { Master: { count: 1 }, Worker: { count: 1 } },
  image: 'python:3.11-slim',
  source: {
    filename: 'train.py',
    content: 'import os\nprint(f"accuracy={float(os.environ[\'LR\'])}")\n'
  },
  args: ['--lr=${trialParameters.lr}']
};

function spec(name: string, patch: Partial<IStudySpec> = {}): IStudySpec {
  const s: IStudySpec = {
    name,
    objective: { metricName: 'accuracy', type: 'maximize', goal: 0.99 },
    parameters: [
      { name: 'lr', parameterType: 'double', min: 0.01, max: 0.05, step: 0.01 },
      { name: 'layers', parameterType: 'int', min: 1, max: 3 },
      { name: 'optimizer', parameterType: 'categorical', list: ['sgd', 'adam'] }
    ],
    algorithm: { name: 'random' },
    maxTrialCount: 6,
    parallelTrialCount: 2,
    maxFailedTrialCount: 2,
    trial: TRIAL_JOB,
    ...patch
  };
  const result = validateStudySpec(s);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.fields));
  }
  return result.value;
}

const ALGORITHMS: Record<string, Partial<IStudySpec>> = {
  random: {},
  tpe: { algorithm: { name: 'tpe', settings: { gamma: '0.25', random_state: '7' } } },
  grid: { algorithm: { name: 'grid' } },
  hyperband: {
    algorithm: { name: 'hyperband', settings: { r_l: '3', resource_name: 'layers', eta: '3' } },
    parallelTrialCount: 3
  },
  'multivariate-tpe': {
    algorithm: { name: 'multivariate-tpe', settings: { n_startup_trials: '3' } },
    earlyStopping: { name: 'medianstop', settings: { min_trials_required: '2', start_step: '2' } }
  }
};

/** Records a study stream and waits for a study view matching a predicate (no polling). */
class Recorder {
  readonly events: ResourceEvent<IStudy>[] = [];
  private readonly waiters: { test: (s: IStudy) => boolean; resolve: (s: IStudy) => void }[] = [];
  subscription?: ISubscription;
  /** The last view of each study, so a wait registered after the event still sees it. */
  private readonly latest = new Map<string, IStudy>();

  constructor(backend: IBackend, namespace: string) {
    this.subscription = backend.studies.watch(namespace, event => {
      this.events.push(event);
      const studies =
        event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
      for (const study of studies) {
        this.latest.set(study.name, study);
        for (const w of [...this.waiters]) {
          if (w.test(study)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(study);
          }
        }
      }
    });
  }

  until(test: (s: IStudy) => boolean, what: string): Promise<IStudy> {
    const seen = [...this.latest.values()].find(test);
    if (seen) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20000);
      this.waiters.push({
        test,
        resolve: s => {
          clearTimeout(timer);
          resolve(s);
        }
      });
    });
  }

  close(): void {
    this.subscription?.close();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function getExperiment(name: string, namespace = ns): Promise<Json> {
  return (await custom.getNamespacedCustomObject({
    ...KATIB,
    plural: 'experiments',
    namespace,
    name
  })) as Json;
}

/** What Katib's experiment controller does for one suggestion: a Trial labelled with its experiment. */
async function createTrial(
  experiment: string,
  trial: string,
  params: Record<string, string>
): Promise<void> {
  await custom.createNamespacedCustomObject({
    ...KATIB,
    plural: 'trials',
    namespace: ns,
    body: {
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'Trial',
      metadata: { name: trial, labels: { 'katib.kubeflow.org/experiment': experiment } },
      spec: {
        parameterAssignments: Object.entries(params).map(([name, value]) => ({ name, value })),
        primaryContainerName: 'pytorch'
      }
    }
  });
}

const condition = (type: string, reason: string, message = '') => ({
  type,
  status: 'True',
  reason,
  message,
  lastTransitionTime: new Date().toISOString()
});

describe('studies on the kubernetes backend', () => {
  test.each(Object.keys(ALGORITHMS))(
    'creates a %s study as the mapper’s Experiment, idempotently',
    async algorithm => {
      const name = `s-${algorithm}`;
      const s = spec(name, ALGORITHMS[algorithm]);
      const first = await admin.studies.create(ns, s);
      expect(first.created).toBe(true);
      expect(first.warnings).toEqual([]);
      expect(first.study).toMatchObject({
        name,
        namespace: ns,
        backend: 'kubernetes',
        phase: 'Created'
      });
      const stored = await getExperiment(name);
      const wanted = toKatibExperiment(s, ns);
      expect(stored.spec).toMatchObject(wanted.spec);
      expect(stored.metadata.annotations).toEqual(wanted.metadata.annotations);
      // Admitted by Katib's own webhooks: the mutating one filled its defaults in.
      expect(stored.spec.parameters[0].feasibleSpace.distribution).toBe('uniform');
      const again = await admin.studies.create(ns, s);
      expect(again.created).toBe(false);
      expect(again.study.name).toBe(name);
    }
  );

  const VARIANTS: Record<string, Partial<IStudySpec>> = {
    tfjob: {
      trial: {
        ...TRIAL_JOB,
        framework: 'tensorflow',
        replicas: { Chief: { count: 1 }, Worker: { count: 2 } }
      }
    },
    mpijob: {
      trial: {
        ...TRIAL_JOB,
        framework: 'mpi',
        replicas: { Launcher: { count: 1 }, Worker: { count: 2 } }
      }
    },
    xgboostjob: {
      trial: {
        ...TRIAL_JOB,
        framework: 'xgboost',
        replicas: { Master: { count: 1 }, Worker: { count: 1 } }
      }
    },
    trainjob: {
      trial: {
        framework: 'trainjob',
        replicas: { Node: { count: 2 } },
        runtimeRef: { name: 'torch-distributed' },
        command: ['python', 'train.py', '--lr=${trialParameters.lr}']
      }
    },
    'custom-format': {
      metricsCollector: { kind: 'StdOut', format: '(\\w+):\\s*([-+]?\\d*\\.?\\d+)' }
    },
    'file-collector': { metricsCollector: { kind: 'File', path: '/var/log/katib/metrics.log' } },
    cmaes: { algorithm: { name: 'cmaes', settings: { sigma: '0.1', restart_strategy: 'ipop' } } },
    bayesianoptimization: {
      algorithm: {
        name: 'bayesianoptimization',
        settings: { base_estimator: 'GP', n_initial_points: '5' }
      }
    }
  };

  test.each(Object.keys(VARIANTS))('Katib admits the %s variant as mapped', async variant => {
    const s = spec(`v-${variant}`, VARIANTS[variant]);
    const { created } = await admin.studies.create(ns, s);
    expect(created).toBe(true);
    const stored = await getExperiment(`v-${variant}`);
    expect(stored.spec.trialTemplate).toMatchObject(
      toKatibExperiment(s, ns).spec.trialTemplate as object
    );
    expect(stored.spec.metricsCollectorSpec).toMatchObject(
      toKatibExperiment(s, ns).spec.metricsCollectorSpec as object
    );
  });

  test('a different spec under an existing name is a conflict, and nothing changes', async () => {
    const error = await failure(admin.studies.create(ns, spec('s-random', { maxTrialCount: 5 })));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('has a different spec');
    expect((await getExperiment('s-random')).spec.maxTrialCount).toBe(6);
  });

  test('pre-flight: a namespace without the collector label is refused and nothing is created', async () => {
    const bare = await freshNamespace(adminKc, 'kb-nolabel');
    const error = await failure(admin.studies.create(bare, spec('lost')));
    expect(error.code).toBe('invalid_spec');
    expect(error.message).toContain(`lacks the label ${INJECTION_LABEL}=enabled`);
    expect(error.fields).toEqual([
      {
        path: '/namespace',
        message: `lacks the label ${INJECTION_LABEL}=enabled that Katib needs to collect metrics`
      }
    ]);
    expect((await admin.studies.list(bare)).items).toEqual([]);
  });

  test('pre-flight warnings: Istio injection (trial pods opt out) and a trial kind Katib does not run by default', async () => {
    const istio = await freshNamespace(adminKc, 'kb-istio', { katib: true });
    await core.patchNamespace(
      { name: istio, body: { metadata: { labels: { 'istio-injection': 'enabled' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    );
    const jax = spec('jax-trials', {
      trial: { ...TRIAL_JOB, framework: 'jax', replicas: { Worker: { count: 2 } } }
    });
    const { created, warnings } = await admin.studies.create(istio, jax);
    expect(created).toBe(true);
    expect(warnings).toEqual([
      expect.stringContaining(
        'has Istio sidecar injection on: trial pods opt out with the annotation'
      ),
      expect.stringContaining("a jax trial needs its kind in katib-config's trialResources")
    ]);
    const stored = await getExperiment('jax-trials', istio);
    const template = stored.spec.trialTemplate.trialSpec.spec.jaxReplicaSpecs.Worker.template;
    expect(template.metadata.annotations['sidecar.istio.io/inject']).toBe('false');
  });

  test('the stream follows trials, a stuck trial pod, metrics and the best trial', async () => {
    const name = 'live';
    await admin.studies.create(ns, spec(name));
    const recorder = new Recorder(admin, ns);
    try {
      await recorder.until(
        s => s.name === name && s.trials.length === 0,
        'the study in the snapshot'
      );
      // Katib creates two trials (parallelTrialCount 2), their jobs start.
      await createTrial(name, `${name}-aaaa1111`, { lr: '0.01', layers: '1', optimizer: 'sgd' });
      await createTrial(name, `${name}-bbbb2222`, { lr: '0.04', layers: '2', optimizer: 'adam' });
      for (const trial of [`${name}-aaaa1111`, `${name}-bbbb2222`]) {
        await setStatus(
          adminKc,
          { ...KATIB, plural: 'trials', namespace: ns, name: trial },
          {
            startTime: new Date().toISOString(),
            conditions: [condition('Created', 'TrialCreated'), condition('Running', 'TrialRunning')]
          }
        );
      }
      await recorder.until(s => s.name === name && s.counts.running === 2, 'two running trials');
      // The second trial's master pod cannot pull its image: the trial is Running, but stuck, and says why.
      await createOperatorPods(adminKc, ns, `${name}-bbbb2222`, 'PyTorchJob', [
        {
          type: 'Master',
          index: 0,
          phase: 'Pending',
          state: {
            waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' }
          }
        }
      ]);
      const stuck = await recorder.until(
        s => s.name === name && s.trials.some(t => t.reason === 'ImagePullBackOff'),
        'the stuck trial'
      );
      const trial = stuck.trials.find(t => t.name === `${name}-bbbb2222`)!;
      expect(trial.phase).toBe('Running');
      expect(trial.message).toBe(`${name}-bbbb2222-master-0: Back-off pulling image "nope:1"`);
      expect(trial.params).toEqual({ lr: '0.04', layers: '2', optimizer: 'adam' });
      // The first trial succeeds with metrics; the second fails; Katib reports the optimum.
      await setStatus(
        adminKc,
        { ...KATIB, plural: 'trials', namespace: ns, name: `${name}-aaaa1111` },
        {
          completionTime: new Date().toISOString(),
          conditions: [condition('Succeeded', 'TrialSucceeded', 'Trial has succeeded')],
          observation: { metrics: [{ name: 'accuracy', min: '0.5', max: '0.91', latest: '0.9' }] }
        }
      );
      await setStatus(
        adminKc,
        { ...KATIB, plural: 'trials', namespace: ns, name: `${name}-bbbb2222` },
        {
          conditions: [condition('Failed', 'TrialFailed', 'Trial has failed: job failed')]
        }
      );
      const settled = await recorder.until(
        s => s.name === name && s.counts.succeeded === 1 && s.counts.failed === 1,
        'one succeeded, one failed'
      );
      const good = settled.trials.find(t => t.name === `${name}-aaaa1111`)!;
      expect(good.objective).toBe(0.91);
      expect(good.metrics.accuracy).toEqual({ latest: 0.9, min: 0.5, max: 0.91 });
      expect(settled.best).toEqual({
        trial: `${name}-aaaa1111`,
        objective: 0.91,
        params: good.params
      });
      const bad = settled.trials.find(t => t.name === `${name}-bbbb2222`)!;
      expect(bad).toMatchObject({
        phase: 'Failed',
        reason: 'TrialFailed',
        message: 'Trial has failed: job failed'
      });
      // A trial whose metric never appeared.
      await createTrial(name, `${name}-cccc3333`, { lr: '0.02', layers: '3', optimizer: 'sgd' });
      await setStatus(
        adminKc,
        { ...KATIB, plural: 'trials', namespace: ns, name: `${name}-cccc3333` },
        {
          conditions: [
            condition('MetricsUnavailable', 'MetricsUnavailable', 'Metrics are not available')
          ],
          observation: {
            metrics: [
              { name: 'accuracy', min: 'unavailable', max: 'unavailable', latest: 'unavailable' }
            ]
          }
        }
      );
      const unavailable = await recorder.until(
        s => s.name === name && s.counts.metricsUnavailable === 1,
        'metrics unavailable'
      );
      expect(unavailable.trials[2]).toMatchObject({ phase: 'MetricsUnavailable', metrics: {} });
      // The experiment ends.
      await setStatus(
        adminKc,
        { ...KATIB, plural: 'experiments', namespace: ns, name },
        {
          conditions: [
            condition(
              'Succeeded',
              'ExperimentGoalReached',
              'Experiment has succeeded because Objective goal has reached'
            )
          ]
        }
      );
      const ended = await recorder.until(
        s => s.name === name && s.phase === 'Succeeded',
        'the experiment succeeded'
      );
      expect(ended.reason).toBe('ExperimentGoalReached');
      // Versions change with every visible change, pods included.
      const versions = recorder.events.flatMap(e =>
        e.type === 'modified' ? [e.object.version] : []
      );
      expect(new Set(versions).size).toBe(versions.length);
    } finally {
      recorder.close();
    }
  });

  test('get and list assemble the same study', async () => {
    const got = await admin.studies.get(ns, 'live');
    const listed = (await admin.studies.list(ns)).items.find(s => s.name === 'live')!;
    expect(got.trials.map(t => t.name)).toEqual(listed.trials.map(t => t.name));
    expect(got.best).toEqual(listed.best);
    expect((await failure(admin.studies.get(ns, 'nope'))).code).toBe('not_found');
  });

  test('edit budget changes only the three fields, with Katib’s rules checked first', async () => {
    const edited = await admin.studies.editBudget(ns, 's-tpe', {
      maxTrialCount: 10,
      parallelTrialCount: 4
    });
    expect(edited.name).toBe('s-tpe');
    const stored = await getExperiment('s-tpe');
    expect(stored.spec.maxTrialCount).toBe(10);
    expect(stored.spec.parallelTrialCount).toBe(4);
    const error = await failure(admin.studies.editBudget(ns, 's-tpe', { parallelTrialCount: 11 }));
    expect(error.fields).toEqual([
      { path: '/parallelTrialCount', message: 'must be at most maxTrialCount (10)' }
    ]);
  });

  test('stop: a finished study is left as it is', async () => {
    const before = await getExperiment('live');
    const study = await admin.studies.stop(ns, 'live');
    expect(study.phase).toBe('Succeeded');
    const after = await getExperiment('live');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  test('stop: Katib refuses a budget at or below the trials created, and the answer says so', async () => {
    const name = 'tostop';
    await admin.studies.create(ns, spec(name));
    await createTrial(name, `${name}-aaaa1111`, { lr: '0.01', layers: '1', optimizer: 'sgd' });
    await createTrial(name, `${name}-bbbb2222`, { lr: '0.02', layers: '2', optimizer: 'adam' });
    // What Katib's controller reports: two trials created, the experiment running.
    await setStatus(
      adminKc,
      { ...KATIB, plural: 'experiments', namespace: ns, name },
      {
        trials: 2,
        trialsRunning: 2,
        conditions: [
          condition('Created', 'ExperimentCreated'),
          condition('Running', 'ExperimentRunning')
        ]
      }
    );
    const error = await failure(admin.studies.stop(ns, name));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(
      "does not let a study's budget go down to the 2 trials it has created"
    );
    expect(error.message).toContain('must be greater than status.trials count');
    const stored = await getExperiment(name);
    expect(stored.spec.maxTrialCount).toBe(6);
    // Raising the budget above what ran is what Katib allows.
    await admin.studies.editBudget(ns, name, { maxTrialCount: 8 });
    expect((await getExperiment(name)).spec.maxTrialCount).toBe(8);
    const low = await failure(admin.studies.editBudget(ns, name, { maxTrialCount: 2 }));
    expect(low.fields).toEqual([
      {
        path: '/maxTrialCount',
        message: "must be more than the 2 trials already created (Katib's rule)"
      }
    ]);
  });

  test('delete removes the Experiment', async () => {
    await admin.studies.delete(ns, 's-grid');
    const names = (await admin.studies.list(ns)).items.map(s => s.name);
    expect(names).not.toContain('s-grid');
    expect((await failure(admin.studies.delete(ns, 's-grid'))).code).toBe('not_found');
  });

  test('alice is denied outside team-a and works in team-a', async () => {
    const alice = await connect(info.aliceKubeconfig);
    expect((await failure(alice.studies.list(ns))).code).toBe('forbidden');
    expect((await failure(alice.studies.checkAccess(ns))).code).toBe('forbidden');
    const created = await failure(alice.studies.create(ns, spec('not-hers')));
    expect(created.code).toBe('forbidden');
    await expect(alice.studies.checkAccess('team-a')).resolves.toBeUndefined();
    // team-a carries Katib's collector label, as Kubeflow profiles do (the harness labels it). alice may not
    // read namespaces, so the proxy cannot check the label itself: the study is created with a warning saying so.
    // (An unlabelled namespace is refused by Katib's webhook: the pre-flight tests above.)
    const mine = await alice.studies.create('team-a', spec('alice-study'));
    expect(mine.created).toBe(true);
    expect(mine.warnings[0]).toContain('Could not read namespace "team-a"');
    expect((await alice.studies.list('team-a')).items.map(s => s.name)).toContain('alice-study');
    await alice.studies.delete('team-a', 'alice-study');
  });
});
