/**
 * katib-controller v0.19.0 (built from the Go module) with its Experiment webhooks registered on loopback, so
 * every Experiment the tests create is defaulted and validated by Katib itself.
 *
 * Webhooks only, by RBAC: it runs as user `katib-controller`, who may read everything but write nothing except
 * Events. Its reconcilers start (they cannot be turned off) and every write they try (Suggestions, Trials,
 * Experiment status, suggestion Deployments) is refused and logged, so the tests keep playing the controller.
 * Its webhook server reads /tmp/cert (a constant in Katib), hence the machine-wide pair from certs.ts.
 */
import * as k8s from '@kubernetes/client-node';
import { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleDir } from '../apiserver/crds';
import { freePort, startProcess, stopProcess, waitFor } from '../apiserver/processes';
import { installServingPair, webhookCerts } from './certs';
import { applyWebhookConfiguration, loopback, manifestDocuments } from './webhooks';
import { ensureNamespace, pinned } from './util';

export const KATIB_NAMESPACE = 'kubeflow';
export const KATIB_USER = 'katib-controller';
const KATIB_CERT_DIR = '/tmp/cert';

export interface IKatib {
  process: ChildProcess;
  log: string;
  stop(): Promise<void>;
}

/** The upstream standalone katib-config with our ports, no cert generator, and the same trial kinds. */
function katibConfig(
  dir: string,
  webhookPort: number,
  metricsPort: number,
  healthPort: number
): string {
  const [config] = manifestDocuments(
    dir,
    'manifests/v1beta1/installs/katib-standalone/katib-config.yaml'
  ) as Array<
    k8s.KubernetesObject & {
      init: { controller: Record<string, unknown>; certGenerator?: unknown };
    }
  >;
  config.init.certGenerator = { enable: false };
  Object.assign(config.init.controller, {
    webhookPort,
    metricsAddr: `127.0.0.1:${metricsPort}`,
    healthzAddr: `127.0.0.1:${healthPort}`,
    enableLeaderElection: false
  });
  return k8s.dumpYaml(config);
}

/** Read everything, write only Events: enough for the webhooks and the caches behind them. */
export async function grantKatibReadOnly(kc: k8s.KubeConfig): Promise<void> {
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: 'kfwb-katib-webhooks-only' },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] }
      ]
    }
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'kfwb-katib-webhooks-only' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'kfwb-katib-webhooks-only'
      },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: KATIB_USER }]
    }
  });
}

export async function startKatib(opts: {
  bin: string;
  admin: k8s.KubeConfig;
  /** Kubeconfig of the KATIB_USER (see grantKatibReadOnly). */
  kubeconfig: string;
  dir: string;
}): Promise<IKatib> {
  const module = moduleDir(
    'github.com/kubeflow/katib',
    pinned('katib-controller', 'github.com/kubeflow/katib')
  );
  const certs = webhookCerts();
  installServingPair(KATIB_CERT_DIR, certs);
  const [webhookPort, metricsPort, healthPort] = [
    await freePort(),
    await freePort(),
    await freePort()
  ];
  const config = katibConfig(module, webhookPort, metricsPort, healthPort);
  const configFile = join(opts.dir, 'katib-config.yaml');
  writeFileSync(configFile, config);

  await ensureNamespace(opts.admin, KATIB_NAMESPACE);
  const core = opts.admin.makeApiClient(k8s.CoreV1Api);
  const cm = {
    metadata: { name: 'katib-config', namespace: KATIB_NAMESPACE },
    data: { 'katib-config.yaml': config }
  };
  await core
    .deleteNamespacedConfigMap({ name: 'katib-config', namespace: KATIB_NAMESPACE })
    .catch(() => undefined);
  await core.createNamespacedConfigMap({ namespace: KATIB_NAMESPACE, body: cm });

  const log = join(opts.dir, 'katib-controller.log');
  const child = startProcess(
    join(opts.bin, 'katib-controller'),
    [`--katib-config=${configFile}`],
    log,
    {
      KUBECONFIG: opts.kubeconfig,
      KATIB_CORE_NAMESPACE: KATIB_NAMESPACE
    }
  );
  await waitFor(
    'katib-controller webhooks',
    async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok,
    120_000,
    child,
    log
  );

  // Only the Experiment webhooks: the pod mutator would inject a metrics-collector sidecar that no kubelet runs.
  const docs = manifestDocuments(
    module,
    'manifests/v1beta1/components/webhook/webhooks.yaml'
  ) as Array<k8s.V1ValidatingWebhookConfiguration | k8s.V1MutatingWebhookConfiguration>;
  for (const doc of docs) {
    const webhooks = (doc.webhooks as Array<k8s.V1ValidatingWebhook | k8s.V1MutatingWebhook>)
      .filter(w => w.rules?.some(r => r.resources?.includes('experiments')))
      .map(w => loopback(w, webhookPort, certs.caCrt));
    await applyWebhookConfiguration(opts.admin, { ...doc, webhooks } as typeof doc);
  }
  return { process: child, log, stop: () => stopProcess(child) };
}
