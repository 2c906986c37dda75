/**
 * The real Training Operator (training-operator.v1, built from the Go module) against the test apiserver,
 * with its validating webhook for the six v1 kinds registered on loopback (`failurePolicy: Fail`).
 *
 * Its cert rotator (OPA cert-controller) insists on a Secret and a ValidatingWebhookConfiguration named
 * `validator.training-operator.kubeflow.org` existing before it starts; it checks the Secret's certificate
 * against `training-operator.kubeflow.svc`, injects the CA into the configuration, and waits for the Secret to
 * be mounted at /tmp/k8s-webhook-server/serving-certs (here: written there by us, as the kubelet would). We pre-fill the Secret with the machine-wide pair from certs.ts, which is also
 * valid for 127.0.0.1, so the rotator keeps it and the apiserver can call the webhook by URL.
 */
import * as k8s from '@kubernetes/client-node';
import { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { moduleDir } from '../apiserver/crds';
import { freePort, startProcess, stopProcess, waitFor } from '../apiserver/processes';
import { installServingPair, webhookCerts } from './certs';
import { ensureNamespace, pinned } from './util';
import { applyWebhookConfiguration, loopback, manifestDocuments } from './webhooks';

export const OPERATOR_NAMESPACE = 'kubeflow';
const WEBHOOK_CONFIGURATION = 'validator.training-operator.kubeflow.org';
const SECRET = 'training-operator-webhook-cert';
/** Where the rotator waits for the Secret to appear as a mounted volume (a constant in the operator). */
const CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';

export interface ITrainingOperator {
  process: ChildProcess;
  log: string;
  version: string;
  stop(): Promise<void>;
}

export async function startTrainingOperator(opts: {
  bin: string;
  admin: k8s.KubeConfig;
  adminKubeconfig: string;
  dir: string;
}): Promise<ITrainingOperator> {
  const version = pinned('training-operator', 'github.com/kubeflow/training-operator');
  const module = moduleDir('github.com/kubeflow/training-operator', version);
  const certs = webhookCerts();
  installServingPair(CERT_DIR, certs); // what the kubelet would mount from the Secret
  const webhookPort = await freePort();
  const [metricsPort, healthPort] = [await freePort(), await freePort()];

  await ensureNamespace(opts.admin, OPERATOR_NAMESPACE);
  const core = opts.admin.makeApiClient(k8s.CoreV1Api);
  await core
    .deleteNamespacedSecret({ name: SECRET, namespace: OPERATOR_NAMESPACE })
    .catch(() => undefined);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  await core.createNamespacedSecret({
    namespace: OPERATOR_NAMESPACE,
    body: {
      metadata: { name: SECRET },
      data: {
        'ca.crt': b64(certs.caCrt),
        'ca.key': b64(certs.caKey),
        'tls.crt': b64(certs.tlsCrt),
        'tls.key': b64(certs.tlsKey)
      }
    }
  });
  const [upstream] = manifestDocuments(
    module,
    'manifests/base/webhook/manifests.yaml'
  ) as k8s.V1ValidatingWebhookConfiguration[];
  await applyWebhookConfiguration(opts.admin, {
    ...upstream,
    metadata: { name: WEBHOOK_CONFIGURATION },
    webhooks: upstream.webhooks!.map(w => loopback(w, webhookPort, certs.caCrt))
  });

  const log = join(opts.dir, 'training-operator.log');
  const child = startProcess(
    join(opts.bin, 'training-operator'),
    [
      `--webhook-server-port=${webhookPort}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${healthPort}`
    ],
    log,
    { MY_POD_NAMESPACE: OPERATOR_NAMESPACE, KUBECONFIG: opts.adminKubeconfig, TMPDIR: '/tmp' }
  );
  // readyz passes once the certificates are in place and the webhook server listens.
  await waitFor(
    'training-operator webhook',
    async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok,
    120_000,
    child,
    log
  );
  return { process: child, log, version, stop: () => stopProcess(child) };
}
