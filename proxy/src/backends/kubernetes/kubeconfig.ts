/**
 * Which kubeconfig to use and which context in it, decided on plain data so every failure can be told in plain
 * words (which file, which context, which server) and tested without files. `client.ts` does the reading.
 */
import { join } from 'node:path';
import { BackendError } from '../types';

interface INamed {
  name: string;
}

/** The parts of a loaded kubeconfig this module reads (structurally a client-node `KubeConfig`). */
export interface IKubeconfigParts<
  C extends INamed & { server: string; skipTLSVerify?: boolean } = INamed & {
    server: string;
    skipTLSVerify?: boolean;
  },
  U extends INamed = INamed,
  X extends INamed & { cluster: string; user: string; namespace?: string } = INamed & {
    cluster: string;
    user: string;
    namespace?: string;
  }
> {
  clusters: C[];
  users: U[];
  contexts: X[];
  currentContext?: string;
}

export type KubeconfigSource =
  { kind: 'files'; files: string[]; label: string } | { kind: 'in-cluster'; label: string };

export interface IKubeconfigEnvironment {
  home: string;
  /** `$KUBECONFIG`: a list of files separated by the platform delimiter. */
  kubeconfigEnv?: string;
  delimiter: string;
  /** A service account token is mounted and KUBERNETES_SERVICE_HOST is set. */
  inCluster: boolean;
  exists(path: string): boolean;
}

const unreachable = (message: string) => new BackendError('unreachable', message);

/** Explicit file, else `$KUBECONFIG` (missing entries skipped, like kubectl), else `~/.kube/config`, else in-cluster. */
export function chooseKubeconfigSource(
  explicit: string | undefined,
  env: IKubeconfigEnvironment
): KubeconfigSource {
  if (explicit) {
    if (!env.exists(explicit)) {
      throw unreachable(`The kubeconfig file ${explicit} does not exist.`);
    }
    return {
      kind: 'files',
      files: [explicit],
      label: `kubeconfig ${explicit}`
    };
  }
  const listed = (env.kubeconfigEnv ?? '').split(env.delimiter).filter(Boolean);
  if (listed.length > 0) {
    const files = listed.filter(file => env.exists(file));
    if (files.length === 0) {
      throw unreachable(`None of the files in KUBECONFIG exist (${listed.join(env.delimiter)}).`);
    }
    return {
      kind: 'files',
      files,
      label: `KUBECONFIG (${files.join(env.delimiter)})`
    };
  }
  const home = join(env.home, '.kube', 'config');
  if (env.exists(home)) {
    return { kind: 'files', files: [home], label: `kubeconfig ${home}` };
  }
  if (env.inCluster) {
    return { kind: 'in-cluster', label: 'the in-cluster service account' };
  }
  throw unreachable(
    `No kubeconfig found: KUBECONFIG is not set, ${home} does not exist, and this is not running in a cluster.`
  );
}

/** Why a kubeconfig file could not be loaded, in words. */
export function describeLoadError(file: string, error: unknown): BackendError {
  const e = (error ?? {}) as {
    code?: string;
    name?: string;
    reason?: string;
    message?: string;
  };
  if (e.code === 'ENOENT') {
    return unreachable(`The kubeconfig file ${file} does not exist.`);
  }
  if (e.code === 'EACCES' || e.code === 'EISDIR') {
    return unreachable(`The kubeconfig file ${file} cannot be read (${e.code}).`);
  }
  if (e.name === 'YAMLException') {
    return unreachable(`The kubeconfig file ${file} is not valid YAML: ${e.reason ?? e.message}.`);
  }
  if (e instanceof TypeError) {
    // client-node dereferences `clusters`/`users`/`contexts` of whatever YAML it read (empty file, a list, …).
    return unreachable(`The kubeconfig file ${file} is empty or not a kubeconfig.`);
  }
  return unreachable(`The kubeconfig file ${file} is broken: ${e.message ?? String(error)}.`);
}

function firstByName<T extends INamed>(lists: T[][]): T[] {
  const seen = new Map<string, T>();
  for (const item of lists.flat()) {
    if (!seen.has(item.name)) {
      seen.set(item.name, item);
    }
  }
  return [...seen.values()];
}

/** Merges kubeconfigs the way kubectl does: the first file to define a name (or a current context) wins. */
export function mergeKubeconfigs<C extends IKubeconfigParts>(parts: C[]): IKubeconfigParts {
  return {
    clusters: firstByName(parts.map(p => p.clusters ?? [])),
    users: firstByName(parts.map(p => p.users ?? [])),
    contexts: firstByName(parts.map(p => p.contexts ?? [])),
    currentContext: parts.map(p => p.currentContext).find(Boolean)
  };
}

/** The context to use (explicit, else the current one) and its cluster; anything missing throws in words. */
export function selectContext(
  config: IKubeconfigParts,
  requested: string | undefined,
  label: string
): { context: string; server: string; namespace?: string } {
  const names = config.contexts.map(c => c.name);
  const wanted = requested || config.currentContext;
  if (!wanted) {
    const choices =
      names.length > 0 ? ` Choose one of: ${names.join(', ')}.` : ' It defines no contexts.';
    throw unreachable(`${label} names no current context.${choices}`);
  }
  const context = config.contexts.find(c => c.name === wanted);
  if (!context) {
    const choices = names.length > 0 ? `it has ${names.join(', ')}` : 'it defines no contexts';
    throw unreachable(`The context "${wanted}" is not in ${label} (${choices}).`);
  }
  const cluster = config.clusters.find(c => c.name === context.cluster);
  if (!cluster) {
    throw unreachable(
      `The context "${wanted}" uses cluster "${context.cluster}", which ${label} does not define.`
    );
  }
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw unreachable(
      `The cluster "${cluster.name}" (${cluster.server}) uses plain http; set insecure-skip-tls-verify: true ` +
        'for it in the kubeconfig to allow that.'
    );
  }
  return {
    context: wanted,
    server: cluster.server,
    namespace: context.namespace || undefined
  };
}
