/**
 * The KFP stand-in (test/kfp/standin/) against the real kube-apiserver: runs become real Argo Workflows (CRD from
 * argo-workflows' module archive), the test plays Argo's controller by writing their status, and the
 * stand-in's persistence agent turns that into run state and task details. The official kfp.Client contract
 * tests are test/kfp/contract/ (pytest, run by scripts/test-all).
 */
// The REST answers are untyped JSON checked field by field; typing each view adds nothing.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { clusterInfo, freshNamespace, kubeConfig, TEAM_A } from '../apiserver/helpers';
import {
  advanceRun,
  createStepPod,
  exposeAsService,
  findWorkflow,
  grantKfpAccess,
  IKfpStandin,
  kfpPython,
  LABEL_RUN_ID,
  nodeId,
  nonLoopbackAddress,
  putObject,
  serviceAccountToken,
  startKfpStandin,
  stepPodName,
  waitForRunState,
  WORKFLOWS
} from '../kfp/standin';

const info = clusterInfo();
const admin = kubeConfig(info.adminKubeconfig);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
const core = admin.makeApiClient(k8s.CoreV1Api);

/** IR compiled by kfp 2.17.3's own compiler (test/kfp/reference_pipelines.py). */
let compiled: Record<string, { ir: Record<string, any> }> | undefined;
function referenceIr(name: string): Record<string, any> {
  compiled ??= JSON.parse(
    execFileSync(kfpPython(), [join(__dirname, '../kfp/ir_tool.py'), 'reference'], {
      encoding: 'utf8'
    })
  );
  return compiled![name].ir;
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}/apis/v2beta1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

async function upload(
  base: string,
  fileName: string,
  content: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {}
): Promise<{ status: number; json: any }> {
  const form = new FormData();
  form.append('uploadfile', new Blob([content]), fileName);
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${base}/apis/v2beta1/pipelines/upload?${qs}`, {
    method: 'POST',
    body: form,
    headers
  });
  return { status: res.status, json: await res.json() };
}

describe('Argo Workflow CRD (argo-workflows v4.0.5, from its module archive)', () => {
  test('is served without a status subresource: status is written with the object, as Argo does', async () => {
    const crd = await admin
      .makeApiClient(k8s.ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: 'workflows.argoproj.io' });
    const v1alpha1 = crd.spec.versions.find(v => v.name === 'v1alpha1')!;
    expect(v1alpha1.subresources?.status).toBeUndefined();
    expect(
      v1alpha1.schema?.openAPIV3Schema?.properties?.status?.x_kubernetes_preserve_unknown_fields
    ).toBe(true);

    const namespace = await freshNamespace(admin, 'argo-crd');
    const ref = { ...WORKFLOWS, namespace };
    const created = (await custom.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { generateName: 'crd-check-' },
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] }
      }
    })) as any;
    const patched = (await custom.patchNamespacedCustomObject(
      {
        ...ref,
        name: created.metadata.name,
        body: { status: { phase: 'Running', nodes: { a: { id: 'a' } } } }
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    )) as any;
    expect(patched.status).toEqual({ phase: 'Running', nodes: { a: { id: 'a' } } });
  });
});

describe('single-user stand-in', () => {
  let kfp: IKfpStandin;
  const ir = referenceIr('parameter-passing');
  const irYaml = JSON.stringify(ir); // JSON is YAML

  beforeAll(async () => {
    kfp = await startKfpStandin({ kubeconfig: info.adminKubeconfig, namespace: 'kubeflow' });
  });
  afterAll(async () => {
    await kfp?.stop();
  });

  async function submit(params: Record<string, unknown> = { n: 5 }): Promise<any> {
    const created = await call(kfp.url, 'POST', '/runs', {
      display_name: `run-${Date.now()}`,
      pipeline_spec: ir,
      runtime_config: { parameters: params }
    });
    expect(created.status).toBe(200);
    return created.json;
  }

  test('healthz and the default experiment created at start-up', async () => {
    expect((await call(kfp.url, 'GET', '/healthz')).json).toMatchObject({ multi_user: false });
    const experiments = await call(kfp.url, 'GET', '/experiments');
    expect(experiments.json.experiments.map((e: any) => e.display_name)).toContain('Default');
  });

  test('upload: the pipeline comes back, a second upload with that name is 409 in the v1 error shape', async () => {
    const name = `pp-${Date.now()}`;
    const first = await upload(kfp.url, 'pipeline.yaml', irYaml, { name });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ name, display_name: name });
    expect(first.json.pipeline_id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await upload(kfp.url, 'pipeline.yaml', irYaml, { name });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      error_message: 'Failed to create a pipeline and a pipeline version',
      error_details: 'Failed to create a pipeline and a pipeline version'
    });
    const notYaml = await upload(kfp.url, 'pipeline.txt', irYaml, { name: `${name}-x` });
    expect(notYaml.status).toBe(400);
    expect(notYaml.json.error_message).toBe('Failed to read a pipeline spec file');
  });

  test('a pipeline is found by name; an unknown one is a 404 in the gRPC error shape', async () => {
    const name = `named-${Date.now()}`;
    const uploaded = await upload(kfp.url, 'p.yaml', irYaml, { name, description: 'by name' });
    const found = await call(kfp.url, 'GET', `/pipelines/names/${name}`);
    expect(found.json).toEqual(uploaded.json);
    expect(found.json.description).toBe('by name');
    const missing = await call(kfp.url, 'GET', `/pipelines/names/${name}-nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      code: 5,
      details: [{ '@type': 'type.googleapis.com/google.rpc.Status', code: 5 }]
    });
  });

  test('experiments: the default one cannot be deleted; runs of an archived one cannot be unarchived', async () => {
    const list = await call(kfp.url, 'GET', '/experiments?pageSize=100'); // JSON names work as query keys
    const def = list.json.experiments.find((e: any) => e.display_name === 'Default');
    const refused = await call(kfp.url, 'DELETE', `/experiments/${def.experiment_id}`);
    expect(refused.status).toBe(400);
    expect(refused.json.details[0].message).toContain('The default experiment cannot be deleted');

    const exp = (
      await call(kfp.url, 'POST', '/experiments', { display_name: `arch-${Date.now()}` })
    ).json;
    const run = (
      await call(kfp.url, 'POST', '/runs', {
        display_name: 'in-archived',
        experiment_id: exp.experiment_id,
        pipeline_spec: ir,
        runtime_config: { parameters: { n: 1 } }
      })
    ).json;
    expect((await call(kfp.url, 'POST', `/experiments/${exp.experiment_id}:archive`)).status).toBe(
      200
    );
    expect((await call(kfp.url, 'GET', `/runs/${run.run_id}`)).json.storage_state).toBe('ARCHIVED');
    const unarchive = await call(kfp.url, 'POST', `/runs/${run.run_id}:unarchive`);
    expect(unarchive.status).toBe(400);
    expect(unarchive.json.code).toBe(9);
    await call(kfp.url, 'POST', `/experiments/${exp.experiment_id}:unarchive`);
    expect((await call(kfp.url, 'POST', `/runs/${run.run_id}:unarchive`)).status).toBe(200);
  });

  test('JSON create of a pipeline + version fetches package_url; a run on the pipeline alone takes its latest version', async () => {
    // The server downloads the package itself: serve the IR from a loopback HTTP server.
    const files = createServer((_req, res) => res.end(irYaml));
    await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/pipeline.yaml`;
    try {
      const name = `json-${Date.now()}`;
      const created = await call(kfp.url, 'POST', '/pipelines/create', {
        pipeline: { name, display_name: name },
        pipeline_version: { name: 'v1', package_url: { pipeline_url: url } }
      });
      expect(created.status).toBe(200);
      const second = await call(
        kfp.url,
        'POST',
        `/pipelines/${created.json.pipeline_id}/versions`,
        {
          name: 'v2',
          package_url: { pipeline_url: url }
        }
      );
      expect(second.status).toBe(200);
      expect(second.json.package_url).toEqual({ pipeline_url: url });
      const run = await call(kfp.url, 'POST', '/runs', {
        display_name: 'latest',
        pipeline_version_reference: { pipeline_id: created.json.pipeline_id },
        runtime_config: { parameters: { n: 2 } }
      });
      expect(run.status).toBe(200);
      expect(run.json.pipeline_version_reference).toEqual({
        pipeline_id: created.json.pipeline_id,
        pipeline_version_id: second.json.pipeline_version_id
      });
      const noUrl = await call(kfp.url, 'POST', `/pipelines/${created.json.pipeline_id}/versions`, {
        name: 'v3'
      });
      expect(noUrl.status).toBe(400);
    } finally {
      files.close();
    }
  });

  test('unknown request fields are refused with the gRPC error shape', async () => {
    const res = await call(kfp.url, 'POST', '/experiments', { display_name: 'x', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe(3);
    expect(res.json.message).toContain('unknown field "colour"');
  });

  test('a run creates a KFP-shaped Workflow and stays PENDING until it is reported', async () => {
    const run = await submit();
    expect(run.state).toBe('PENDING');
    expect(run.service_account).toBe('pipeline-runner');
    expect(run.runtime_config).toEqual({ parameters: { n: 5 } });
    const wf = await findWorkflow(admin, run.run_id);
    expect(wf.metadata.namespace).toBe('kubeflow');
    expect(wf.metadata.name).toMatch(/^parameter-passing-/);
    expect(wf.metadata.labels?.[LABEL_RUN_ID]).toBe(run.run_id);
    expect(wf.metadata.annotations?.['pipelines.kubeflow.org/run_name']).toBe(run.display_name);
    expect(wf.spec.serviceAccountName).toBe('pipeline-runner');
    const templates = (wf.spec.templates as any[]).map(t => t.name).sort();
    expect(templates).toEqual(
      [
        'entrypoint',
        'root',
        'system-container-driver',
        'system-container-executor',
        'system-container-impl',
        'system-dag-driver'
      ].sort()
    );
    const rootTasks = (wf.spec.templates as any[]).find(t => t.name === 'root').dag.tasks;
    expect(rootTasks.map((t: any) => t.name)).toEqual([
      'consume-driver',
      'consume',
      'produce-driver',
      'produce'
    ]);
    expect(rootTasks[0].depends).toBe('produce.Succeeded');
  });

  test('Running → Succeeded as the test writes the Workflow status; task_details follow the Argo nodes', async () => {
    const run = await submit();
    const wf = await advanceRun(admin, run.run_id, 'Running', [
      { task: 'produce', phase: 'Running' }
    ]);
    const running = await waitForRunState(kfp.url, run.run_id, 'RUNNING');
    const tasks = running.run_details.task_details as any[];
    // One task per Argo node: entrypoint DAG, root-driver, root, produce-driver, produce, produce's executor.
    expect(tasks.map(t => t.display_name).sort()).toEqual(
      [wf.metadata.name, 'executor', 'produce', 'produce-driver', 'root', 'root-driver'].sort()
    );
    const executorNode = nodeId(wf.metadata.name, `${wf.metadata.name}.root.produce.executor`);
    const produce = tasks.find(t => t.display_name === 'produce');
    expect(produce.state).toBe('RUNNING');
    // KFP 2.17.0 does not fill pod_name; children are Argo node ids, carried in child_tasks[].pod_name.
    expect(produce.pod_name).toBeUndefined();
    expect(produce.child_tasks).toEqual([{ pod_name: executorNode }]);
    expect(tasks.find(t => t.display_name === 'produce-driver').state).toBe('SUCCEEDED');

    await advanceRun(admin, run.run_id, 'Succeeded', [
      { task: 'produce', phase: 'Succeeded' },
      { task: 'consume', phase: 'Succeeded', dependsOn: ['produce'] }
    ]);
    const done = await waitForRunState(kfp.url, run.run_id, 'SUCCEEDED');
    expect(done.finished_at).not.toBe('1970-01-01T00:00:00Z');
    expect(done.state_history.map((h: any) => h.state)).toEqual([
      'PENDING',
      'RUNNING',
      'SUCCEEDED'
    ]);
    const doneTasks = done.run_details.task_details as any[];
    expect(doneTasks).toHaveLength(9);
    // A task keeps its id across reports and grows a state history.
    const produceAgain = doneTasks.find(t => t.display_name === 'produce');
    expect(produceAgain.task_id).toBe(produce.task_id);
    expect(produceAgain.state_history.map((h: any) => h.state)).toEqual(['RUNNING', 'SUCCEEDED']);
    // The final state is persisted: the agent labels the Workflow.
    const after = await findWorkflow(admin, run.run_id);
    expect(after.metadata.labels?.['pipeline/persistedFinalState']).toBe('true');
  });

  test('a step pod is named, labelled and annotated as Argo makes it', async () => {
    const run = await submit();
    const wf = await findWorkflow(admin, run.run_id);
    const pod = await createStepPod(admin, wf, {
      task: 'produce',
      phase: 'Pending',
      state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } }
    });
    expect(pod.metadata!.name).toBe(stepPodName(wf.metadata.name, 'produce'));
    expect(pod.metadata!.name).toMatch(
      new RegExp(`^${wf.metadata.name}-system-container-impl-\\d+$`)
    );
    expect(pod.metadata!.labels).toMatchObject({
      [LABEL_RUN_ID]: run.run_id,
      'workflows.argoproj.io/workflow': wf.metadata.name
    });
    expect(pod.metadata!.annotations!['workflows.argoproj.io/node-name']).toBe(
      `${wf.metadata.name}.root.produce.executor`
    );
    expect(pod.status!.containerStatuses![0].state!.waiting!.reason).toBe('ImagePullBackOff');
    const byLabel = await core.listNamespacedPod({
      namespace: 'kubeflow',
      labelSelector: `${LABEL_RUN_ID}=${run.run_id}`
    });
    expect(byLabel.items.map(p => p.metadata!.name)).toEqual([pod.metadata!.name]);
  });

  test('terminate: CANCELING at once and activeDeadlineSeconds 0 merged into the Workflow', async () => {
    const run = await submit();
    await advanceRun(admin, run.run_id, 'Running', [{ task: 'produce', phase: 'Running' }]);
    await waitForRunState(kfp.url, run.run_id, 'RUNNING');
    expect((await call(kfp.url, 'POST', `/runs/${run.run_id}:terminate`)).status).toBe(200);
    expect((await call(kfp.url, 'GET', `/runs/${run.run_id}`)).json.state).toBe('CANCELING');
    const wf = await findWorkflow(admin, run.run_id);
    expect(wf.spec.activeDeadlineSeconds).toBe(0);
    // Argo then stops it: the run ends FAILED (KFP maps Argo's Failed, whatever the cause).
    await advanceRun(admin, run.run_id, 'Failed', [{ task: 'produce', phase: 'Failed' }], {
      message: "Stopped with strategy 'Terminate'"
    });
    await waitForRunState(kfp.url, run.run_id, 'FAILED');
    const again = await call(kfp.url, 'POST', `/runs/${run.run_id}:terminate`);
    expect(again.status).toBe(400);
  });

  test('retry reopens a failed run: failed nodes dropped, their pods deleted, Workflow Running again', async () => {
    const run = await submit();
    const wf = await findWorkflow(admin, run.run_id);
    await createStepPod(admin, wf, { task: 'consume', phase: 'Failed' });
    await advanceRun(admin, run.run_id, 'Failed', [
      { task: 'produce', phase: 'Succeeded' },
      { task: 'consume', phase: 'Failed', dependsOn: ['produce'], message: 'Error (exit code 1)' }
    ]);
    await waitForRunState(kfp.url, run.run_id, 'FAILED');
    expect((await call(kfp.url, 'POST', `/runs/${run.run_id}:retry`)).status).toBe(200);
    expect((await call(kfp.url, 'GET', `/runs/${run.run_id}`)).json.state).toBe('RUNNING');
    const retried = await findWorkflow(admin, run.run_id);
    expect(retried.status?.phase).toBe('Running');
    expect(retried.metadata.labels?.['pipeline/persistedFinalState']).toBeUndefined();
    const phases = Object.values(retried.status!.nodes!).map(n => `${n.displayName}:${n.phase}`);
    expect(phases).toContain('produce:Succeeded');
    expect(phases).not.toContain('executor:Failed');
    expect(phases).toContain('consume:Running'); // the failed DAG node is reopened
    const pods = await core.listNamespacedPod({
      namespace: 'kubeflow',
      labelSelector: `${LABEL_RUN_ID}=${run.run_id}`
    });
    expect(pods.items).toHaveLength(0);
  });

  test('delete removes the run and its Workflow; a missing Workflow makes terminate a 500', async () => {
    const run = await submit();
    const wf = await findWorkflow(admin, run.run_id);
    await custom.deleteNamespacedCustomObject({
      ...WORKFLOWS,
      namespace: 'kubeflow',
      name: wf.metadata.name
    });
    const terminate = await call(kfp.url, 'POST', `/runs/${run.run_id}:terminate`);
    expect(terminate.status).toBe(500);
    expect(terminate.json.message).toContain('due to error terminating its workflow');

    const other = await submit();
    await findWorkflow(admin, other.run_id);
    expect((await call(kfp.url, 'DELETE', `/runs/${other.run_id}`)).status).toBe(200);
    expect((await call(kfp.url, 'GET', `/runs/${other.run_id}`)).status).toBe(404);
    const left = (await custom.listClusterCustomObject({
      ...WORKFLOWS,
      labelSelector: `${LABEL_RUN_ID}=${other.run_id}`
    })) as { items: unknown[] };
    expect(left.items).toHaveLength(0);
  });

  test('runtime parameters are checked at run creation (400, wrapped like the server)', async () => {
    const wrong = await call(kfp.url, 'POST', '/runs', {
      display_name: 'wrong-type',
      pipeline_spec: ir,
      runtime_config: { parameters: { n: 'five' } }
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.message).toContain('Failed to generate the ExecutionSpec');
    expect(wrong.json.details[0].message).toBe(
      'input parameter n requires type double or integer, but the parameter value is not of number value type'
    );
    const extra = await call(kfp.url, 'POST', '/runs', {
      display_name: 'extra',
      pipeline_spec: ir,
      runtime_config: { parameters: { n: 1, m: 2 } }
    });
    expect(extra.status).toBe(400);
    expect(extra.json.details[0].message).toBe(
      'parameter(s) provided are not required by pipeline: m'
    );
  });

  test('artifact :read: the key from the reported Workflow node, the bytes from the object store', async () => {
    const run = await submit();
    const wf = await findWorkflow(admin, run.run_id);
    const key = `artifacts/${wf.metadata.name}/produce/main.log`;
    putObject(kfp, key, 'hello from produce\n');
    await advanceRun(admin, run.run_id, 'Succeeded', [
      { task: 'produce', phase: 'Succeeded', artifacts: [{ name: 'main-logs', key }] }
    ]);
    await waitForRunState(kfp.url, run.run_id, 'SUCCEEDED');
    const executorNode = nodeId(wf.metadata.name, `${wf.metadata.name}.root.produce.executor`);
    const produceNode = nodeId(wf.metadata.name, `${wf.metadata.name}.root.produce`);
    const podName = stepPodName(wf.metadata.name, 'produce');
    // By node id, by the task's DAG node (its children are searched) and by pod name.
    for (const node of [executorNode, produceNode, podName]) {
      const read = await call(
        kfp.url,
        'GET',
        `/runs/${run.run_id}/nodes/${node}/artifacts/main-logs:read`
      );
      expect(read.status).toBe(200);
      expect(Buffer.from(read.json.data, 'base64').toString()).toBe('hello from produce\n');
    }
    const missing = await call(
      kfp.url,
      'GET',
      `/runs/${run.run_id}/nodes/${executorNode}/artifacts/nope:read`
    );
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error_message: 'artifact not found: <nil>',
      error_details: 'artifact not found: <nil>'
    });
  });

  test('a report through POST /workflows updates the run like the persistence agent', async () => {
    const run = await submit();
    const wf = await advanceRun(admin, run.run_id, 'Running', [
      { task: 'produce', phase: 'Running' }
    ]);
    const res = await call(kfp.url, 'POST', '/workflows', JSON.stringify(wf));
    expect(res.status).toBe(200);
    expect((await call(kfp.url, 'GET', `/runs/${run.run_id}`)).json.state).toBe('RUNNING');
    const bad = await call(
      kfp.url,
      'POST',
      '/workflows',
      JSON.stringify({ metadata: { name: 'x' } })
    );
    expect(bad.status).toBe(400);
  });
});

/** A GET through the kube-apiserver (its CA, a static token), with extra headers. */
function viaApiserver(
  path: string,
  token: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${info.server}${path}`,
      { ca: readFileSync(info.caFile), headers: { Authorization: `Bearer ${token}`, ...headers } },
      res => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      }
    );
    req.on('error', reject);
    req.end();
  });
}

describe('stand-in behind the kube-apiserver service proxy', () => {
  let kfp: IKfpStandin;
  let multi: IKfpStandin;
  beforeAll(async () => {
    kfp = await startKfpStandin({ kubeconfig: info.adminKubeconfig, host: nonLoopbackAddress() });
    multi = await startKfpStandin({
      kubeconfig: info.adminKubeconfig,
      host: nonLoopbackAddress(),
      multiUser: true
    });
  });
  afterAll(async () => {
    await kfp?.stop();
    await multi?.stop();
  });

  test('ml-pipeline:8888 reaches it through /api/v1/namespaces/<ns>/services/ml-pipeline:8888/proxy', async () => {
    const namespace = await freshNamespace(admin, 'kfp-svc');
    const path = await exposeAsService(admin, kfp, { namespace });
    expect(path).toBe(`/api/v1/namespaces/${namespace}/services/ml-pipeline:8888/proxy`);
    const res = await core.connectGetNamespacedServiceProxyWithPath({
      namespace,
      name: 'ml-pipeline:8888',
      path: 'apis/v2beta1/healthz'
    });
    expect(res as unknown).toMatchObject({ multi_user: false });
  });

  test('multi-user: the apiserver strips Authorization, so KFP sees only a kubeflow-userid header', async () => {
    const namespace = await freshNamespace(admin, 'kfp-svc-mu');
    const path = await exposeAsService(admin, multi, { namespace });
    await grantKfpAccess(admin, namespace, 'admin');
    const list = `${path}/apis/v2beta1/experiments?namespace=${namespace}`;
    // The admin token authenticates to the apiserver and is removed there: KFP gets no identity.
    const stripped = await viaApiserver(list, info.adminToken);
    expect(stripped.status).toBe(401);
    expect(stripped.json.code).toBe(16);
    // A userid header passes through the proxy untouched (and names whoever the caller claims).
    const claimed = await viaApiserver(list, info.adminToken, { 'kubeflow-userid': 'admin' });
    expect(claimed.status).toBe(200);
  });
});

describe('a KFP 1.x installation (v1Only)', () => {
  let kfp: IKfpStandin;
  beforeAll(async () => {
    kfp = await startKfpStandin({ kubeconfig: info.adminKubeconfig, v1Only: true });
  });
  afterAll(async () => {
    await kfp?.stop();
  });

  test('answers /apis/v1beta1/healthz and nothing under /apis/v2beta1', async () => {
    const v1 = await fetch(`${kfp.url}/apis/v1beta1/healthz`);
    expect(await v1.json()).toEqual({
      commit_sha: 'kfp-standin',
      tag_name: '1.8.5',
      multi_user: false
    });
    expect((await call(kfp.url, 'GET', '/healthz')).status).toBe(404);
    expect((await call(kfp.url, 'GET', '/runs')).status).toBe(404);
  });
});

describe('multi-user stand-in', () => {
  let kfp: IKfpStandin;
  let namespace: string;
  beforeAll(async () => {
    kfp = await startKfpStandin({ kubeconfig: info.adminKubeconfig, multiUser: true });
    namespace = await freshNamespace(admin, 'kfp-profile');
  });
  afterAll(async () => {
    await kfp?.stop();
  });

  test('a user without access is refused; with a kubeflow-edit-like Role the same call works', async () => {
    const headers = { 'kubeflow-userid': 'bob@example.com' };
    const body = { display_name: 'exp', namespace };
    const refused = await call(kfp.url, 'POST', '/experiments', body, headers);
    expect(refused.status).toBe(403);
    expect(refused.json.message).toContain("User 'bob@example.com' is not authorized");
    await grantKfpAccess(admin, namespace, 'bob@example.com');
    const created = await call(kfp.url, 'POST', '/experiments', body, headers);
    expect(created.status).toBe(200);
    expect(created.json.namespace).toBe(namespace);
    const anonymous = await call(kfp.url, 'GET', `/experiments?namespace=${namespace}`);
    expect(anonymous.status).toBe(401);
  });

  test('a ServiceAccount token with audience pipelines.kubeflow.org is reviewed; other audiences are not', async () => {
    const token = await serviceAccountToken(admin, namespace, 'default-editor');
    await grantKfpAccess(admin, namespace, { serviceAccount: 'default-editor', namespace });
    const ok = await call(kfp.url, 'GET', `/experiments?namespace=${namespace}`, undefined, {
      Authorization: `Bearer ${token}`
    });
    expect(ok.status).toBe(200);
    const wrongAudience = await serviceAccountToken(admin, namespace, 'default-editor', ['other']);
    const refused = await call(kfp.url, 'GET', `/experiments?namespace=${namespace}`, undefined, {
      Authorization: `Bearer ${wrongAudience}`
    });
    expect(refused.status).toBe(401);
  });

  test('upload without access to shared pipelines is a 400 "Failed to create a pipeline"', async () => {
    const res = await upload(
      kfp.url,
      'p.yaml',
      JSON.stringify(referenceIr('parameter-passing')),
      {},
      {
        'kubeflow-userid': 'alice'
      }
    );
    expect(res.status).toBe(400);
    expect(res.json.error_message).toBe('Failed to create a pipeline');
  });

  test('runs need an experiment; the Workflow goes to its namespace with the default-editor account', async () => {
    await grantKfpAccess(admin, TEAM_A, 'alice');
    const headers = { 'kubeflow-userid': 'alice' };
    const exp = await call(
      kfp.url,
      'POST',
      '/experiments',
      { display_name: 'e', namespace: TEAM_A },
      headers
    );
    expect(exp.status).toBe(200);
    const ir = referenceIr('parameter-passing');
    const noExperiment = await call(
      kfp.url,
      'POST',
      '/runs',
      { display_name: 'r', pipeline_spec: ir },
      headers
    );
    expect(noExperiment.status).toBe(400);
    expect(noExperiment.json.details[0].message).toBe(
      'Experiment id can not be empty in multi-user mode'
    );
    const run = await call(
      kfp.url,
      'POST',
      '/runs',
      { display_name: 'r', pipeline_spec: ir, experiment_id: exp.json.experiment_id },
      headers
    );
    expect([run.status, run.json.message]).toEqual([200, undefined]);
    const wf = await findWorkflow(admin, run.json.run_id);
    expect(wf.metadata.namespace).toBe(TEAM_A);
    expect(wf.spec.serviceAccountName).toBe('default-editor');
    await advanceRun(admin, run.json.run_id, 'Running');
    await waitForRunState(kfp.url, run.json.run_id, 'RUNNING', headers);
  });
});
