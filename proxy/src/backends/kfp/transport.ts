/**
 * How requests reach a KFP API server: straight over HTTP (in-cluster service, configured URL) or through the
 * kube-apiserver's service proxy (backends/kubernetes/kfp-transport.ts, which owns the kubeconfig). A transport
 * answers every HTTP status (the client reads KFP's error bodies); only a network failure throws.
 */
import { BackendError } from '../types';

export interface IKfpHttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** From `/apis/…` on, e.g. `/apis/v2beta1/runs`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  timeoutMs?: number;
}

export interface IKfpHttpResponse {
  status: number;
  text: string;
}

export interface IKfpTransport {
  /** What the user sees as "the endpoint": a URL, or the apiserver's service-proxy URL. */
  readonly endpoint: string;
  send(request: IKfpHttpRequest): Promise<IKfpHttpResponse>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function queryString(query: IKfpHttpRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) {
      params.set(key, value);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The cause of a failed fetch in words (undici hides the errno in `cause`). */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if ((error as Error)?.name === 'TimeoutError') {
    return 'no answer in time';
  }
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Plain HTTP(S) to `baseUrl` (no trailing `/apis`), with the auth headers computed per request. */
export function httpTransport(
  baseUrl: string,
  headers: () => Promise<Record<string, string>>
): IKfpTransport {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    endpoint: base,
    async send(request) {
      const url = `${base}${request.path}${queryString(request.query)}`;
      try {
        const response = await fetch(url, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...(request.contentType ? { 'content-type': request.contentType } : {}),
            ...(await headers())
          },
          body: request.body,
          signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS)
        });
        return { status: response.status, text: await response.text() };
      } catch (e) {
        throw new BackendError(
          'unreachable',
          `Kubeflow Pipelines at ${base} does not answer (${networkReason(e)}).`
        );
      }
    }
  };
}
