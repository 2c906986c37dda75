/**
 * Pipelines on Kubeflow, end to end: the real proxy app (its HTTP routes) on the kubernetes backend finds the
 * KFP stand-in (test/kfp/standin/) through the real kube-apiserver's service proxy (a Service with manual
 * Endpoints at this machine's non-loopback address: the apiserver refuses to proxy to loopback), submits the
 * editor's demo pipeline, and follows the runs while the test plays Argo (Workflow status) and the kubelet
 * (step pods, their logs through a stand-in kubelet). Multi-user: the userid header names alice, who is a
 * contributor of one profile only.
 */
import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IKfpConnection } from '../../contract/kfp';
import { IPipelineSpec, IRun } from '../../contract/pipeline';
import { routes } from '../../contract/routes';
import { bindPod, FakeKubelet, registerNode } from '../apiserver/fake-kubelet';
import { clusterInfo, freshNamespace, kubeConfig } from '../apiserver/helpers';
import {
  advanceRun,
  createStepPod,
  exposeAsService,
  findWorkflow,
  grantKfpAccess,
  IKfpStandin,
  kfpPython,
  nonLoopbackAddress,
  putObject,
  serviceAccountToken,
  startKfpStandin,
  stepPodName,
  waitForRunState
} from '../kfp/standin';
import { IProxy, REPO, startProxy } from './kfp-proxy';

const info = clusterInfo();
const admin = kubeConfig(info.adminKubeconfig);
const core = admin.makeApiClient(k8s.CoreV1Api);
const ALICE = 'alice@example.com';
const DEMO_PATH = 'examples/pipelines/demo.kfpipeline';
const DEMO = JSON.parse(readFileSync(join(REPO, DEMO_PATH), 'utf8')) as IPipelineSpec;

let kfp: IKfpStandin;
let proxy: IProxy;
let profile: string;
let elsewhere: string;
let proxyService: string;
const kubelet = new FakeKubelet();
const node = `kfp-node-${Date.now().toString(36)}`;

/** What the stand-in holds, asked as alice (straight, not through the proxy). */
async function kfpList(path: string, field: string): Promise<unknown[]> {
  const res = await fetch(`${kfp.url}/apis/v2beta1${path}`, {
    headers: { 'kubeflow-userid': ALICE }
  });
  return ((await res.json()) as Record<string, unknown[]>)[field] ?? [];
}

const submit = (name: string, extra: Record<string, unknown> = {}) =>
  proxy.request('POST', routes.runs(profile), {
    spec: DEMO,
    path: DEMO_PATH,
    backend: 'kfp',
    experiment: 'workbench-it',
    name,
    parameters: { rows: 5 },
    ...extra
  });

const ALL_TASKS = ['generate', 'stats', 'train', 'report'];
const stepsIn = (phase: 'Running' | 'Succeeded' | 'Failed', tasks = ALL_TASKS) =>
  tasks.map(task => ({ task, phase }));

beforeAll(async () => {
  kfp = await startKfpStandin({
    kubeconfig: info.adminKubeconfig,
    multiUser: true,
    host: nonLoopbackAddress()
  });
  const serviceNamespace = await freshNamespace(admin, 'kfp-svc');
  await exposeAsService(admin, kfp, { namespace: serviceNamespace });
  profile = await freshNamespace(admin, 'kfp-team');
  elsewhere = await freshNamespace(admin, 'kfp-other');
  await grantKfpAccess(admin, profile, ALICE);
  await kubelet.start(mkdtempSync(join(tmpdir(), 'kfwb-kfp-kubelet-')));
  await registerNode(admin, node, kubelet);
  proxyService = `${serviceNamespace}/ml-pipeline:8888`;
  proxy = await startProxy(info.adminKubeconfig, {
    service: proxyService,
    inCluster: null,
    auth: { userid: ALICE, tokenPath: '/nonexistent/token' }
  });
});

afterAll(async () => {
  await proxy?.close();
  kubelet.close();
  await kfp?.stop();
});

test('finds KFP through the apiserver service proxy and says so', async () => {
  const { status, body } = await proxy.request('GET', routes.kfp());
  expect(status).toBe(200);
  expect(body as IKfpConnection).toMatchObject({
    state: 'connected',
    via: 'service-proxy',
    auth: 'userid-header',
    identity: ALICE,
    multiUser: true,
    endpoint: expect.stringContaining('/services/ml-pipeline:8888/proxy')
  });
  expect(body.message).toContain('service proxy');
});

test('submits the editor pipeline; a retry of the same request duplicates nothing', async () => {
  const first = await submit('demo-once');
  expect(first.status).toBe(201);
  const run = first.body as IRun;
  expect(run).toMatchObject({
    backend: 'kfp',
    displayName: 'demo-once',
    pipelineName: 'demo-pipeline',
    pipelinePath: DEMO_PATH,
    kfp: { experiment: 'workbench-it', runId: run.name }
  });
  expect(run.steps.map(s => s.task).sort()).toEqual([...ALL_TASKS].sort());
  const again = await submit('demo-once');
  expect(again.status).toBe(200);
  expect(again.body.name).toBe(run.name);
  const pipelines = await kfpList(`/pipelines?namespace=${profile}`, 'pipelines');
  expect(pipelines).toHaveLength(1);
  const pipelineId = (pipelines[0] as { pipeline_id: string }).pipeline_id;
  expect(await kfpList(`/pipelines/${pipelineId}/versions`, 'pipeline_versions')).toHaveLength(1);
  const experiments = await kfpList(`/experiments?namespace=${profile}`, 'experiments');
  expect(experiments).toHaveLength(1);
  const experimentId = (experiments[0] as { experiment_id: string }).experiment_id;
  expect(await kfpList(`/runs?experiment_id=${experimentId}`, 'runs')).toHaveLength(1);
  // The run made a real Workflow in the profile.
  expect((await findWorkflow(admin, run.name)).metadata.namespace).toBe(profile);
  // Where it came from is in KFP itself (its description), so a restarted proxy still knows it.
  const fresh = await startProxy(info.adminKubeconfig, {
    service: proxyService,
    inCluster: null,
    auth: { userid: ALICE, tokenPath: '/nonexistent/token' }
  });
  try {
    expect((await fresh.request('GET', routes.run(profile, run.name))).body.pipelinePath).toBe(
      DEMO_PATH
    );
  } finally {
    await fresh.close();
  }
});

test('refuses what KFP would refuse, before uploading, with field paths', async () => {
  const { status, body } = await submit('demo-bad', { parameters: { rows: 'many', nope: 1 } });
  expect(status).toBe(400);
  expect(body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
    '/parameters/nope',
    '/parameters/rows'
  ]);
});

test('the run follows its Workflow over the live stream: Running, then Succeeded; another Failed', async () => {
  const stream = proxy.runs(profile);
  const ok = (await submit('demo-ok')).body as IRun;
  const bad = (await submit('demo-fail')).body as IRun;
  await stream.run(ok.name, r => r.phase === 'Pending', 'first Pending state');
  await advanceRun(admin, ok.name, 'Running', stepsIn('Running', ['generate']));
  const running = await stream.run(
    ok.name,
    r => r.phase === 'Running' && r.steps[0].phase === 'Running',
    'Running'
  );
  expect(running.steps.find(s => s.task === 'stats')?.phase).toBe('Pending');
  await advanceRun(admin, ok.name, 'Succeeded', stepsIn('Succeeded'));
  const done = await stream.run(ok.name, r => r.phase === 'Succeeded', 'Succeeded');
  expect(done.steps.every(s => s.phase === 'Succeeded')).toBe(true);
  expect(done.finished).toBeDefined();

  await advanceRun(
    admin,
    bad.name,
    'Failed',
    [...stepsIn('Succeeded', ['generate', 'stats']), { task: 'train', phase: 'Failed' }],
    {
      message: 'child train failed'
    }
  );
  const failed = await stream.run(bad.name, r => r.phase === 'Failed', 'Failed');
  expect(failed.steps.find(s => s.task === 'train')?.phase).toBe('Failed');
  expect(failed.steps.find(s => s.task === 'report')).toMatchObject({
    phase: 'Skipped',
    reason: 'UpstreamFailed'
  });
  // Pushed by the Workflow and pod watch, not polled, and the connection says so.
  const { body } = await proxy.request('GET', routes.kfp());
  expect(body.message).toContain(`Run updates: watching Workflows and pods in ${profile}.`);
  stream.close();
});

test('a step pod stuck in ImagePullBackOff shows the reason on the step', async () => {
  const stream = proxy.runs(profile);
  const run = (await submit('demo-stuck')).body as IRun;
  const wf = await advanceRun(admin, run.name, 'Running', stepsIn('Running', ['generate']));
  const podName = stepPodName(wf.metadata.name, 'generate');
  // The kubelet's event about the pull, as it writes it (the pod's own status follows).
  await core.createNamespacedEvent({
    namespace: profile,
    body: {
      metadata: { name: `${podName}.pull` },
      involvedObject: { kind: 'Pod', name: podName, namespace: profile },
      type: 'Warning',
      reason: 'Failed',
      message: 'Failed to pull image "registry.invalid/nope:1": not found',
      lastTimestamp: new Date(),
      count: 3
    }
  });
  await createStepPod(admin, wf, {
    task: 'generate',
    phase: 'Pending',
    image: 'registry.invalid/nope:1',
    state: {
      waiting: {
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "registry.invalid/nope:1"'
      }
    }
  });
  const stuck = await stream.run(
    run.name,
    r => r.steps[0].reason === 'ImagePullBackOff',
    'ImagePullBackOff'
  );
  expect(stuck.steps[0]).toMatchObject({
    task: 'generate',
    pod: podName,
    message: 'Back-off pulling image "registry.invalid/nope:1"',
    events: [
      expect.objectContaining({
        type: 'Warning',
        reason: 'Failed',
        object: `pod/${podName}`,
        count: 3
      })
    ]
  });
  stream.close();
});

test('step logs come from the pod, are kept after it is deleted, and a step without any says why', async () => {
  const run = (await submit('demo-logs')).body as IRun;
  const wf = await advanceRun(admin, run.name, 'Running', stepsIn('Running', ['generate']));
  const pod = await createStepPod(admin, wf, {
    task: 'generate',
    phase: 'Running',
    state: { running: { startedAt: new Date() } }
  });
  await bindPod(admin, profile, pod.metadata!.name!, node);
  kubelet.print(pod.metadata!.name!, '2026-11-30T08:00:01.000000001Z generating 5 rows');
  kubelet.print(pod.metadata!.name!, '2026-11-30T08:00:02Z wrote data.csv');
  const logs = routes.runStepLogs(profile, run.name, 'generate');
  const live = await proxy.request('GET', logs);
  expect(live.text).toBe('generating 5 rows\nwrote data.csv\n');
  await core.deleteNamespacedPod({
    namespace: profile,
    name: pod.metadata!.name!,
    gracePeriodSeconds: 0
  });
  const kept = await proxy.request('GET', logs);
  expect(kept.text).toBe('generating 5 rows\nwrote data.csv\n');
  // Another step whose pod came and went unread: nothing kept, no executor-logs artifact in this KFP.
  await advanceRun(admin, run.name, 'Running', [
    ...stepsIn('Succeeded', ['generate']),
    ...stepsIn('Running', ['stats'])
  ]);
  const statsPod = await createStepPod(admin, wf, { task: 'stats', phase: 'Running' });
  await core.deleteNamespacedPod({
    namespace: profile,
    name: statsPod.metadata!.name!,
    gracePeriodSeconds: 0
  });
  const none = await proxy.request('GET', routes.runStepLogs(profile, run.name, 'stats'));
  expect(none.text).toContain('[workbench] No log for step stats');
  expect(none.text).toContain('gone and none of its log was kept');
  const notYet = await proxy.request('GET', routes.runStepLogs(profile, run.name, 'report'));
  expect(notYet.text).toContain('has not started yet');
});

test('cancel, retry, archive and delete act on the KFP run', async () => {
  const run = (await submit('demo-actions')).body as IRun;
  await advanceRun(admin, run.name, 'Running', stepsIn('Running', ['generate']));
  await waitForRunState(kfp.url, run.name, 'RUNNING', { 'kubeflow-userid': ALICE });
  const cancelled = await proxy.request('POST', routes.runCancel(profile, run.name));
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.phase).toBe('Cancelling');
  expect((await findWorkflow(admin, run.name)).spec.activeDeadlineSeconds).toBe(0);

  await advanceRun(admin, run.name, 'Failed', [
    ...stepsIn('Succeeded', ['generate']),
    { task: 'stats', phase: 'Failed' }
  ]);
  await waitForRunState(kfp.url, run.name, 'FAILED', { 'kubeflow-userid': ALICE });
  const retried = await proxy.request('POST', routes.runRetry(profile, run.name));
  expect(retried.status).toBe(200);
  expect(retried.body.name).toBe(run.name);
  expect((await findWorkflow(admin, run.name)).status?.phase).toBe('Running');

  const archived = await proxy.request('POST', routes.runArchive(profile, run.name));
  expect(archived.body.kfp.storageState).toBe('ARCHIVED');
  const restored = await proxy.request('DELETE', routes.runArchive(profile, run.name));
  expect(restored.body.kfp.storageState).toBe('AVAILABLE');

  expect((await proxy.request('DELETE', routes.run(profile, run.name))).status).toBe(200);
  const gone = await proxy.request('GET', routes.run(profile, run.name));
  expect(gone.status).toBe(404);
});

test('a user without access to a profile is refused, in words naming the identity', async () => {
  const { status, body } = await proxy.request('POST', routes.runs(elsewhere), {
    spec: DEMO,
    path: DEMO_PATH,
    backend: 'kfp',
    name: 'not-mine'
  });
  expect(status).toBe(403);
  expect(body.error.message).toContain(`user "${ALICE}" in the kubeflow-userid header`);
  expect(await kfpList(`/pipelines?namespace=${elsewhere}`, 'pipelines')).toEqual([]);
});

test('a configured URL with a projected ServiceAccount token works from the local backend too', async () => {
  const token = await serviceAccountToken(admin, profile, 'default-editor');
  await grantKfpAccess(admin, profile, { serviceAccount: 'default-editor', namespace: profile });
  const tokenPath = join(mkdtempSync(join(tmpdir(), 'kfwb-kfp-sa-')), 'token');
  writeFileSync(tokenPath, token);
  const local = await startProxy(
    info.adminKubeconfig,
    { configured: kfp.url, inCluster: null, auth: { tokenPath } },
    'local'
  );
  try {
    const { body } = await local.request('GET', routes.kfp());
    expect(body).toMatchObject({
      state: 'connected',
      via: 'configured',
      auth: 'service-account-token',
      identity: `system:serviceaccount:${profile}:default-editor`
    });
    const created = await local.request('POST', routes.runs(profile), {
      spec: DEMO,
      path: DEMO_PATH,
      backend: 'kfp',
      name: 'from-local',
      experiment: 'workbench-it'
    });
    expect(created.status).toBe(201);
    const listed = await local.request('GET', routes.runs(profile));
    expect(listed.body.items.map((r: IRun) => r.displayName)).toContain('from-local');
  } finally {
    await local.close();
  }
});

test('a Service whose KFP does not answer is reported unreachable, in words', async () => {
  const serviceNamespace = await freshNamespace(admin, 'kfp-dead');
  // A port nothing listens on, at the address the apiserver may proxy to.
  await exposeAsService(
    admin,
    { host: nonLoopbackAddress(), port: 9 },
    { namespace: serviceNamespace }
  );
  const dead = await startProxy(info.adminKubeconfig, {
    service: `${serviceNamespace}/ml-pipeline:8888`,
    inCluster: null,
    probeTimeoutMs: 10_000
  });
  try {
    const { body } = await dead.request('GET', routes.kfp());
    expect(body).toMatchObject({ state: 'unreachable', via: 'service-proxy', auth: 'kubeconfig' });
    expect(body.message).toContain('is not answering');
    const refused = await dead.request('POST', routes.runs(profile), {
      spec: DEMO,
      path: DEMO_PATH,
      backend: 'kfp'
    });
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toContain('Kubeflow Pipelines is not connected');
  } finally {
    await dead.close();
  }
});

test('single-user KFP: runs show in the namespace asked, their pods are found in KFP’s own namespace', async () => {
  const single = await startKfpStandin({ kubeconfig: info.adminKubeconfig });
  const shared = await startProxy(info.adminKubeconfig, {
    service: 'no-such-namespace/ml-pipeline:8888',
    configured: single.url,
    inCluster: null
  });
  try {
    const { body: connection } = await shared.request('GET', routes.kfp());
    expect(connection).toMatchObject({ state: 'connected', via: 'configured', multiUser: false });
    const { body: run } = await shared.request('POST', routes.runs('default'), {
      spec: DEMO,
      path: DEMO_PATH,
      backend: 'kfp',
      name: 'single'
    });
    const wf = await advanceRun(admin, run.name, 'Running', stepsIn('Running', ['generate']));
    expect(wf.metadata.namespace).toBe(single.namespace);
    await createStepPod(admin, wf, {
      task: 'generate',
      phase: 'Pending',
      unschedulable: '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.'
    });
    const stream = shared.runs('default');
    const stuck = await stream.run(
      run.name,
      r => r.steps[0].reason === 'Unschedulable',
      'Unschedulable'
    );
    expect(stuck.steps[0].message).toContain('Insufficient nvidia.com/gpu');
    expect(stuck.namespace).toBe('default');
  } finally {
    await shared.close();
    await single.stop();
  }
});

test('an IR compiled by the kfp SDK is submitted as it is, parameters checked against its root', async () => {
  const compiled = JSON.parse(
    execFileSync(kfpPython(), [join(REPO, 'test/kfp/ir_tool.py'), 'reference'], {
      encoding: 'utf8'
    })
  ) as Record<string, { ir: Record<string, unknown> }>;
  const ir = compiled['parameter-passing'].ir;
  const wrong = await proxy.request('POST', routes.runs(profile), {
    ir,
    backend: 'kfp',
    name: 'sdk-ir',
    parameters: { n: 'three' }
  });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.fields).toEqual([
    { path: '/parameters/n', message: expect.stringContaining('an integer') }
  ]);
  const { status, body } = await proxy.request('POST', routes.runs(profile), {
    ir,
    backend: 'kfp',
    name: 'sdk-ir',
    parameters: { n: 4 }
  });
  expect(status).toBe(201);
  expect(body).toMatchObject({
    backend: 'kfp',
    pipelineName: 'parameter-passing',
    parameters: { n: 4 }
  });
  expect(body.steps.map((s: { task: string }) => s.task).sort()).toEqual(
    Object.keys((ir.root as { dag: { tasks: object } }).dag.tasks).sort()
  );
});

test("a gone step's log comes from the copy KFP keeps (its node's log artifact) when the proxy kept none", async () => {
  const run = (await submit('demo-archived')).body as IRun;
  const wf = await findWorkflow(admin, run.name);
  const key = `artifacts/${wf.metadata.name}/generate/main.log`;
  putObject(kfp, key, 'generated 5 rows (archived by Argo)\n');
  await advanceRun(admin, run.name, 'Succeeded', [
    { task: 'generate', phase: 'Succeeded', artifacts: [{ name: 'main-logs', key }] },
    ...stepsIn('Succeeded', ['stats', 'train', 'report'])
  ]);
  await waitForRunState(kfp.url, run.name, 'SUCCEEDED', { 'kubeflow-userid': ALICE });
  const logs = await proxy.request('GET', routes.runStepLogs(profile, run.name, 'generate'));
  expect(logs.text).toBe(
    "[workbench] The step's pod is gone; this is the log KFP kept (main-logs artifact).\n" +
      'generated 5 rows (archived by Argo)\n'
  );
});

test('a KFP 1.x server is recognised and named as too old', async () => {
  const old = await startKfpStandin({ kubeconfig: info.adminKubeconfig, v1Only: true });
  const local = await startProxy(
    info.adminKubeconfig,
    { configured: old.url, inCluster: null },
    'local'
  );
  try {
    const { body } = await local.request('GET', routes.kfp());
    expect(body).toMatchObject({ state: 'too-old', via: 'configured', endpoint: old.url });
    expect(body.message).toContain('speaks only the KFP v1 API (KFP 1.x)');
  } finally {
    await local.close();
    await old.stop();
  }
});

test('a kubeconfig user the apiserver will not proxy for is told so, not that KFP refused them', async () => {
  const restricted = await startProxy(info.aliceKubeconfig, {
    service: proxyService,
    inCluster: null
  });
  try {
    const { body } = await restricted.request('GET', routes.kfp());
    expect(body.state).toBe('not-found');
    expect(body.message).toContain(`may not proxy to ${proxyService} (RBAC get services/proxy)`);
  } finally {
    await restricted.close();
  }
});
