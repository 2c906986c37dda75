/** Health and connection: which backend is active, retry, namespaces and contexts. */
import type { FastifyInstance } from 'fastify';
import { BackendSelection, IInfo } from '../../../contract/info';
import { BackendError } from '../backends/types';

const SELECTIONS: BackendSelection[] = ['auto', 'local', 'kubernetes'];
import { API } from '../../../contract/routes';
import type { IAppDeps } from '../app';

export function registerInfoRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const info = (): IInfo => {
    const backend = deps.backends.info();
    const kubernetes = deps.backends.kubernetesVersion();
    return { backend, versions: { ...deps.versions, ...(kubernetes ? { kubernetes } : {}) } };
  };

  app.get(`${API}/info`, async () => info());

  // An empty body retries the same selection; `{"backend": …}` switches it (the Backend setting).
  app.post<{ Body: { backend?: unknown } | undefined }>(
    `${API}/connection/retry`,
    async request => {
      const wanted = request.body?.backend;
      if (wanted !== undefined && !SELECTIONS.includes(wanted as BackendSelection)) {
        throw new BackendError('invalid_spec', 'The backend choice is invalid.', [
          { path: '/backend', message: `must be one of: ${SELECTIONS.join(', ')}` }
        ]);
      }
      await deps.backends.select(wanted as BackendSelection | undefined);
      return info();
    }
  );

  app.get(`${API}/namespaces`, async () => {
    const list = await deps.backends.current.namespaces();
    const allow = deps.namespaces ?? [];
    return allow.length === 0
      ? list
      : { ...list, items: list.items.filter(n => allow.includes(n.name)) };
  });

  app.get(`${API}/contexts`, async () => deps.backends.current.contexts());
}
