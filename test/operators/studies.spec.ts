/**
 * A study's trial job against the real Training Operator v1.9.4 (and kwok running its pods): the test plays
 * Katib's trial controller exactly — it substitutes `${trialParameters.X}` in the Experiment's trialSpec
 * text, names the job after the trial and creates it — so the operator's webhook admits the very object our
 * mapper templated, its pods carry the parameters as env, and the success condition our mapper wrote for the
 * kind is what the operator reports. The study stream follows through the proxy's kubernetes backend.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routes } from '../../contract/routes';
import { IStudy, IStudySpec } from '../../contract/study';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { IBackend } from '../../proxy/src/backends/types';
import { clusterInfo, freshNamespace, kubeConfig, setStatus } from '../apiserver/helpers';
import { IProxy, startProxy } from './proxy-client';

const info = clusterInfo('operators');
const admin = kubeConfig(info.adminKubeconfig);
const core = admin.makeApiClient(k8s.CoreV1Api);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
const KATIB = { group: 'kubeflow.org', version: 'v1beta1' };
let proxy: IProxy;
let backend: IBackend;
let ns: string;

beforeAll(async () => {
  proxy = await startProxy(info.adminKubeconfig);
  backend = await connectKubernetes({
    stateDir: mkdtempSync(join(tmpdir(), 'kfwb-operator-studies-')),
    kubeconfig: info.adminKubeconfig
  });
  ns = await freshNamespace(admin, 'op-study', { katib: true });
});
afterAll(async () => {
  await backend?.close();
  await proxy?.close();
});

const SPEC: IStudySpec = {
  name: 'op-tune',
  objective: { metricName: 'accuracy', type: 'maximize' },
  parameters: [
    { name: 'lr', parameterType: 'double', min: 0.01, max: 0.1 },
    { name: 'num-layers', parameterType: 'int', min: 1, max: 4 }
  ],
  algorithm: { name: 'random' },
  maxTrialCount: 4,
  parallelTrialCount: 2,
  trial: {
    framework: 'pytorch',
    replicas: { Master: { count: 1 }, Worker: { count: 1 } },
    image: 'python:3.11-slim',
    source: {
      filename: 'train.py',
      content: 'import os\nprint(f"accuracy={os.environ[\'LR\']}")\n'
    },
    args: ['--lr=${trialParameters.lr}', '--layers=${trialParameters.num-layers}']
  }
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Katib's trial controller: the trialSpec text with every `${trialParameters.X}` replaced, named after the trial. */
function trialJob(experiment: Json, trial: string, params: Record<string, string>): Json {
  let text = JSON.stringify(experiment.spec.trialTemplate.trialSpec);
  for (const p of experiment.spec.trialTemplate.trialParameters as {
    name: string;
    reference: string;
  }[]) {
    text = text.split(`\${trialParameters.${p.name}}`).join(params[p.reference]);
  }
  const job = JSON.parse(text);
  job.metadata = { ...job.metadata, name: trial, namespace: ns };
  return job;
}

function untilStudy(test: (s: IStudy) => boolean, what: string): Promise<IStudy> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.close();
      reject(new Error(`timed out waiting for ${what}`));
    }, 60_000);
    const sub = backend.studies.watch(ns, event => {
      const items =
        event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
      const found = items.find(s => s.name === SPEC.name && test(s));
      if (found) {
        clearTimeout(timer);
        setImmediate(() => sub.close());
        resolve(found);
      }
    });
  });
}

test('a trial job from the study template is admitted and run by the real operator, parameters as env', async () => {
  const res = await proxy.request('POST', routes.studies(ns), SPEC);
  expect(res.status).toBe(201);
  expect(res.body.created).toBe(true);
  const experiment = (await custom.getNamespacedCustomObject({
    ...KATIB,
    plural: 'experiments',
    namespace: ns,
    name: SPEC.name!
  })) as Json;

  const trial = 'op-tune-x7k2p9q4';
  const params = { lr: '0.03', 'num-layers': '2' };
  await custom.createNamespacedCustomObject({
    ...KATIB,
    plural: 'trials',
    namespace: ns,
    body: {
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'Trial',
      metadata: { name: trial, labels: { 'katib.kubeflow.org/experiment': SPEC.name } },
      spec: {
        parameterAssignments: Object.entries(params).map(([name, value]) => ({ name, value }))
      }
    }
  });
  await setStatus(
    admin,
    { ...KATIB, plural: 'trials', namespace: ns, name: trial },
    {
      conditions: [{ type: 'Running', status: 'True', reason: 'TrialRunning' }]
    }
  );
  // The operator's validating webhook admits the templated job.
  await custom.createNamespacedCustomObject({
    group: 'kubeflow.org',
    version: 'v1',
    plural: 'pytorchjobs',
    namespace: ns,
    body: trialJob(experiment, trial, params)
  });

  const running = await untilStudy(s => s.trials[0]?.phase === 'Running', 'the trial running');
  expect(running.trials[0].params).toEqual(params);

  // The operator's pods: the parameters arrive as env and in the arguments; the source travels in env.
  const pods = await new Promise<k8s.V1Pod[]>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const look = async () => {
      const list = await core.listNamespacedPod({
        namespace: ns,
        labelSelector: `training.kubeflow.org/job-name=${trial}`
      });
      if (list.items.length === 2) {
        resolve(list.items.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)));
      } else if (Date.now() > deadline) {
        reject(new Error('the operator made no pods'));
      } else {
        setTimeout(() => void look(), 200);
      }
    };
    void look();
  });
  const env = Object.fromEntries(
    (pods[0].spec!.containers[0].env ?? []).map(e => [e.name, e.value])
  );
  expect(env).toMatchObject({ LR: '0.03', NUM_LAYERS: '2', RANK: '0', WORLD_SIZE: '2' });
  expect(env.KFWB_SOURCE).toContain('accuracy=');
  expect(pods[0].spec!.containers[0].command!.join(' ')).toContain("'--lr=0.03' '--layers=2'");
  expect(pods[0].metadata!.labels!['training.kubeflow.org/job-role']).toBe('master');
  expect(pods[0].metadata!.annotations!['sidecar.istio.io/inject']).toBe('false');

  // kwok finishes the pods; the operator reports what our successCondition reads.
  const condition = experiment.spec.trialTemplate.successCondition as string;
  expect(condition).toBe('status.conditions.#(type=="Succeeded")#|#(status=="True")#');
  const done = await new Promise<Json>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const look = async () => {
      const job = (await custom.getNamespacedCustomObject({
        group: 'kubeflow.org',
        version: 'v1',
        plural: 'pytorchjobs',
        namespace: ns,
        name: trial
      })) as Json;
      const ok = (job.status?.conditions ?? []).some(
        (c: Json) => c.type === 'Succeeded' && c.status === 'True'
      );
      if (ok) {
        resolve(job);
      } else if (Date.now() > deadline) {
        reject(new Error('the job did not succeed'));
      } else {
        setTimeout(() => void look(), 200);
      }
    };
    void look();
  });
  expect(done.metadata.name).toBe(trial);
  // Katib would now mark the trial Succeeded with the collected metric.
  await setStatus(
    admin,
    { ...KATIB, plural: 'trials', namespace: ns, name: trial },
    {
      conditions: [
        { type: 'Running', status: 'False', reason: 'TrialRunning' },
        { type: 'Succeeded', status: 'True', reason: 'TrialSucceeded' }
      ],
      observation: { metrics: [{ name: 'accuracy', min: '0.03', max: '0.03', latest: '0.03' }] }
    }
  );
  const best = await untilStudy(s => s.best !== undefined, 'the best trial');
  expect(best.best).toEqual({ trial, objective: 0.03, params });
});
