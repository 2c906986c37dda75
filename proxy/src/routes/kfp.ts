/**
 * `GET /api/v1/kfp`: how the proxy reaches Kubeflow Pipelines (or why it does not), in the contract's
 * `IKfpConnection`. `POST` with `{endpoint}` sets the configured URL (the `kfpEndpoint` setting; `null` clears
 * it) and discovers again; an empty body only re-detects.
 */
import type { FastifyInstance } from 'fastify';
import { IKfpConnection, IKfpConnectRequest } from '../../../contract/kfp';
import { API } from '../../../contract/routes';
import { BackendError, IKfpControl } from '../backends/types';
import type { IAppDeps } from '../app';

const NO_KFP: IKfpConnection = {
  state: 'not-found',
  message: 'This backend cannot reach Kubeflow Pipelines.'
};

function checkEndpoint(body: IKfpConnectRequest | undefined): string | null | undefined {
  const endpoint = body?.endpoint;
  if (endpoint === undefined || endpoint === null) {
    return endpoint;
  }
  if (endpoint === '') {
    return null; // an emptied setting clears it
  }
  let url: URL | undefined;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new BackendError('invalid_spec', 'The KFP endpoint must be an http(s) URL.', [
      {
        path: '/endpoint',
        message: 'must be a URL such as http://ml-pipeline.kubeflow.svc.cluster.local:8888'
      }
    ]);
  }
  return endpoint;
}

export function registerKfpRoutes(app: FastifyInstance, deps: IAppDeps): void {
  // The setting outlives a backend switch (connection retry, the Backend setting): a new backend's KFP side is
  // given it before it first answers.
  let setting: string | undefined;
  const told = new WeakSet<IKfpControl>();
  const control = async (): Promise<IKfpControl | undefined> => {
    const kfp = deps.backends.current.kfp;
    if (kfp && setting !== undefined && !told.has(kfp)) {
      told.add(kfp);
      await kfp.connect(setting);
    }
    return kfp;
  };

  app.get(`${API}/kfp`, async () => {
    const kfp = await control();
    return kfp ? kfp.connection() : NO_KFP;
  });

  app.post<{ Body: IKfpConnectRequest | undefined }>(`${API}/kfp`, async request => {
    if (
      request.body !== undefined &&
      (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body))
    ) {
      throw new BackendError('invalid_spec', 'The request body must be a JSON object.');
    }
    const endpoint = checkEndpoint(request.body);
    if (endpoint !== undefined) {
      setting = endpoint ?? undefined;
    }
    const kfp = deps.backends.current.kfp;
    if (kfp) {
      told.add(kfp);
    }
    return kfp ? kfp.connect(endpoint) : NO_KFP;
  });
}
