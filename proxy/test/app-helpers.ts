/** Builds the app on a fake backend the way main.ts builds it on a real one. */
import { createApp, IAppDeps } from '../src/app';
import { BackendHolder } from '../src/backends/select';
import { FakeBackend } from './fake-backend';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { 'x-kubeflow-workbench-token': TOKEN };

export async function makeApp(overrides: Partial<IAppDeps> = {}) {
  const backend = new FakeBackend();
  const backends = new BackendHolder(
    { selection: 'local', stateDir: '/nonexistent' },
    { local: async () => backend, kubernetes: async () => backend }
  );
  await backends.select();
  const app = createApp({
    token: TOKEN,
    backends,
    versions: { proxy: '0.0.0-test', node: process.version, clientNode: '1.4.0' },
    ...overrides
  });
  await app.ready();
  return { app, backend, backends };
}

/** A concrete URL for a registered route pattern. */
export function concrete(url: string): string {
  return url.replace(':ns', 'default').replace(':name', 'job-1');
}
