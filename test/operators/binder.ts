/**
 * The scheduler's part, for one node: binds each unbound pod that fits (resources left on the node, node
 * selector, taints), and marks the others the way kube-scheduler does: PodScheduled=False, reason
 * Unschedulable, message "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.". Retries the unschedulable
 * ones whenever a pod on the node finishes or goes away. No preemption, affinity or topology spread.
 */
import * as k8s from '@kubernetes/client-node';
import { appendFileSync } from 'node:fs';

const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60
};

export function quantity(q: string | number | undefined): number {
  if (q === undefined) {
    return 0;
  }
  const m = String(q).match(/^([0-9.]+(?:e[0-9]+)?)([a-zA-Z]*)$/);
  if (!m || (m[2] && !(m[2] in SUFFIX))) {
    throw new Error(`not a quantity: ${q}`);
  }
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]] : 1);
}

function requests(pod: k8s.V1Pod): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    const r = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) }; // limits default requests
    for (const [name, q] of Object.entries(r)) {
      total[name] = (total[name] ?? 0) + quantity(q as string);
    }
  }
  return total;
}

function tolerates(pod: k8s.V1Pod, taint: k8s.V1Taint): boolean {
  return (pod.spec?.tolerations ?? []).some(
    t =>
      (!t.effect || t.effect === taint.effect) &&
      (t.operator === 'Exists'
        ? !t.key || t.key === taint.key
        : t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))
  );
}

/** Why the pod does not fit, in kube-scheduler's words; undefined if it fits. */
export function misfit(pod: k8s.V1Pod, node: k8s.V1Node, running: k8s.V1Pod[]): string | undefined {
  const labels = node.metadata?.labels ?? {};
  if (Object.entries(pod.spec?.nodeSelector ?? {}).some(([k, v]) => labels[k] !== v)) {
    return "1 node(s) didn't match Pod's node affinity/selector";
  }
  const taint = (node.spec?.taints ?? []).find(
    t => t.effect !== 'PreferNoSchedule' && !tolerates(pod, t)
  );
  if (taint) {
    return `1 node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  const free: Record<string, number> = {};
  for (const [name, q] of Object.entries(node.status?.allocatable ?? {})) {
    free[name] = quantity(q);
  }
  for (const other of running) {
    for (const [name, q] of Object.entries(requests(other))) {
      free[name] = (free[name] ?? 0) - q;
    }
  }
  free.pods = (free.pods ?? 0) - running.length;
  const short = Object.entries(requests(pod))
    .filter(([name, q]) => q > (free[name] ?? 0))
    .map(([name]) => name);
  if (free.pods < 1) {
    short.unshift('pods');
  }
  return short.length > 0 ? short.map(n => `1 Insufficient ${n}`).join(', ') : undefined;
}

export async function startBinder(
  kc: k8s.KubeConfig,
  nodeName: string,
  logFile: string
): Promise<{ stop(): void }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  let stopped = false;
  let busy = Promise.resolve();

  const schedule = async () => {
    const node = await core.readNode({ name: nodeName });
    const all = (await core.listPodForAllNamespaces()).items;
    const running = all.filter(
      p => p.spec?.nodeName === nodeName && !['Succeeded', 'Failed'].includes(p.status?.phase ?? '')
    );
    for (const pod of all.filter(p => !p.spec?.nodeName && !p.metadata?.deletionTimestamp)) {
      const { name, namespace } = pod.metadata as { name: string; namespace: string };
      const why = misfit(pod, node, running);
      if (!why) {
        await core.createNamespacedPodBinding({
          name,
          namespace,
          body: {
            metadata: { name, namespace },
            target: { apiVersion: 'v1', kind: 'Node', name: nodeName }
          }
        });
        running.push(pod);
        log(`bound ${namespace}/${name}`);
        continue;
      }
      const message = `0/1 nodes are available: ${why}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
      const current = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
      if (current?.message !== message) {
        await core.patchNamespacedPodStatus(
          {
            name,
            namespace,
            body: {
              status: {
                conditions: [
                  {
                    type: 'PodScheduled',
                    status: 'False',
                    reason: 'Unschedulable',
                    message,
                    lastTransitionTime: new Date()
                  }
                ]
              }
            }
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)
        );
        log(`unschedulable ${namespace}/${name}: ${why}`);
      }
    }
  };
  // Serialised: one pass at a time, each seeing the bindings of the one before.
  const kick = () => {
    busy = busy.then(schedule).catch(e => log(`error: ${String(e).split('\n')[0]}`));
  };

  const watch = new k8s.Watch(kc);
  let request: { abort(): void } | undefined;
  const start = async () => {
    if (stopped) {
      return;
    }
    request = await watch.watch(
      '/api/v1/pods',
      {},
      () => kick(),
      () => {
        if (!stopped) {
          setTimeout(() => void start().catch(e => log(`watch: ${e}`)), 500);
        }
      }
    );
  };
  await start();
  kick();
  return {
    stop() {
      stopped = true;
      request?.abort();
    }
  };
}
