/** Health and connection: which backend is active, retry, namespaces and contexts. */
import type { FastifyInstance } from 'fastify';
import { IInfo } from '../../../contract/info';
import { API } from '../../../contract/routes';
import type { IAppDeps } from '../app';

export function registerInfoRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const info = (): IInfo => {
    const backend = deps.backends.info();
    const kubernetes = deps.backends.kubernetesVersion();
    return { backend, versions: { ...deps.versions, ...(kubernetes ? { kubernetes } : {}) } };
  };

  app.get(`${API}/info`, async () => info());

  app.post(`${API}/connection/retry`, async () => {
    await deps.backends.select();
    return info();
  });

  app.get(`${API}/namespaces`, async () => {
    const list = await deps.backends.current.namespaces();
    const allow = deps.namespaces ?? [];
    return allow.length === 0
      ? list
      : { ...list, items: list.items.filter(n => allow.includes(n.name)) };
  });

  app.get(`${API}/contexts`, async () => deps.backends.current.contexts());
}
