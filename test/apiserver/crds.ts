/** Installs our Kubeflow CRDs (crds/*.yaml, written from the API facts, not copied) and waits until served. */
import * as k8s from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CRD_DIR = join(__dirname, 'crds');

export function crdDocuments(): k8s.V1CustomResourceDefinition[] {
  return readdirSync(CRD_DIR)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .flatMap(
      f =>
        k8s.loadAllYaml(readFileSync(join(CRD_DIR, f), 'utf8')) as k8s.V1CustomResourceDefinition[]
    );
}

/** Creates (or replaces) every CRD, then waits for all of them to be Established, i.e. served. */
export async function installCrds(
  kubeconfig: string | k8s.KubeConfig,
  timeoutMs = 30_000
): Promise<string[]> {
  const kc = typeof kubeconfig === 'string' ? fromFile(kubeconfig) : kubeconfig;
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const crds = crdDocuments();
  for (const body of crds) {
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (e) {
      if ((e as { code?: number }).code !== 409) {
        throw e;
      }
      const name = body.metadata!.name!;
      const current = await api.readCustomResourceDefinition({ name });
      body.metadata!.resourceVersion = current.metadata!.resourceVersion;
      await api.replaceCustomResourceDefinition({ name, body });
    }
  }
  const deadline = Date.now() + timeoutMs;
  const objects = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const crd of crds) {
    const name = crd.metadata!.name!;
    await until(`CRD ${name} Established`, deadline, async () => {
      const current = await api.readCustomResourceDefinition({ name });
      return !!current.status?.conditions?.some(
        c => c.type === 'Established' && c.status === 'True'
      );
    });
    // Established is not yet servable: until the new type's watch cache has synced, lists answer
    // 429 "storage is (re)initializing". Wait for a list to succeed so tests never see that.
    const { group, versions, names } = crd.spec;
    await until(`${name} listable`, deadline, () =>
      objects
        .listClusterCustomObject({
          group,
          version: versions[0].name,
          plural: names.plural,
          limit: 1
        })
        .then(() => true)
    );
  }
  return crds.map(c => c.metadata!.name!);
}

async function until(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) {
        return;
      }
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${what}: timed out${last ? ` (${String(last).split('\n')[0]})` : ''}`);
}

function fromFile(file: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}
