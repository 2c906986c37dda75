/** The one error shape every proxy route answers with, and the codes it may carry. */
export type ErrorCode =
  | 'invalid_spec'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unreachable'
  /** The proxy is at its bound of concurrent work (analyses): retry later. */
  | 'busy'
  | 'backend'
  | 'internal';

/** A validation problem at a JSON pointer into the request body (e.g. `/replicas/Worker/count`). */
export interface IFieldError {
  path: string;
  message: string;
}

export interface IErrorBody {
  error: { code: ErrorCode; message: string; fields?: IFieldError[] };
}

export const STATUS_OF_CODE: Record<ErrorCode, number> = {
  invalid_spec: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unreachable: 503,
  busy: 503,
  backend: 502,
  internal: 500
};

export function isErrorBody(value: unknown): value is IErrorBody {
  const error = (value as IErrorBody | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.message === 'string';
}
