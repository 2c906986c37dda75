/**
 * Kubernetes failures → `BackendError` in plain words. Pure: it recognises client-node's `ApiException`
 * (numeric `code`, `body` = the raw JSON text of a `Status`) and node-fetch's `FetchError` by shape, so it
 * needs no client-node import and is unit-testable with plain objects.
 */
import { IFieldError } from '../../../../contract/errors';
import { BackendError } from '../types';

/** What a request tried to do, in the words RBAC uses (`create pytorchjobs in team-b`). */
export interface IRequestDescription {
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  server?: string;
}

interface IStatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** The parts of a Kubernetes `Status` we use; every field may be missing in a malformed answer. */
interface IStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: IStatusCause[] };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID'
]);

const VERB_OF_METHOD: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete'
};

/** `POST /apis/kubeflow.org/v1/namespaces/team-b/pytorchjobs` → create pytorchjobs in team-b. */
export function describeRequest(
  method: string,
  path: string,
  server?: string
): IRequestDescription {
  const [pathOnly, query = ''] = path.split('?');
  const segments = pathOnly.split('/').filter(Boolean);
  // `/api/v1/...` has one prefix segment before the version, `/apis/<group>/<version>/...` two.
  const rest = segments.slice(segments[0] === 'api' ? 2 : 3);
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  const [resource, name, subresource] = namespaced ? rest.slice(2) : rest;
  const upper = method.toUpperCase();
  let verb = VERB_OF_METHOD[upper] ?? (name === undefined ? 'list' : 'get');
  if (upper === 'GET' && /(^|&)watch=(true|1)/.test(query)) {
    verb = 'watch';
  }
  return {
    verb,
    resource: subresource ? `${resource}/${subresource}` : resource,
    namespace: namespaced ? rest[1] : undefined,
    name,
    server
  };
}

/** `spec.containers[0].env[FOO]` → `/spec/containers/0/env/FOO` (RFC 6901 escaping of `~` and `/`). */
export function fieldPathToPointer(field: string): string {
  const tokens: string[] = [];
  const pattern = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const match of field.matchAll(pattern)) {
    tokens.push(match[1] ?? match[2]);
  }
  return tokens.map(token => '/' + token.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `e.body` is a JSON string in client-node 1.4, an object in some paths, or nothing at all. */
export function parseStatus(body: unknown): IStatus {
  let value = body;
  if (Buffer.isBuffer(value)) {
    value = value.toString('utf-8');
  }
  if (typeof value === 'string') {
    const text = value.trim();
    try {
      value = JSON.parse(text);
    } catch {
      return text ? { message: text.slice(0, 500) } : {};
    }
  }
  return typeof value === 'object' && value !== null ? (value as IStatus) : {};
}

function where(request: IRequestDescription): string {
  return request.namespace ? ` in namespace "${request.namespace}"` : '';
}

/** What the user asked for, in their words, with the Kubernetes resource after it. */
const TRAINING = [
  'tfjobs',
  'pytorchjobs',
  'mpijobs',
  'xgboostjobs',
  'jaxjobs',
  'paddlejobs',
  'trainjobs'
];
function resourceWords(resource: string): string {
  if (TRAINING.includes(resource)) {
    return `training jobs (${resource})`;
  }
  const words: Record<string, string> = {
    experiments: 'studies (Katib experiments)',
    trials: 'study trials (Katib trials)',
    suggestions: 'study suggestions (Katib suggestions)',
    workflows: 'pipeline runs (Argo workflows)',
    'pods/log': 'pod logs (pods/log)'
  };
  return words[resource] ?? resource;
}

function forbiddenMessage(request: IRequestDescription, status: IStatus): string {
  if (request.verb && request.resource) {
    return `You may not ${request.verb} ${resourceWords(request.resource)}${where(request)}.`;
  }
  return status.message ?? 'The cluster refused this request.';
}

function notFoundMessage(request: IRequestDescription, status: IStatus): string {
  const missing = status.details?.name;
  if (missing && request.name && missing !== request.name && status.message) {
    // Something else is missing (a pod log whose node is gone answers `nodes "n1" not found`).
    return status.message;
  }
  if (request.name && request.resource) {
    return `No ${request.resource} "${request.name}"${where(request)}.`;
  }
  if (request.resource) {
    // A list that 404s means the resource type itself is unknown: usually a missing CRD.
    return `The cluster does not serve ${request.resource}${where(request)} (is the operator installed?).`;
  }
  return status.message ?? 'Not found.';
}

function invalidFields(status: IStatus): IFieldError[] {
  return (status.details?.causes ?? []).map(cause => ({
    path: cause.field ? fieldPathToPointer(cause.field) : '',
    message: cause.message ?? cause.reason ?? 'is invalid'
  }));
}

/** Maps an HTTP status code and its `Status` body to our error codes. */
export function fromStatus(
  code: number,
  body: unknown,
  request: IRequestDescription = {}
): BackendError {
  const status = parseStatus(body);
  const detail = status.message ? `: ${status.message}` : '';
  switch (code) {
    case 401:
      // Not our `unauthorized` (that one means the proxy secret is wrong and makes the UI re-authenticate).
      return new BackendError(
        'forbidden',
        `The cluster did not accept the credentials of this kubeconfig${detail}`
      );
    case 403:
      return new BackendError('forbidden', forbiddenMessage(request, status));
    case 404:
      return new BackendError('not_found', notFoundMessage(request, status));
    case 409:
      return new BackendError(
        'conflict',
        status.message ?? 'The object already exists or was changed meanwhile.'
      );
    case 400:
    case 422: {
      const fields = invalidFields(status);
      const message = status.message ?? 'The cluster rejected the object as invalid.';
      return new BackendError('invalid_spec', message, fields.length > 0 ? fields : undefined);
    }
    case 502:
    case 503:
    case 504:
      return new BackendError(
        'unreachable',
        `The Kubernetes API server is not available (HTTP ${code})${detail}`
      );
    default:
      return new BackendError(
        'backend',
        `The Kubernetes API server answered HTTP ${code}${detail}`
      );
  }
}

interface IErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
  message?: unknown;
  type?: unknown;
}

function isNetworkError(shape: IErrorShape): boolean {
  return (
    shape.name === 'FetchError' ||
    shape.name === 'AbortError' ||
    shape.name === 'TimeoutError' ||
    (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code))
  );
}

function unreachableMessage(shape: IErrorShape, request: IRequestDescription): string {
  const server = request.server ? ` at ${request.server}` : '';
  if (shape.name === 'AbortError' || shape.name === 'TimeoutError') {
    return `The Kubernetes API server${server} did not answer in time.`;
  }
  const reason =
    typeof shape.message === 'string'
      ? shape.message.replace(/^request to \S+ failed, reason: /, '')
      : '';
  return `Could not reach the Kubernetes API server${server}: ${reason || String(shape.code)}`;
}

/** Any thrown value from a Kubernetes call → `BackendError`; already-mapped errors pass through. */
export function toBackendError(e: unknown, request: IRequestDescription = {}): BackendError {
  if (e instanceof BackendError) {
    return e;
  }
  const shape = (typeof e === 'object' && e !== null ? e : {}) as IErrorShape;
  if (typeof shape.code === 'number' && shape.code >= 400) {
    return fromStatus(shape.code, shape.body, request);
  }
  if (typeof shape.statusCode === 'number' && shape.statusCode >= 400) {
    // `Watch` reports a non-200 answer as a plain Error carrying `statusCode` and no body.
    return fromStatus(shape.statusCode, undefined, request);
  }
  if (isNetworkError(shape)) {
    return new BackendError('unreachable', unreachableMessage(shape, request));
  }
  const message = typeof shape.message === 'string' && shape.message ? shape.message : String(e);
  return new BackendError('backend', `Kubernetes request failed: ${message}`);
}
