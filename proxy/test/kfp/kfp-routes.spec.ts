/** `GET/POST /api/v1/kfp`, KFP run actions and submission on the proxy's HTTP surface (a fake backend). */
import { IKfpConnection } from '../../../contract/kfp';
import { AUTH, makeApp } from '../app-helpers';

const post = (url: string, payload?: unknown) => ({
  method: 'POST' as const,
  url,
  headers: AUTH,
  ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> })
});

function fakeKfp(connection: IKfpConnection) {
  const asked: (string | null | undefined)[] = [];
  return {
    asked,
    control: {
      connection: async () => connection,
      connect: async (endpoint?: string | null) => {
        asked.push(endpoint);
        return { ...connection, endpoint: endpoint ?? undefined };
      }
    }
  };
}

describe('/api/v1/kfp', () => {
  it('answers the connection, and sets or clears the endpoint', async () => {
    const { app, backend } = await makeApp();
    const kfp = fakeKfp({ state: 'connected', via: 'configured', message: 'ok' });
    Object.assign(backend, { kfp: kfp.control });
    const got = await app.inject({ method: 'GET', url: '/api/v1/kfp', headers: AUTH });
    expect(got.json()).toEqual({ state: 'connected', via: 'configured', message: 'ok' });
    const set = await app.inject(post('/api/v1/kfp', { endpoint: 'http://kfp.example:8888' }));
    expect(set.json().endpoint).toBe('http://kfp.example:8888');
    await app.inject(post('/api/v1/kfp', { endpoint: '' }));
    await app.inject(post('/api/v1/kfp'));
    expect(kfp.asked).toEqual(['http://kfp.example:8888', null, undefined]);
  });

  it('gives the setting to the KFP side of a backend that replaced the first one', async () => {
    const { app, backend, backends } = await makeApp();
    const first = fakeKfp({ state: 'connected' });
    Object.assign(backend, { kfp: first.control });
    await app.inject(post('/api/v1/kfp', { endpoint: 'http://kfp.example:8888' }));
    const second = fakeKfp({ state: 'connected' });
    await backends.select(); // a connection retry: the fake backend comes back with a new KFP side
    Object.assign(backends.current, { kfp: second.control });
    await app.inject({ method: 'GET', url: '/api/v1/kfp', headers: AUTH });
    await app.inject({ method: 'GET', url: '/api/v1/kfp', headers: AUTH });
    expect(second.asked).toEqual(['http://kfp.example:8888']);
  });

  it('refuses an endpoint that is not an http(s) URL, with its path', async () => {
    const { app, backend } = await makeApp();
    Object.assign(backend, { kfp: fakeKfp({ state: 'not-found' }).control });
    const res = await app.inject(post('/api/v1/kfp', { endpoint: 'ml-pipeline:8888' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0].path).toBe('/endpoint');
  });

  it('says so when the backend has no KFP side at all', async () => {
    const { app } = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/api/v1/kfp', headers: AUTH });
    expect(res.json().state).toBe('not-found');
  });
});

describe('KFP runs on the run routes', () => {
  it("answers a KFP submission with the connection's words when KFP is not usable", async () => {
    const { app, backend } = await makeApp();
    const message = 'The server at http://x speaks only the KFP v1 API (KFP 1.x).';
    Object.assign(backend, { kfp: fakeKfp({ state: 'too-old', message }).control });
    const res = await app.inject(
      post('/api/v1/namespaces/default/runs', { ir: { root: {} }, backend: 'kfp' })
    );
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain(message);
    expect(backend.pipelines.created).toEqual([]);
  });

  it('passes backend and experiment to the pipelines backend', async () => {
    const { app, backend } = await makeApp();
    Object.assign(backend, { kfp: fakeKfp({ state: 'connected' }).control });
    const ir = { pipelineInfo: { name: 'p' }, root: { dag: { tasks: {} } } };
    const res = await app.inject(
      post('/api/v1/namespaces/default/runs', {
        ir,
        backend: 'kfp',
        experiment: 'tuning',
        name: 'r1'
      })
    );
    expect(res.statusCode).toBe(201);
    expect(backend.pipelines.created[0].input).toMatchObject({
      backend: 'kfp',
      experiment: 'tuning',
      name: 'r1'
    });
  });

  it('refuses retry and archive where the backend has no such thing', async () => {
    const { app } = await makeApp();
    for (const [method, url] of [
      ['POST', '/api/v1/namespaces/default/runs/r1/retry'],
      ['POST', '/api/v1/namespaces/default/runs/r1/archive'],
      ['DELETE', '/api/v1/namespaces/default/runs/r1/archive']
    ] as const) {
      const res = await app.inject({ method, url, headers: AUTH });
      expect(res.statusCode).toBe(400);
    }
  });
});
