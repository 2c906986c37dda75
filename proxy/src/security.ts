/**
 * The proxy's own door: jupyter-server-proxy enforces the Jupyter login but neither checks XSRF nor strips
 * Jupyter's credentials, so every request must carry the per-launch secret, state-changing requests must come
 * from our own origin, and Jupyter's Authorization/Cookie headers are dropped before anything can log them.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** DNS-1123 label: what Kubernetes accepts for namespaces and object names; also rules out `..` and `/`. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) {
    return false;
  }
  return timingSafeEqual(digest(presented), digest(expected));
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * A state-changing request with an Origin header must come from the page's own host (as the browser saw it:
 * X-Forwarded-Host when a proxy set it, else Host) or from an allowlisted origin. Kernels send no Origin.
 */
export function originAllowed(
  method: string,
  headers: IncomingHttpHeaders,
  allowed: string[]
): boolean {
  const origin = headers.origin;
  if (!STATE_CHANGING.has(method.toUpperCase()) || origin === undefined) {
    return true;
  }
  if (allowed.includes(origin)) {
    return true;
  }
  const originHost = hostOf(origin);
  if (!originHost) {
    return false;
  }
  const forwarded = headers['x-forwarded-host'];
  const hosts = [forwarded, headers.host]
    .flatMap(h => (Array.isArray(h) ? h : h ? h.split(',') : []))
    .map(h => h.trim().toLowerCase());
  return hosts.includes(originHost);
}

/** Headers that carry Jupyter's credentials: never forwarded, never logged. */
export function scrubCredentials(headers: IncomingHttpHeaders): void {
  delete headers.authorization;
  delete headers.cookie;
  delete headers['x-xsrftoken'];
}

/** Namespace scoping: when an allowlist is configured, nothing outside it is touched. */
export function namespaceAllowed(namespace: string, allowlist: string[]): boolean {
  return allowlist.length === 0 || allowlist.includes(namespace);
}
