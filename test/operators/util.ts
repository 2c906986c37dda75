import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A module's version as pinned in the wrapper go.mod that builds its binary. */
export function pinned(wrapper: string, module: string): string {
  const gomod = readFileSync(join(__dirname, wrapper, 'go.mod'), 'utf8');
  const line = gomod.split('\n').find(l =>
    l
      .trim()
      .replace(/^require\s+/, '')
      .startsWith(`${module} `)
  );
  if (!line) {
    throw new Error(`${module} is not pinned in test/operators/${wrapper}/go.mod`);
  }
  return line.trim().split(/\s+/).pop()!;
}

export async function ensureNamespace(kc: k8s.KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name } } })
    .catch((e: { code?: number }) => {
      if (e.code !== 409) {
        throw e;
      }
    });
}
