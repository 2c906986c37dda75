/**
 * A simulated node: kwok (built from the Go module) plays the kubelet for pods bound to node `kwok-node-0`, and
 * a tiny binder here plays the scheduler. kwok's own stages from its module (node initialize + heartbeat, pod
 * ready, pod delete) plus one of ours: pods of a training job (label training.kubeflow.org/job-name) finish
 * a few seconds after they run, Succeeded, or Failed (exit code 1, reason Error) when the pod carries
 * OUTCOME_LABEL=failed and restartPolicy Never. A test chooses the outcome through the job spec's labels (copied to the pod template).
 */
import * as k8s from '@kubernetes/client-node';
import { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleDir } from '../apiserver/crds';
import { freePort, startProcess, stopProcess, waitFor } from '../apiserver/processes';
import { startBinder } from './binder';
import { pinned } from './util';

export const NODE_NAME = 'kwok-node-0';
export const OUTCOME_LABEL = 'kwok.kfwb.test/outcome';
/** What the simulated node offers; pods asking for more stay Pending, Unschedulable (see binder.ts). */
export const NODE_CAPACITY = { cpu: '32', memory: '128Gi', pods: '110', 'nvidia.com/gpu': '4' };
/** How long a training pod runs before it completes: long enough for a watcher to see Running. */
const RUN_MS = 4000;

export interface IKwok {
  process: ChildProcess;
  log: string;
  stop(): Promise<void>;
}

function upstreamStage(dir: string, file: string): string {
  return readFileSync(join(dir, 'kustomize/stage', file), 'utf8');
}

/** kwok's pod-complete stage, re-aimed at training pods (it only matches pods owned by a batch Job). */
function trainingPodStage(dir: string, outcome: 'succeeded' | 'failed'): string {
  const complete = k8s.loadYaml<any>(upstreamStage(dir, 'pod/fast/pod-complete.yaml')); // eslint-disable-line @typescript-eslint/no-explicit-any
  complete.metadata.name = `kfwb-training-pod-${outcome}`;
  complete.spec.selector.matchExpressions = [
    ...complete.spec.selector.matchExpressions.filter(
      (e: { key: string }) => !e.key.includes('ownerReferences')
    ),
    { key: '.metadata.labels["training.kubeflow.org/job-name"]', operator: 'Exists' },
    // MPI workers only host the launcher's ranks: they run until the operator removes them.
    {
      key: '(.metadata.labels["training.kubeflow.org/operator-name"] // "") + "/" + (.metadata.labels["training.kubeflow.org/replica-type"] // "")',
      operator: 'NotIn',
      values: ['mpijob-controller/worker']
    },
    {
      key: `.metadata.labels["${OUTCOME_LABEL}"]`,
      operator: outcome === 'failed' ? 'In' : 'NotIn',
      values: ['failed']
    },
    // A failing container under OnFailure/Always is restarted in place by a kubelet (the pod stays Running); we
    // do not simulate that loop, so only restartPolicy Never pods fail (the operator maps ExitCode to Never).
    ...(outcome === 'failed'
      ? [{ key: '.spec.restartPolicy', operator: 'In', values: ['Never'] }]
      : [])
  ];
  complete.spec.delay = { durationMilliseconds: RUN_MS };
  if (outcome === 'failed') {
    complete.spec.next.statusTemplate = complete.spec.next.statusTemplate
      .replace('exitCode: 0', 'exitCode: 1')
      .replace('reason: Completed', 'reason: Error')
      .replace('phase: Succeeded', 'phase: Failed');
  }
  return k8s.dumpYaml(complete);
}

export async function startKwok(opts: {
  bin: string;
  admin: k8s.KubeConfig;
  adminKubeconfig: string;
  dir: string;
}): Promise<IKwok> {
  const mod = moduleDir('sigs.k8s.io/kwok', pinned('kwok', 'sigs.k8s.io/kwok'));
  const stages = [
    upstreamStage(mod, 'node/fast/node-initialize.yaml'),
    upstreamStage(mod, 'node/heartbeat/node-heartbeat.yaml'),
    upstreamStage(mod, 'pod/fast/pod-ready.yaml'),
    upstreamStage(mod, 'pod/fast/pod-delete.yaml'),
    trainingPodStage(mod, 'succeeded'),
    trainingPodStage(mod, 'failed')
  ];
  const stagesFile = join(opts.dir, 'kwok-stages.yaml');
  writeFileSync(stagesFile, stages.map(s => s.trim()).join('\n---\n') + '\n');

  const core = opts.admin.makeApiClient(k8s.CoreV1Api);
  await core.createNode({
    body: {
      metadata: {
        name: NODE_NAME,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', type: 'kwok' }
      },
      status: { capacity: NODE_CAPACITY, allocatable: NODE_CAPACITY }
    }
  });

  const log = join(opts.dir, 'kwok.log');
  const serverPort = await freePort();
  const child = startProcess(
    join(opts.bin, 'kwok'),
    [
      `--kubeconfig=${opts.adminKubeconfig}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--manage-nodes-with-label-selector=',
      '--manage-single-node=',
      '--cidr=10.244.0.0/16',
      '--node-ip=10.0.0.2',
      `--server-address=127.0.0.1:${serverPort}`,
      '--node-lease-duration-seconds=0',
      `--config=${stagesFile}`
    ],
    log
  );
  await waitFor(
    `kwok node ${NODE_NAME} Ready`,
    async () => {
      const node = await core.readNode({ name: NODE_NAME });
      return !!node.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True');
    },
    60_000,
    child,
    log
  );
  // The apiserver taints every new node not-ready (TaintNodesByCondition); the node lifecycle controller, which
  // does not run here, would lift it once the node reports Ready.
  await core.patchNode(
    { name: NODE_NAME, body: { spec: { taints: [] } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  );
  const binder = await startBinder(opts.admin, NODE_NAME, join(opts.dir, 'binder.log'));
  return {
    process: child,
    log,
    stop: async () => {
      binder.stop();
      await stopProcess(child);
    }
  };
}
