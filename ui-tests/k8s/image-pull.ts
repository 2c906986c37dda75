/**
 * The kubelet's image pull, for images that cannot exist: kwok runs every bound pod whatever its image, so a pod
 * whose image is on the reserved `.invalid` domain (RFC 2606: never resolves) is put back the way a kubelet
 * leaves it when the pull fails — Pending, not ready, its container waiting with reason ImagePullBackOff.
 * Reacts on the watch as soon as kwok marks the pod Running, well before kwok's training stage would finish it.
 */
import * as k8s from '@kubernetes/client-node';

/** Images on this domain never pull (e.g. `registry.invalid/trainer:1`). */
export const UNPULLABLE = /^[^/]*\.invalid\//;

function backOff(pod: k8s.V1Pod): object {
  const now = new Date().toISOString();
  return {
    status: {
      phase: 'Pending',
      conditions: (pod.status?.conditions ?? []).map(c =>
        c.type === 'Ready' || c.type === 'ContainersReady'
          ? { type: c.type, status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now }
          : c
      ),
      containerStatuses: (pod.spec?.containers ?? []).map(c => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: {
          waiting: {
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${c.image}"`
          }
        }
      }))
    }
  };
}

export function startImagePullBackOff(kc: k8s.KubeConfig): () => void {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let stopped = false;
  let abort: AbortController | undefined;
  const onPod = (type: string, pod: k8s.V1Pod) => {
    const unpullable = pod.spec?.containers?.some(c => UNPULLABLE.test(c.image ?? ''));
    if (type === 'DELETED' || !unpullable || pod.status?.phase !== 'Running') {
      return;
    }
    core
      .patchNamespacedPodStatus(
        { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: backOff(pod) },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
      )
      .catch(e => process.stderr.write(`image pull back-off patch failed: ${e}\n`));
  };
  const watch = () => {
    if (stopped) {
      return;
    }
    new k8s.Watch(kc)
      .watch('/api/v1/pods', {}, onPod, () => setTimeout(watch, 500))
      .then(
        a => (abort = a),
        () => setTimeout(watch, 500)
      );
  };
  watch();
  return () => {
    stopped = true;
    abort?.abort();
  };
}
