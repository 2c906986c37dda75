import { AUTH, concrete, makeApp } from './app-helpers';
import { originAllowed, scrubCredentials, tokenMatches } from '../src/security';

const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'];

describe('every registered route', () => {
  it('answers 401 without the secret and with a wrong one', async () => {
    const { app } = await makeApp();
    expect(app.routeList.length).toBeGreaterThanOrEqual(10);
    for (const route of app.routeList) {
      const method = route.method as 'GET';
      const none = await app.inject({ method, url: concrete(route.url) });
      expect([route.url, none.statusCode]).toEqual([route.url, 401]);
      expect(none.json().error.code).toBe('unauthorized');
      const wrong = await app.inject({
        method,
        url: concrete(route.url),
        headers: { 'x-kubeflow-workbench-token': 'nope-nope-nope-nope' }
      });
      expect([route.url, wrong.statusCode]).toEqual([route.url, 401]);
    }
  });

  it('answers 403 to a state-changing request from a foreign origin', async () => {
    const { app } = await makeApp();
    const changing = app.routeList.filter(r => STATE_CHANGING.includes(r.method));
    expect(changing.length).toBeGreaterThanOrEqual(3);
    for (const route of changing) {
      const res = await app.inject({
        method: route.method as 'POST',
        url: concrete(route.url),
        headers: { ...AUTH, origin: 'https://evil.example', host: 'lab.example:8888' },
        payload: {}
      });
      expect([route.url, res.statusCode]).toEqual([route.url, 403]);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('lets the page own origin through (Host or X-Forwarded-Host)', async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/connection/retry',
      headers: {
        ...AUTH,
        origin: 'http://lab.example:8888',
        'x-forwarded-host': 'lab.example:8888'
      }
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('unknown routes and bodies', () => {
  it('answers 404 JSON for unknown routes, but only with the secret', async () => {
    const { app } = await makeApp();
    const known = await app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: AUTH });
    expect(known.statusCode).toBe(404);
    expect(known.headers['content-type']).toMatch(/application\/json/);
    expect(known.json().error).toEqual({
      code: 'not_found',
      message: 'No route GET /api/v1/nothing-here.'
    });
    const anon = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(anon.statusCode).toBe(401);
  });

  it('answers 413 for a body over the cap on every body-taking route', async () => {
    const { app } = await makeApp();
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    for (const route of app.routeList.filter(
      r => r.method === 'POST' && !r.url.includes('analysis')
    )) {
      const res = await app.inject({
        method: 'POST',
        url: concrete(route.url),
        headers: { ...AUTH, 'content-type': 'application/json' },
        payload: big
      });
      expect([route.url, res.statusCode]).toEqual([route.url, 413]);
      expect(res.json().error.code).toBe('too_large');
    }
  });

  it('answers 400 for malformed JSON', async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/jobs',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"framework": '
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_spec');
  });

  it('takes an empty body as no body, with or without Content-Type, on every method', async () => {
    // JupyterLab labels every request application/json; a body-less Delete or Retry must still work.
    const { app } = await makeApp();
    const bodyless = [
      { method: 'POST', url: '/api/v1/connection/retry', ok: 200 },
      { method: 'GET', url: '/api/v1/info', ok: 200 },
      { method: 'DELETE', url: '/api/v1/namespaces/default/jobs/to-delete', ok: 200 }
    ] as const;
    for (const contentType of [undefined, 'application/json', 'application/json; charset=utf-8']) {
      for (const { method, url, ok } of bodyless) {
        if (method === 'DELETE') {
          await app.inject({
            method: 'POST',
            url: '/api/v1/namespaces/default/jobs',
            headers: AUTH,
            payload: { name: 'to-delete', framework: 'pytorch', replicas: { Worker: { count: 1 } } }
          });
        }
        const headers = contentType ? { ...AUTH, 'content-type': contentType } : AUTH;
        const res = await app.inject({ method, url, headers, payload: '' });
        expect([method, contentType, res.statusCode]).toEqual([method, contentType, ok]);
      }
    }
    // A create with an empty body is still refused, as a missing spec.
    const empty = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/jobs',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: ''
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_spec');
  });

  it('refuses names that could traverse paths', async () => {
    const { app } = await makeApp();
    for (const url of [
      '/api/v1/namespaces/default/jobs/..%2F..%2Fetc',
      '/api/v1/namespaces/..%2Fkube-system/jobs',
      '/api/v1/namespaces/Default/jobs'
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: AUTH });
      expect([url, res.statusCode]).toEqual([url, 400]);
    }
  });

  it('scopes to the configured namespaces', async () => {
    const { app } = await makeApp({ namespaces: ['team-a'] });
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/default/jobs',
      headers: AUTH
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('"default"');
    const list = await app.inject({ method: 'GET', url: '/api/v1/namespaces', headers: AUTH });
    expect(list.json().items).toEqual([{ name: 'team-a' }]);
  });
});

describe('security helpers', () => {
  it('compares tokens in constant time and rejects empties', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(tokenMatches(['abc'], 'abc')).toBe(false);
  });

  it('checks Origin only on state-changing methods', () => {
    const headers = { origin: 'http://evil.example', host: 'lab:8888' };
    expect(originAllowed('GET', headers, [])).toBe(true);
    expect(originAllowed('POST', headers, [])).toBe(false);
    expect(originAllowed('POST', headers, ['http://evil.example'])).toBe(true);
    expect(originAllowed('POST', { host: 'lab:8888' }, [])).toBe(true);
    expect(originAllowed('DELETE', { origin: 'not a url', host: 'lab' }, [])).toBe(false);
  });

  it('drops Jupyter credentials', () => {
    const headers: Record<string, string> = {
      authorization: 'token x',
      cookie: 'a=b',
      'x-xsrftoken': 'y',
      a: '1'
    };
    scrubCredentials(headers);
    expect(headers).toEqual({ a: '1' });
  });
});
