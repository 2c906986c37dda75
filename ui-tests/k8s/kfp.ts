/**
 * The KFP v2beta1 stand-in (test/kfp/standin.ts) beside the Galata test cluster, and a loopback control endpoint
 * through which the Galata tests play Argo and the kubelet for it (the tests' own process has no kubeconfig
 * client): advance a run's Workflow, create a step's pod with a state.
 *
 *   POST /advance {runId, phase, steps?, message?}   advanceRun: the Workflow's status as Argo writes it
 *   POST /pod {runId, task, phase?, state?, image?, logs?}  createStepPod: the step's executor pod, with that
 *       status; `logs` are lines its container printed, served by a stand-in kubelet (below)
 *
 * kwok serves no container logs, so the kwok node's kubelet endpoint is pointed at test/apiserver/fake-kubelet.ts:
 * the real apiserver then fetches pod logs from it (empty for pods that printed nothing), as from a kubelet.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync } from 'node:fs';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubelet } from '../../test/apiserver/fake-kubelet';
import {
  advanceRun,
  createStepPod,
  findWorkflow,
  IKfpStandin,
  startKfpStandin
} from '../../test/kfp/standin';

export interface IKfpTestPeer {
  standin: IKfpStandin;
  /** http://127.0.0.1:<port> of the control endpoint. */
  control: string;
  stop(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
  }
  return text ? JSON.parse(text) : {};
}

/**
 * Starts the stand-in in `namespace` (its runs' Workflows and step pods go there, where the user works), as the
 * admin; lets `user` read those Workflows (what KFP's persistence agent and the UI read), then the control server.
 */
export async function startKfpTestPeer(
  adminKubeconfig: string,
  namespace: string,
  user: string
): Promise<IKfpTestPeer> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  await grantWorkflowRead(kc, namespace, user);
  const kubelet = new FakeKubelet();
  await kubelet.start(mkdtempSync(join(tmpdir(), 'kfwb-galata-kubelet-')));
  await pointNodesAt(kc, kubelet);
  const standin = await startKfpStandin({ kubeconfig: adminKubeconfig, namespace });
  const server = createServer((req, res) => {
    const answer = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    void (async () => {
      const b = await body(req);
      const runId = String(b.runId ?? '');
      if (req.method === 'POST' && req.url === '/advance') {
        const wf = await advanceRun(kc, runId, b.phase as never, (b.steps as never) ?? [], {
          message: b.message as string | undefined
        });
        return answer(200, { workflow: wf.metadata.name });
      }
      if (req.method === 'POST' && req.url === '/pod') {
        const wf = await findWorkflow(kc, runId);
        const pod = await createStepPod(kc, wf, b as never);
        const name = pod.metadata!.name!;
        const waiting = (b.state as { waiting?: { reason: string } } | undefined)?.waiting;
        if (waiting) {
          kubelet.waiting(name, waiting.reason);
        }
        // The kubelet's events about the pod (an image pull that failed, say), as it writes them.
        for (const [i, event] of (
          (b.events as { reason: string; message: string }[]) ?? []
        ).entries()) {
          await kc.makeApiClient(k8s.CoreV1Api).createNamespacedEvent({
            namespace: pod.metadata!.namespace!,
            body: {
              metadata: { name: `${name}.${i}` },
              involvedObject: { kind: 'Pod', name, namespace: pod.metadata!.namespace! },
              type: 'Warning',
              reason: event.reason,
              message: event.message,
              lastTimestamp: new Date(),
              count: 1
            }
          });
        }
        for (const line of (b.logs as string[] | undefined) ?? []) {
          kubelet.print(name, line);
        }
        return answer(200, { pod: name });
      }
      answer(404, { error: `no route ${req.method} ${req.url}` });
    })().catch(e => answer(500, { error: String(e?.body?.message ?? e?.message ?? e) }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const control = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    standin,
    control,
    stop: async () => {
      server.close();
      kubelet.close();
      await standin.stop();
    }
  };
}

/** The nodes' kubelet endpoint is the stand-in kubelet (kwok's initial node status is written once). */
async function pointNodesAt(kc: k8s.KubeConfig, kubelet: FakeKubelet): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (const node of (await core.listNode()).items) {
    await core.patchNodeStatus(
      {
        name: node.metadata!.name!,
        body: {
          status: {
            addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
            daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } }
          }
        }
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    );
  }
}

/** Read access to Argo Workflows for the user in the namespace (their runs' Workflows). */
async function grantWorkflowRead(
  kc: k8s.KubeConfig,
  namespace: string,
  user: string
): Promise<void> {
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const name = 'kfwb-galata-workflow-reader';
  await rbac
    .createNamespacedRole({
      namespace,
      body: {
        metadata: { name },
        rules: [
          {
            apiGroups: ['argoproj.io'],
            resources: ['workflows'],
            verbs: ['get', 'list', 'watch']
          }
        ]
      }
    })
    .catch(ignoreConflict);
  await rbac
    .createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }]
      }
    })
    .catch(ignoreConflict);
}

function ignoreConflict(e: { code?: number }): void {
  if (e?.code !== 409) {
    throw e;
  }
}
