import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';

/**
 * A stand-in kubelet: the apiserver reaches a node's kubelet at the address and port in the Node's status, and
 * does not check its certificate unless `--kubelet-certificate-authority` is set. So pod logs go through the
 * real apiserver to this HTTPS server, which answers `/containerLogs/<ns>/<pod>/<container>`.
 */
export class FakeKubelet {
  readonly lines = new Map<string, string[]>();
  readonly requests: URL[] = [];
  /** Pods whose container has not started, with the kubelet's reason (see `waiting`). */
  private readonly notStarted = new Map<string, string>();
  /** How many follow requests each pod's log got so far. */
  private readonly follows = new Map<string, number>();
  private readonly onFollow = new Set<() => void>();
  private readonly followers = new Map<string, import('node:http').ServerResponse[]>();
  private server?: import('node:https').Server;
  port = 0;

  async start(dir: string): Promise<void> {
    const [key, cert] = [join(dir, 'kubelet.key'), join(dir, 'kubelet.crt')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
        '-days',
        '1',
        '-subj',
        '/CN=fake-kubelet'
      ]),
      { stdio: 'ignore' }
    );
    this.server = createHttpsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (req, res) => {
        const url = new URL(req.url ?? '/', 'https://kubelet');
        this.requests.push(url);
        const [, , , pod, container] = url.pathname.split('/');
        const waiting = this.notStarted.get(pod);
        if (waiting !== undefined) {
          // As the kubelet answers for a container that never started (its log API's own words).
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(`container "${container}" in pod "${pod}" is waiting to start: ${waiting}`);
          return;
        }
        const tail = Number(url.searchParams.get('tailLines') ?? Infinity);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(
          (this.lines.get(pod) ?? [])
            .slice(-tail)
            .map(line => `${line}\n`)
            .join('')
        );
        if (url.searchParams.get('follow') === 'true') {
          this.followers.set(pod, [...(this.followers.get(pod) ?? []), res]);
          this.follows.set(pod, (this.follows.get(pod) ?? 0) + 1);
          this.onFollow.forEach(notify => notify());
          res.on('close', () =>
            this.followers.set(
              pod,
              (this.followers.get(pod) ?? []).filter(r => r !== res)
            )
          );
        } else {
          res.end();
        }
      }
    );
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** A line printed by a running container: stored, and sent to whoever follows the pod's log. */
  print(pod: string, line: string): void {
    this.lines.set(pod, [...(this.lines.get(pod) ?? []), line]);
    this.followers.get(pod)?.forEach(res => res.write(`${line}\n`));
  }

  /**
   * The pod's container has not started (`reason` as in its status): its log cannot be read, as with a real
   * kubelet, which says "trying and failing to pull image" for the image-pull reasons.
   */
  waiting(pod: string, reason: string): void {
    this.notStarted.set(
      pod,
      /^(ImagePullBackOff|ErrImagePull)$/.test(reason) ? 'trying and failing to pull image' : reason
    );
  }

  /** The container exits: followed logs end. */
  exit(pod: string): void {
    this.followers.get(pod)?.forEach(res => res.end());
    this.followers.delete(pod);
  }

  /** Resolves once the pod's log has been asked to follow `count` times in all. */
  waitForFollow(pod: string, count: number): Promise<void> {
    return new Promise(resolve => {
      const check = () => {
        if ((this.follows.get(pod) ?? 0) >= count) {
          this.onFollow.delete(check);
          resolve();
        }
      };
      this.onFollow.add(check);
      check();
    });
  }

  close(): void {
    this.followers.forEach(list => list.forEach(res => res.end()));
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

/** A Node whose kubelet is `kubelet`: the apiserver reaches it for the logs of pods bound to the node. */
export async function registerNode(
  kc: k8s.KubeConfig,
  name: string,
  kubelet: FakeKubelet
): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNode({ body: { metadata: { name } } });
  await core.patchNodeStatus(
    {
      name,
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

/** Binds a pod to a node the way the scheduler does (spec.nodeName is set only through pods/binding). */
export async function bindPod(
  kc: k8s.KubeConfig,
  namespace: string,
  pod: string,
  node: string
): Promise<void> {
  await kc.makeApiClient(k8s.CoreV1Api).createNamespacedPodBinding({
    namespace,
    name: pod,
    body: { metadata: { name: pod }, target: { kind: 'Node', name: node } }
  });
}
