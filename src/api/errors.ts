/** The one error type every proxy call rejects with: the proxy's code, message and field paths, kept intact. */
import { ErrorCode, IFieldError, isErrorBody } from '../../contract/errors';

export class ProxyError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: ErrorCode | 'proxy_missing',
    readonly fields: IFieldError[] = []
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

const MAX_PAGE_TEXT = 200;

/** Builds the error of a failed response: ours when the body is our error shape, else a plain explanation. */
export async function errorOfResponse(response: Response, url: string): Promise<ProxyError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ProxyError(
      body.error.message,
      response.status,
      body.error.code,
      body.error.fields ?? []
    );
  }
  // Not our error shape: the proxy is not behind this URL (jupyter-server-proxy missing, proxy failed to start).
  const page = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_PAGE_TEXT);
  return new ProxyError(
    `The Kubeflow Workbench proxy did not answer at ${url.split('?')[0]} (HTTP ${response.status})` +
      (page ? `: ${page}` : '') +
      '. Is jupyter-server-proxy installed and the kubeflow-workbench package installed in this Jupyter server?',
    response.status,
    'proxy_missing'
  );
}

export function networkError(url: string, cause: unknown): ProxyError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProxyError(
    `Could not reach the Jupyter server at ${url.split('?')[0]}: ${reason}`,
    0,
    'unreachable'
  );
}
