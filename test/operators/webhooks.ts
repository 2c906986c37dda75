/**
 * The operators' own webhook configurations (from the manifests in their Go module archives), pointed at their
 * processes on loopback: `clientConfig.url` instead of an in-cluster Service, our CA as caBundle, and
 * `failurePolicy: Fail`, so nothing reaches the cluster without the operator's verdict.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Webhook = k8s.V1ValidatingWebhook | k8s.V1MutatingWebhook;

export function loopback<T extends Webhook>(hook: T, port: number, caCrt: string): T {
  const path = hook.clientConfig.service?.path ?? '/';
  return {
    ...hook,
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
    clientConfig: {
      url: `https://127.0.0.1:${port}${path}`,
      caBundle: Buffer.from(caCrt).toString('base64')
    }
  };
}

export function manifestDocuments(moduleDir: string, file: string): k8s.KubernetesObject[] {
  return k8s
    .loadAllYaml(readFileSync(join(moduleDir, file), 'utf8'))
    .filter(Boolean) as k8s.KubernetesObject[];
}

/** Creates the configuration, or replaces one left by an earlier start in the same cluster. */
export async function applyWebhookConfiguration(
  kc: k8s.KubeConfig,
  body: k8s.V1ValidatingWebhookConfiguration | k8s.V1MutatingWebhookConfiguration
): Promise<void> {
  const api = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  const name = body.metadata!.name!;
  const validating = body.kind === 'ValidatingWebhookConfiguration';
  try {
    if (validating) {
      await api.createValidatingWebhookConfiguration({ body });
    } else {
      await api.createMutatingWebhookConfiguration({ body });
    }
  } catch (e) {
    if ((e as { code?: number }).code !== 409) {
      throw e;
    }
    if (validating) {
      await api.deleteValidatingWebhookConfiguration({ name });
      await api.createValidatingWebhookConfiguration({ body });
    } else {
      await api.deleteMutatingWebhookConfiguration({ name });
      await api.createMutatingWebhookConfiguration({ body });
    }
  }
}
