/**
 * KFP v2beta1 stand-in for tests: launcher, plus helpers that play Argo's controller and the kubelet.
 * What it models and what it does not: docs/kfp-standin.md. The server is Python (test/kfp/standin/), run by
 * the kfp venv (test/kfp/venv.sh).
 *
 * Launcher
 *   startKfpStandin({kubeconfig, namespace?, multiUser?, host?, serviceAccount?, v1Only?, objectStore?, logFile?})
 *     → {url, host, port, namespace, multiUser, logFile, objectStore, pid, stop()}
 *   - kubeconfig: the SERVER's identity (tests: the admin kubeconfig). It creates/patches/deletes Workflows in
 *     any namespace, deletes pods on retry, and (multi-user) creates TokenReviews and SubjectAccessReviews.
 *   - namespace: POD_NAMESPACE, default 'kubeflow' (created if missing): where single-user runs' Workflows go,
 *     and the namespace writes to shared pipelines are authorized against in multi-user mode.
 *   - multiUser: MULTIUSER=true. Identity from header `kubeflow-userid` or `Authorization: Bearer <token>`
 *     (TokenReview, audience pipelines.kubeflow.org); authorization by SubjectAccessReview (user only, group
 *     pipelines.kubeflow.org). Grant with grantKfpAccess(); mint tokens with serviceAccountToken().
 *   - objectStore: directory playing the object store (putObject writes, artifact :read reads); default beside
 *     the log.
 *   - v1Only: play a KFP 1.x server (only /apis/v1beta1/healthz; every /apis/v2beta1 path is 404).
 *   - logFile: the server's stdout/stderr; default beside the kubeconfig (the cluster dir, removed with it).
 *   - host: bind address, default 127.0.0.1. The kube-apiserver refuses to proxy to loopback IPs: for the
 *     service-proxy path bind `nonLoopbackAddress()` and call exposeAsService().
 *   The Workflow CRD must be installed (installCrds() does, from argo-workflows v4.0.5's module archive).
 *   The stand-in plays the persistence agent: it watches Workflows labelled pipeline/runid and updates runs.
 *
 * Playing Argo and the kubelet
 *   findWorkflow(kc, runId)                     the run's Workflow (waits until it exists)
 *   advanceRun(kc, runId, phase, steps?, opts?)  writes the Workflow's status like Argo's controller: phase,
 *       startedAt/finishedAt, message, and status.nodes built from `steps` (see argoNodes); returns the patched
 *       Workflow. Steps are IR task names with their phase; each becomes Argo's three nodes
 *       `<task>-driver` (Pod), `<task>` (DAG) and `<task>.executor` (Pod, the user's container).
 *   waitForRunState(url, runId, state, headers?) polls GET /runs/{id} until `state` (the agent is async).
 *   putObject(standin, key, content)           an object in the stand-in's object store (a directory): what
 *       GET /runs/{run}/nodes/{node}/artifacts/{name}:read returns for a node artifact with that S3 key
 *       (give the executor node its artifacts with IStep.artifacts).
 *   argoNodes(workflowName, phase, steps)       the status.nodes map alone.
 *   stepPodName(workflowName, task, role?)      Argo's v2 pod name of a step's executor (or driver) pod.
 *   createStepPod(kc, workflow, {task, role?, phase?, state?, unschedulable?, restartCount?})
 *       creates that pod with Argo's and KFP's labels/annotations and writes its status through pods/status.
 *
 * Multi-user helpers
 *   grantKfpAccess(kc, namespace, user, verbs?)  Role + RoleBinding on pipelines.kubeflow.org for a user.
 *   serviceAccountToken(kc, namespace, name)     a TokenRequest token with audience pipelines.kubeflow.org.
 *   exposeAsService(kc, standin, {namespace?, name?, port?}) Service + Endpoints + placeholder Pod carrying the
 *       stand-in's IP, so `/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy/apis/v2beta1/...`
 *       reaches it (returns that path prefix).
 */
import * as k8s from '@kubernetes/client-node';
import { ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { startProcess, stopProcess } from '../apiserver/processes';
import { ensureNamespace } from '../operators/util';

export interface IKfpStandinOptions {
  kubeconfig: string;
  namespace?: string;
  multiUser?: boolean;
  host?: string;
  /** DEFAULTPIPELINERUNNERSERVICEACCOUNT; default pipeline-runner (multi-user: default-editor). */
  serviceAccount?: string;
  /** The directory playing the object store (artifact :read); default beside the log. */
  objectStore?: string;
  /** Play a KFP 1.x installation: /apis/v2beta1/* answers 404, /apis/v1beta1/healthz answers (tag 1.8.5). */
  v1Only?: boolean;
  /** Where the server's stdout/stderr go (default: beside the kubeconfig, i.e. in the test cluster's dir). */
  logFile?: string;
}

export interface IKfpStandin {
  /** e.g. http://127.0.0.1:41234 — kfp.Client(host=url) and the proxy take it as it is. */
  url: string;
  host: string;
  port: number;
  namespace: string;
  multiUser: boolean;
  logFile: string;
  /** Directory playing the object store: putObject() writes there, `:read` reads there. */
  objectStore: string;
  pid: number;
  stop(): Promise<void>;
}

const READY = /KFP_STANDIN_READY (\S+)/;

/** The kfp venv's python (created once per machine by venv.sh; the compiler project's globalSetup sets it). */
export function kfpPython(): string {
  if (process.env.KFWB_KFP_PYTHON && existsSync(process.env.KFWB_KFP_PYTHON)) {
    return process.env.KFWB_KFP_PYTHON;
  }
  const python = execFileSync('bash', [join(__dirname, 'venv.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  }).trim();
  process.env.KFWB_KFP_PYTHON = python;
  return python;
}

let started = 0;

export async function startKfpStandin(opts: IKfpStandinOptions): Promise<IKfpStandin> {
  const namespace = opts.namespace ?? 'kubeflow';
  const host = opts.host ?? '127.0.0.1';
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(opts.kubeconfig);
  await ensureNamespace(kc, namespace);
  // Beside the kubeconfig: in the test cluster's dir, removed with it (KFWB_KEEP_CLUSTER_DIR=1 keeps both).
  const id = `${(++started).toString(36)}${Date.now().toString(36)}`;
  const logFile = opts.logFile ?? join(dirname(opts.kubeconfig), `kfp-standin-${id}.log`);
  const objectStore = opts.objectStore ?? join(dirname(opts.kubeconfig), `kfp-standin-${id}-store`);
  mkdirSync(objectStore, { recursive: true });
  const args = [
    '-m',
    'standin',
    '--kubeconfig',
    opts.kubeconfig,
    '--host',
    host,
    '--port',
    '0',
    '--namespace',
    namespace,
    '--object-store',
    objectStore
  ];
  if (opts.multiUser) {
    args.push('--multi-user');
  }
  if (opts.v1Only) {
    args.push('--v1-only');
  }
  if (opts.serviceAccount) {
    args.push('--service-account', opts.serviceAccount);
  }
  const child = startProcess(kfpPython(), args, logFile, {
    PYTHONPATH: __dirname,
    PYTHONUNBUFFERED: '1'
  });
  const url = await waitForReady(child, logFile);
  const port = Number(new URL(url).port);
  return {
    url,
    host,
    port,
    namespace,
    multiUser: !!opts.multiUser,
    logFile,
    objectStore,
    pid: child.pid!,
    stop: () => stopProcess(child)
  };
}

async function waitForReady(
  child: ChildProcess,
  logFile: string,
  timeoutMs = 60_000
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const ready = READY.exec(log);
    if (ready) {
      return ready[1];
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `kfp stand-in exited (${child.exitCode ?? child.signalCode}):\n${log.slice(-4000)}`
      );
    }
    await sleep(100);
  }
  throw new Error(`kfp stand-in not ready after ${timeoutMs} ms (log: ${logFile})`);
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** The first non-internal IPv4 address of this machine (the apiserver will not proxy to loopback). */
export function nonLoopbackAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) {
        return a.address;
      }
    }
  }
  throw new Error('no non-loopback IPv4 address on this machine');
}

// ---------------------------------------------------------------------------------------------------------------
// Argo Workflows

/** A REST answer of the stand-in: untyped JSON. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const WORKFLOWS = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'workflows'
} as const;
export const LABEL_RUN_ID = 'pipeline/runid';

export type ArgoPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
export type NodePhase = ArgoPhase | 'Skipped' | 'Omitted';

export interface IArgoWorkflow {
  apiVersion: string;
  kind: string;
  metadata: k8s.V1ObjectMeta & { name: string; namespace: string };
  spec: Record<string, unknown>;
  status?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    nodes?: Record<string, IArgoNode>;
  };
}

export interface IArgoNode {
  id: string;
  name: string;
  displayName: string;
  type: 'DAG' | 'Pod';
  templateName: string;
  templateScope: string;
  phase: NodePhase;
  boundaryID?: string;
  children?: string[];
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  outputs?: { artifacts?: Array<{ name: string; s3: { key: string } }> };
}

/** One IR task as Argo runs it. */
export interface IStep {
  /** The IR task name (root.dag.tasks key). */
  task: string;
  phase: NodePhase;
  /** Node message, e.g. Argo's "Error (exit code 1)" or a pod's waiting reason. */
  message?: string;
  /** Tasks this one waits for (its driver becomes their child, as Argo links DAG dependencies). */
  dependsOn?: string[];
  /** Output artifacts of the executor pod node, e.g. Argo's archived log {name: 'main-logs', key}; the bytes
   *  are put in the object store with putObject(). */
  artifacts?: Array<{ name: string; key: string }>;
  /** The step's driver pod (default Succeeded; otherwise the executor's nodes do not exist yet). */
  driverPhase?: NodePhase;
  startedAt?: string;
  finishedAt?: string;
}

/** Argo's 32-bit FNV-1a, as used for node ids and v2 pod names. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Workflow.NodeID. */
export function nodeId(workflowName: string, nodeName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`;
}

/** util.GeneratePodName (pod-name format v2): `<workflow>-<template>-<fnv32a(node name)>`. */
export function podName(workflowName: string, nodeName: string, templateName: string): string {
  const prefix = `${workflowName}-${templateName}`.slice(0, 253 - 10 - 1);
  return `${prefix}-${fnv32a(nodeName)}`;
}

const ROLE_TEMPLATES = {
  executor: 'system-container-impl',
  driver: 'system-container-driver'
} as const;
export type StepRole = keyof typeof ROLE_TEMPLATES;

function stepNodeName(workflowName: string, task: string, role: StepRole): string {
  return role === 'executor'
    ? `${workflowName}.root.${task}.executor`
    : `${workflowName}.root.${task}-driver`;
}

/** The pod Argo creates for a step's user container (`executor`) or its driver. */
export function stepPodName(
  workflowName: string,
  task: string,
  role: StepRole = 'executor'
): string {
  return podName(workflowName, stepNodeName(workflowName, task, role), ROLE_TEMPLATES[role]);
}

const FINISHED: NodePhase[] = ['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'];

/**
 * status.nodes as Argo writes them for KFP's compiled workflow: the entrypoint DAG, root-driver, the root DAG,
 * and per step its driver pod, executor DAG and executor pod. A step whose driver has not succeeded has no
 * executor nodes yet, as Argo creates nodes lazily.
 */
export function argoNodes(
  workflowName: string,
  phase: ArgoPhase,
  steps: IStep[] = [],
  now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
): Record<string, IArgoNode> {
  const nodes: Record<string, IArgoNode> = {};
  const scope = `local/${workflowName}`;
  const final = FINISHED.includes(phase);
  const add = (
    name: string,
    display: string,
    type: IArgoNode['type'],
    template: string,
    p: NodePhase,
    boundary?: string,
    extra: Partial<IArgoNode> = {}
  ): IArgoNode => {
    const node: IArgoNode = {
      id: nodeId(workflowName, name),
      name,
      displayName: display,
      type,
      templateName: template,
      templateScope: scope,
      phase: p,
      ...(boundary ? { boundaryID: boundary } : {}),
      startedAt: extra.startedAt ?? now,
      ...(FINISHED.includes(p) ? { finishedAt: extra.finishedAt ?? now } : {}),
      ...(extra.message ? { message: extra.message } : {}),
      ...(extra.outputs ? { outputs: extra.outputs } : {})
    };
    nodes[node.id] = node;
    return node;
  };
  const dagPhase: NodePhase = final ? phase : 'Running';
  const top = add(workflowName, workflowName, 'DAG', 'entrypoint', dagPhase);
  const rootDriver = add(
    `${workflowName}.root-driver`,
    'root-driver',
    'Pod',
    'system-dag-driver',
    'Succeeded',
    top.id
  );
  const root = add(`${workflowName}.root`, 'root', 'DAG', 'root', dagPhase, top.id);
  top.children = [rootDriver.id];
  rootDriver.children = [root.id];
  root.children = [];
  const drivers: Record<string, IArgoNode> = {};
  const bodies: Record<string, IArgoNode> = {};
  for (const s of steps) {
    const driverPhase = s.driverPhase ?? 'Succeeded';
    drivers[s.task] = add(
      `${workflowName}.root.${s.task}-driver`,
      `${s.task}-driver`,
      'Pod',
      'system-container-driver',
      driverPhase,
      root.id,
      { startedAt: s.startedAt }
    );
    if (driverPhase !== 'Succeeded') {
      continue; // Argo creates the executor's nodes only once the driver succeeded
    }
    const body = add(
      `${workflowName}.root.${s.task}`,
      s.task,
      'DAG',
      'system-container-executor',
      s.phase,
      root.id,
      s
    );
    const executor = add(
      stepNodeName(workflowName, s.task, 'executor'),
      'executor',
      'Pod',
      'system-container-impl',
      s.phase,
      body.id,
      {
        ...s,
        ...(s.artifacts
          ? { outputs: { artifacts: s.artifacts.map(a => ({ name: a.name, s3: { key: a.key } })) } }
          : {})
      }
    );
    drivers[s.task].children = [body.id];
    body.children = [executor.id];
    bodies[s.task] = body;
  }
  for (const s of steps) {
    const deps = (s.dependsOn ?? []).filter(d => bodies[d]);
    if (deps.length === 0) {
      root.children.push(drivers[s.task].id);
    }
    for (const d of deps) {
      bodies[d].children = [...(bodies[d].children ?? []), drivers[s.task].id];
    }
  }
  return nodes;
}

/** The Workflow the stand-in created for a run (waits for it: run creation and listing may race). */
export async function findWorkflow(
  kc: k8s.KubeConfig,
  runId: string,
  timeoutMs = 10_000
): Promise<IArgoWorkflow> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = (await api.listClusterCustomObject({
      ...WORKFLOWS,
      labelSelector: `${LABEL_RUN_ID}=${runId}`
    })) as { items: IArgoWorkflow[] };
    if (list.items.length > 0) {
      return list.items[0];
    }
    if (Date.now() > deadline) {
      throw new Error(`no Workflow labelled ${LABEL_RUN_ID}=${runId}`);
    }
    await sleep(100);
  }
}

export interface IAdvanceOptions {
  /** status.message, e.g. Argo's "Stopped with strategy 'Terminate'" or "child 'x' failed". */
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * Writes the run's Workflow status the way Argo's controller does (the CRD has no status subresource: a merge
 * patch of the object). The stand-in's persistence agent picks it up from its watch.
 */
export async function advanceRun(
  kc: k8s.KubeConfig,
  runId: string,
  phase: ArgoPhase,
  steps: IStep[] = [],
  opts: IAdvanceOptions = {}
): Promise<IArgoWorkflow> {
  const wf = await findWorkflow(kc, runId);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const final = FINISHED.includes(phase);
  const status = {
    phase,
    startedAt: opts.startedAt ?? wf.status?.startedAt ?? now,
    ...(final ? { finishedAt: opts.finishedAt ?? now } : {}),
    ...(opts.message ? { message: opts.message } : {}),
    nodes: argoNodes(wf.metadata.name, phase, steps, now)
  };
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  // Read-modify-write of the whole object, as Argo's controller does: the node map is replaced, not merged.
  for (let attempt = 0; ; attempt++) {
    const current = (await api.getNamespacedCustomObject({
      ...WORKFLOWS,
      namespace: wf.metadata.namespace,
      name: wf.metadata.name
    })) as IArgoWorkflow;
    current.metadata.labels = {
      ...current.metadata.labels,
      'workflows.argoproj.io/phase': phase,
      'workflows.argoproj.io/completed': String(final)
    };
    current.status = status;
    try {
      return (await api.replaceNamespacedCustomObject({
        ...WORKFLOWS,
        namespace: wf.metadata.namespace,
        name: wf.metadata.name,
        body: current
      })) as IArgoWorkflow;
    } catch (e) {
      // The stand-in may have labelled it meanwhile (persistedFinalState): read again.
      if ((e as { code?: number }).code !== 409 || attempt > 10) {
        throw e;
      }
    }
  }
}

/** Puts an object in the stand-in's object store (what `:read` of an artifact with that S3 key returns). */
export function putObject(
  standin: Pick<IKfpStandin, 'objectStore'>,
  key: string,
  content: string | Buffer
): void {
  const path = join(standin.objectStore, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Polls the stand-in until the run reaches `state` (the persistence agent reports asynchronously). */
export async function waitForRunState(
  url: string,
  runId: string,
  state: string,
  headers: Record<string, string> = {},
  timeoutMs = 15_000
): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json = {};
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/apis/v2beta1/runs/${runId}`, { headers });
    last = (await res.json()) as Json;
    if (res.ok && last.state === state) {
      return last;
    }
    await sleep(100);
  }
  throw new Error(
    `run ${runId} did not reach ${state}; last: ${JSON.stringify(last).slice(0, 2000)}`
  );
}

export interface IStepPod {
  task: string;
  role?: StepRole;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** containerStatuses[0].state of the `main` container, e.g. {waiting: {reason: 'ImagePullBackOff'}}. */
  state?: k8s.V1ContainerState;
  restartCount?: number;
  /** Message of a PodScheduled=False/Unschedulable condition, as the scheduler writes it. */
  unschedulable?: string;
  image?: string;
}

/**
 * The pod Argo would create for a step, named and labelled as Argo and KFP do (pipeline/runid and
 * pipelines.kubeflow.org/v2_component from the Workflow's podMetadata; workflows.argoproj.io/workflow and
 * /completed, annotation workflows.argoproj.io/node-name and /node-id), owned by the Workflow; then the status a
 * scheduler and kubelet would report, through pods/status.
 */
export async function createStepPod(
  kc: k8s.KubeConfig,
  wf: IArgoWorkflow,
  step: IStepPod
): Promise<k8s.V1Pod> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const role = step.role ?? 'executor';
  const wfName = wf.metadata.name;
  const nodeName = stepNodeName(wfName, step.task, role);
  const container = 'main';
  const image =
    step.image ?? (role === 'executor' ? 'python:3.11-slim' : 'ghcr.io/kubeflow/kfp-driver:2.17.0');
  const phase = step.phase ?? 'Pending';
  const done = phase === 'Succeeded' || phase === 'Failed';
  const pod = await core.createNamespacedPod({
    namespace: wf.metadata.namespace,
    body: {
      metadata: {
        name: podName(wfName, nodeName, ROLE_TEMPLATES[role]),
        labels: {
          [LABEL_RUN_ID]: wf.metadata.labels?.[LABEL_RUN_ID] ?? '',
          'pipelines.kubeflow.org/v2_component': 'true',
          'workflows.argoproj.io/workflow': wfName,
          'workflows.argoproj.io/completed': String(done)
        },
        annotations: {
          'pipelines.kubeflow.org/v2_component': 'true',
          'workflows.argoproj.io/node-name': nodeName,
          'workflows.argoproj.io/node-id': nodeId(wfName, nodeName),
          'pipelines.kubeflow.org/runtime-role': role === 'executor' ? 'launcher' : 'driver'
        },
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            name: wfName,
            uid: wf.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true
          }
        ]
      },
      spec: {
        serviceAccountName: String(wf.spec.serviceAccountName ?? 'pipeline-runner'),
        containers: [
          { name: 'wait', image: 'quay.io/argoproj/argoexec:v4.0.5' },
          { name: container, image }
        ],
        restartPolicy: 'Never'
      }
    }
  });
  const conditions: k8s.V1PodCondition[] = step.unschedulable
    ? [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: step.unschedulable
        }
      ]
    : [];
  const containerStatuses: k8s.V1ContainerStatus[] = step.state
    ? [
        {
          name: container,
          image,
          imageID: '',
          ready: !!step.state.running,
          restartCount: step.restartCount ?? 0,
          state: step.state
        }
      ]
    : [];
  return core.patchNamespacedPodStatus(
    {
      namespace: wf.metadata.namespace,
      name: pod.metadata!.name!,
      body: { status: { phase, conditions, containerStatuses } }
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Multi-user

export const KFP_RBAC_GROUP = 'pipelines.kubeflow.org';
export const TOKEN_AUDIENCE = 'pipelines.kubeflow.org';

/**
 * What a Kubeflow profile's kubeflow-edit role grants on KFP, for one user in one namespace (KFP's
 * SubjectAccessReview names the user only, so the binding must name the user, or the ServiceAccount).
 */
export async function grantKfpAccess(
  kc: k8s.KubeConfig,
  namespace: string,
  user: string | { serviceAccount: string; namespace: string },
  verbs: string[] = ['*']
): Promise<void> {
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const id = typeof user === 'string' ? user : `sa-${user.namespace}-${user.serviceAccount}`;
  const name = `kfp-${id}`.replace(/[^a-z0-9-]/g, '-').slice(0, 63);
  // Idempotent: several test files may grant the same user in a shared namespace (team-a).
  await ignoreConflict(
    rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name },
        rules: [{ apiGroups: [KFP_RBAC_GROUP], resources: ['*'], verbs }]
      }
    })
  );
  await ignoreConflict(
    rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [
          typeof user === 'string'
            ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }
            : { kind: 'ServiceAccount', name: user.serviceAccount, namespace: user.namespace }
        ]
      }
    })
  );
}

async function ignoreConflict(call: Promise<unknown>): Promise<void> {
  await call.catch((e: { code?: number }) => {
    if (e.code !== 409) {
      throw e;
    }
  });
}

/** A projected-style token for a ServiceAccount (created if missing), audience pipelines.kubeflow.org. */
export async function serviceAccountToken(
  kc: k8s.KubeConfig,
  namespace: string,
  name: string,
  audiences: string[] = [TOKEN_AUDIENCE]
): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await ignoreConflict(
    core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })
  );
  const review = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences, expirationSeconds: 3600 } }
  });
  return review.status!.token;
}

/**
 * A selector-less Service whose Endpoints point at the stand-in, so the apiserver's service proxy
 * (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/...`) reaches it. The apiserver only proxies to an
 * endpoint address that belongs to a Pod of the namespace with that IP (isValidAddress in its service REST
 * storage), so a placeholder Pod (never scheduled; its status.podIPs written as a kubelet would) carries the
 * stand-in's address. The stand-in must listen on a non-loopback address (nonLoopbackAddress()).
 */
export async function exposeAsService(
  kc: k8s.KubeConfig,
  standin: Pick<IKfpStandin, 'host' | 'port'>,
  opts: { namespace?: string; name?: string; port?: number } = {}
): Promise<string> {
  const namespace = opts.namespace ?? 'kubeflow';
  const name = opts.name ?? 'ml-pipeline';
  const port = opts.port ?? 8888;
  await ensureNamespace(kc, namespace);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const podName = `${name}-kfp-standin`;
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: podName, labels: { app: name } },
      spec: {
        containers: [
          { name: 'ml-pipeline-api-server', image: 'kfp-standin.invalid/api-server:2.17.0' }
        ]
      }
    }
  });
  await core.patchNamespacedPodStatus(
    {
      namespace,
      name: podName,
      body: { status: { phase: 'Running', podIP: standin.host, podIPs: [{ ip: standin.host }] } }
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  );
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name },
      spec: { ports: [{ name: 'http', port, targetPort: standin.port, protocol: 'TCP' }] }
    }
  });
  await core.createNamespacedEndpoints({
    namespace,
    body: {
      metadata: { name },
      subsets: [
        {
          addresses: [{ ip: standin.host, targetRef: { kind: 'Pod', namespace, name: podName } }],
          ports: [{ name: 'http', port: standin.port, protocol: 'TCP' }]
        }
      ]
    }
  });
  return `/api/v1/namespaces/${namespace}/services/${name}:${port}/proxy`;
}
