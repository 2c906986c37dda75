/** Path and query parameters shared by the feature routes, checked before any backend call. */
import { BackendError } from '../backends/types';
import { DNS1123_LABEL, namespaceAllowed } from '../security';
import type { IAppDeps } from '../app';

export function checkName(what: 'namespace' | 'name', value: string): string {
  if (!DNS1123_LABEL.test(value)) {
    throw new BackendError('invalid_spec', `${what} "${value}" is not a valid DNS-1123 label`, [
      {
        path: `/${what}`,
        message: 'must be lower case letters, digits and "-", at most 63 characters'
      }
    ]);
  }
  return value;
}

export function checkNamespace(deps: IAppDeps, namespace: string): string {
  checkName('namespace', namespace);
  if (!namespaceAllowed(namespace, deps.namespaces ?? [])) {
    throw new BackendError('forbidden', `Namespace "${namespace}" is not open to this workbench.`);
  }
  return namespace;
}

/** A bounded positive integer from the query string, or the default. */
export function intParam(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new BackendError('invalid_spec', `expected a non-negative integer, got "${String(raw)}"`);
  }
  return Math.min(n, max);
}

export function flagParam(raw: unknown): boolean {
  return raw === '1' || raw === 'true' || raw === '';
}
