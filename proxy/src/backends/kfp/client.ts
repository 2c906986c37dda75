/**
 * A typed client of the KFP v2beta1 REST API over any transport. Every non-2xx answer becomes a `KfpApiError`
 * (a `BackendError` whose code follows the HTTP status) carrying KFP's own message: v2beta1 routes answer
 * `google.rpc.Status` (`{code, message, details}`), the upload routes still answer the v1 shape
 * (`{error_message, error_details}`), and the kube-apiserver's service proxy its own `Status` (`message`).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../../../contract/errors';
import { BackendError } from '../types';
import {
  IKfpExperiment,
  IKfpHealthz,
  IKfpListQuery,
  IKfpPipeline,
  IKfpPipelineVersion,
  IKfpRun
} from './api-types';
import { IKfpHttpRequest, IKfpTransport } from './transport';

const V2 = '/apis/v2beta1';
const PAGE_SIZE = 100;
/** Paging stops here: a namespace with more runs than this is shown in part rather than stalling the proxy. */
const MAX_PAGES = 50;

export class KfpApiError extends BackendError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
    /** KFP's own text, as it sent it. */
    readonly kfpMessage: string
  ) {
    super(code, message);
    this.name = 'KfpApiError';
  }
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) {
    return 'invalid_spec';
  }
  const codes: Record<number, ErrorCode> = {
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'too_large',
    503: 'unreachable'
  };
  return codes[status] ?? 'backend';
}

/** KFP's message out of whichever error shape came back (or the raw text when it is not JSON). */
export function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.message ?? body.error_message ?? body.error;
    if (typeof message === 'string' && message) {
      return message;
    }
  } catch {
    // not JSON: a proxy or gateway page
  }
  return text.trim().slice(0, 500) || '(no message)';
}

export interface IKfpClientOptions {
  /** Who the requests are sent as, in words, for 401/403 messages. */
  describeIdentity?: () => string;
}

/** The multipart body of an upload: one file field, as the KFP SDK sends it (`uploadfile`). */
export function multipartFile(
  field: string,
  filename: string,
  content: string
): { body: string; contentType: string } {
  const boundary = `----kfwb${randomBytes(12).toString('hex')}`;
  const body =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
    'Content-Type: application/x-yaml\r\n\r\n' +
    `${content}\r\n--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

function listQuery(query: IKfpListQuery): Record<string, string | undefined> {
  return {
    namespace: query.namespace,
    experiment_id: query.experiment_id,
    page_size: String(query.page_size ?? PAGE_SIZE),
    page_token: query.page_token,
    sort_by: query.sort_by,
    filter: query.filter ? JSON.stringify(query.filter) : undefined
  };
}

export class KfpClient {
  constructor(
    readonly transport: IKfpTransport,
    private readonly options: IKfpClientOptions = {}
  ) {}

  /** Any request; answers the parsed JSON of a 2xx, throws `KfpApiError` otherwise. */
  async call<T>(action: string, request: IKfpHttpRequest): Promise<T> {
    const response = await this.transport.send(request);
    if (response.status >= 200 && response.status < 300) {
      return (response.text ? JSON.parse(response.text) : {}) as T;
    }
    const kfpMessage = errorText(response.text);
    const who =
      response.status === 401 || response.status === 403
        ? ` (sent as ${this.options.describeIdentity?.() ?? 'no identity'})`
        : '';
    throw new KfpApiError(
      codeOfStatus(response.status),
      `Kubeflow Pipelines refused to ${action}${who}: ${kfpMessage}`,
      response.status,
      kfpMessage
    );
  }

  healthz(timeoutMs?: number): Promise<IKfpHealthz> {
    return this.call('answer its health check', {
      method: 'GET',
      path: `${V2}/healthz`,
      timeoutMs
    });
  }

  /** The pipeline of that name (in `namespace` when namespaced), or undefined. */
  async pipelineByName(name: string, namespace?: string): Promise<IKfpPipeline | undefined> {
    try {
      return await this.call<IKfpPipeline>(`find pipeline "${name}"`, {
        method: 'GET',
        path: `${V2}/pipelines/names/${encodeURIComponent(name)}`,
        query: { namespace }
      });
    } catch (e) {
      if (e instanceof KfpApiError && e.status === 404) {
        return undefined;
      }
      throw e;
    }
  }

  uploadPipeline(
    yaml: string,
    params: { name: string; displayName?: string; namespace?: string }
  ): Promise<IKfpPipeline> {
    const { body, contentType } = multipartFile('uploadfile', `${params.name}.yaml`, yaml);
    return this.call(`upload pipeline "${params.name}"`, {
      method: 'POST',
      path: `${V2}/pipelines/upload`,
      query: { name: params.name, display_name: params.displayName, namespace: params.namespace },
      body,
      contentType
    });
  }

  uploadVersion(
    yaml: string,
    params: { pipelineId: string; name: string; displayName?: string }
  ): Promise<IKfpPipelineVersion> {
    const { body, contentType } = multipartFile('uploadfile', `${params.name}.yaml`, yaml);
    return this.call(`upload pipeline version "${params.name}"`, {
      method: 'POST',
      path: `${V2}/pipelines/upload_version`,
      query: { pipelineid: params.pipelineId, name: params.name, display_name: params.displayName },
      body,
      contentType
    });
  }

  version(pipelineId: string, versionId: string): Promise<IKfpPipelineVersion> {
    return this.call(`read pipeline version ${versionId}`, {
      method: 'GET',
      path: `${V2}/pipelines/${encodeURIComponent(pipelineId)}/versions/${encodeURIComponent(versionId)}`
    });
  }

  /** Every page of a list route, concatenated. */
  private async listAll<T>(
    action: string,
    path: string,
    field: string,
    query: IKfpListQuery
  ): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.call<Record<string, unknown>>(action, {
        method: 'GET',
        path,
        query: listQuery({ ...query, page_token: token })
      });
      items.push(...((answer[field] as T[] | undefined) ?? []));
      token = answer.next_page_token as string | undefined;
      if (!token) {
        break;
      }
    }
    return items;
  }

  versions(pipelineId: string): Promise<IKfpPipelineVersion[]> {
    return this.listAll(
      'list pipeline versions',
      `${V2}/pipelines/${encodeURIComponent(pipelineId)}/versions`,
      'pipeline_versions',
      {}
    );
  }

  experiments(query: IKfpListQuery): Promise<IKfpExperiment[]> {
    const where = query.namespace ? ` in namespace ${query.namespace}` : '';
    return this.listAll(`list experiments${where}`, `${V2}/experiments`, 'experiments', query);
  }

  createExperiment(experiment: IKfpExperiment): Promise<IKfpExperiment> {
    return this.call(`create experiment "${experiment.display_name}"`, {
      method: 'POST',
      path: `${V2}/experiments`,
      body: JSON.stringify(experiment),
      contentType: 'application/json'
    });
  }

  runs(query: IKfpListQuery): Promise<IKfpRun[]> {
    const where = query.namespace ? ` in namespace ${query.namespace}` : '';
    return this.listAll(`list runs${where}`, `${V2}/runs`, 'runs', query);
  }

  run(runId: string): Promise<IKfpRun> {
    return this.call(`read run ${runId}`, {
      method: 'GET',
      path: `${V2}/runs/${encodeURIComponent(runId)}`
    });
  }

  createRun(run: IKfpRun): Promise<IKfpRun> {
    return this.call(`create run "${run.display_name}"`, {
      method: 'POST',
      path: `${V2}/runs`,
      body: JSON.stringify(run),
      contentType: 'application/json'
    });
  }

  /** `:terminate`, `:retry`, `:archive`, `:unarchive`. */
  runAction(
    runId: string,
    action: 'terminate' | 'retry' | 'archive' | 'unarchive'
  ): Promise<unknown> {
    return this.call(`${action} run ${runId}`, {
      method: 'POST',
      path: `${V2}/runs/${encodeURIComponent(runId)}:${action}`
    });
  }

  deleteRun(runId: string): Promise<unknown> {
    return this.call(`delete run ${runId}`, {
      method: 'DELETE',
      path: `${V2}/runs/${encodeURIComponent(runId)}`
    });
  }

  /** An output artifact's bytes (`ReadArtifactResponse.data`, base64 on the wire). */
  async readArtifact(runId: string, nodeId: string, artifact: string): Promise<Buffer> {
    const answer = await this.call<{ data?: string }>(`read artifact "${artifact}"`, {
      method: 'GET',
      path: `${V2}/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/artifacts/${encodeURIComponent(artifact)}:read`
    });
    return Buffer.from(answer.data ?? '', 'base64');
  }
}
