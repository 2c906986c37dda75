import http from 'node:http';
import { AddressInfo } from 'node:net';
import { AUTH, makeApp } from './app-helpers';

const SPEC = {
  name: 'mnist-1',
  framework: 'pytorch',
  replicas: { Master: { count: 1 }, Worker: { count: 2 } },
  image: 'python:3.11',
  command: ['python', '-c', 'print(1)']
};
const post = (payload: unknown, ns = 'default') => ({
  method: 'POST' as const,
  url: `/api/v1/namespaces/${ns}/jobs`,
  headers: AUTH,
  payload: payload as Record<string, unknown>
});

describe('job routes', () => {
  it('creates once and answers the same job on a retried create', async () => {
    const { app, backend } = await makeApp();
    const first = await app.inject(post(SPEC));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      name: 'mnist-1',
      namespace: 'default',
      framework: 'pytorch'
    });
    const again = await app.inject(post(SPEC));
    expect(again.statusCode).toBe(200);
    expect(again.json().created).toEqual(first.json().created);
    expect(backend.jobsByKey.size).toBe(1);
  });

  it('generates a DNS-1123 name when none is given', async () => {
    const { app } = await makeApp();
    const { name: _, ...unnamed } = SPEC;
    const res = await app.inject(post(unnamed));
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('rejects an invalid spec with field paths and creates nothing', async () => {
    const { app, backend } = await makeApp();
    const res = await app.inject(
      post({ ...SPEC, name: 'Bad_Name', replicas: { Worker: { count: -1 } } })
    );
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_spec');
    const paths = error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['/name', '/replicas/Worker/count']));
    expect(backend.jobsByKey.size).toBe(0);
  });

  it('refuses a spec whose namespace contradicts the URL', async () => {
    const { app } = await makeApp();
    const res = await app.inject(post({ ...SPEC, namespace: 'team-a' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([
      { path: '/namespace', message: expect.stringContaining('default') }
    ]);
  });

  it('gets, lists, reads events and logs, deletes; 404 afterwards', async () => {
    const { app } = await makeApp();
    await app.inject(post(SPEC));
    const base = '/api/v1/namespaces/default/jobs';
    expect(
      (await app.inject({ method: 'GET', url: base, headers: AUTH })).json().items
    ).toHaveLength(1);
    expect(
      (await app.inject({ method: 'GET', url: `${base}/mnist-1`, headers: AUTH })).json().name
    ).toBe('mnist-1');
    const events = await app.inject({
      method: 'GET',
      url: `${base}/mnist-1/events`,
      headers: AUTH
    });
    expect(events.json().items[0].reason).toBe('Created');
    const logs = await app.inject({
      method: 'GET',
      url: `${base}/mnist-1/logs?tail=1`,
      headers: AUTH
    });
    expect(logs.headers['content-type']).toMatch(/text\/plain/);
    expect(logs.body).toBe('[worker-0] world\n');
    const bad = await app.inject({
      method: 'GET',
      url: `${base}/mnist-1/logs?tail=-3`,
      headers: AUTH
    });
    expect(bad.statusCode).toBe(400);
    const del = await app.inject({ method: 'DELETE', url: `${base}/mnist-1`, headers: AUTH });
    expect(del.json()).toEqual({ deleted: true });
    const gone = await app.inject({ method: 'GET', url: `${base}/mnist-1`, headers: AUTH });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
  });

  it('streams a snapshot and then changes as server-sent events', async () => {
    const { app } = await makeApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/api/v1/namespaces/default/watch/jobs', headers: AUTH },
        res => {
          expect(res.headers['content-type']).toMatch(/text\/event-stream/);
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received.push(chunk);
            const text = received.join('');
            if (text.includes('event: snapshot') && !text.includes('event: added')) {
              void app.inject(post(SPEC));
            }
            if (text.includes('event: added')) {
              req.destroy();
              resolve();
            }
          });
        }
      );
      req.on('error', reject);
    });
    await done;
    const text = received.join('');
    const added = text.split('\n\n').find(block => block.startsWith('event: added'))!;
    const data = JSON.parse(added.split('\n')[1].slice('data: '.length));
    expect(data).toMatchObject({ type: 'added', object: { name: 'mnist-1' } });
    await app.close();
  });
});

describe('live stream access', () => {
  it('answers a JSON 403 before streaming when the namespace may not be read', async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/forbidden-ns/watch/jobs',
      headers: AUTH
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('forbidden-ns');
  });
});

describe('backend selection', () => {
  it('falls back to local under auto and says why', async () => {
    const { BackendHolder } = await import('../src/backends/select');
    const { FakeBackend } = await import('./fake-backend');
    const holder = new BackendHolder(
      { selection: 'auto', stateDir: '/x' },
      {
        local: async () => new FakeBackend(),
        kubernetes: async () => {
          throw new Error('no kubeconfig at /home/u/.kube/config');
        }
      }
    );
    const info = await holder.select();
    expect(info).toMatchObject({ kind: 'local', selected: 'auto', state: 'connected' });
    expect(info.message).toContain('no kubeconfig at /home/u/.kube/config');
  });

  it('reports unreachable (503) when kubernetes is forced and down', async () => {
    const { BackendHolder } = await import('../src/backends/select');
    const { createApp } = await import('../src/app');
    const holder = new BackendHolder(
      { selection: 'kubernetes', stateDir: '/x' },
      {
        local: async () => {
          throw new Error('must not be used');
        },
        kubernetes: async () => {
          throw new Error('cluster https://10.0.0.1:6443 did not answer within 3 s');
        }
      }
    );
    await holder.select();
    const app = createApp({
      token: 'test-token-0123456789abcdef',
      backends: holder,
      versions: { proxy: 'x', node: 'x', clientNode: 'x' }
    });
    const info = await app.inject({ method: 'GET', url: '/api/v1/info', headers: AUTH });
    expect(info.json().backend).toMatchObject({ state: 'unreachable', kind: 'kubernetes' });
    const jobs = await app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/default/jobs',
      headers: AUTH
    });
    expect(jobs.statusCode).toBe(503);
    expect(jobs.json().error.message).toContain('did not answer');
  });
});
