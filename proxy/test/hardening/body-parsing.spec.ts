/**
 * Issue 12 finding 7: JSON nested 10,000 deep answered 500 from the validator, and a `__proto__` or
 * `constructor.prototype` key answered "Body is not valid JSON" with no path. Both are now 400 with the JSON
 * pointer of the problem, on every route that takes a body, before any route or validator runs.
 */
import { AUTH, concrete, makeApp } from '../app-helpers';

const TRAINING = {
  name: 'deep-1',
  framework: 'pytorch',
  replicas: { Worker: { count: 1 } },
  command: ['python', '-c', 'print(1)']
};

/** Raw text on purpose: an object literal `{ __proto__: … }` would set a prototype, not send a key. */
function inject(url: string, payload: string) {
  return {
    method: 'POST' as const,
    url,
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload
  };
}

async function bodyRoutes() {
  const made = await makeApp();
  const urls = made.app.routeList.filter(r => r.method === 'POST').map(r => concrete(r.url));
  return { ...made, urls };
}

describe('JSON bodies: depth and prototype-like keys', () => {
  it('covers the body-taking routes of the issue', async () => {
    const { urls } = await bodyRoutes();
    expect(urls).toEqual(
      expect.arrayContaining([
        '/api/v1/namespaces/default/jobs',
        '/api/v1/namespaces/default/studies',
        '/api/v1/pipelines/compile',
        '/api/v1/namespaces/default/runs'
      ])
    );
  });

  it('answers 400 with the path where a 10,000-deep body gets too deep, on every route', async () => {
    const { app, urls, backend } = await bodyRoutes();
    const deep = '{"command":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    expect(deep.length).toBeGreaterThan(20_000);
    for (const url of urls) {
      const res = await app.inject(inject(url, deep));
      expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
      const error = res.json().error;
      expect(error.message).toBe('The request body nests too deep (at most 64 levels).');
      expect(error.fields).toEqual([
        {
          path: '/command' + '/0'.repeat(63),
          message: 'nests too deep: at most 64 levels of objects and arrays'
        }
      ]);
    }
    expect(backend.jobsByKey.size).toBe(0);
  });

  it('accepts a body exactly at the depth limit (the limit is not off by one)', async () => {
    const { app } = await bodyRoutes();
    // 64 levels: the root object plus 63 nested arrays; the validator then refuses the shape, not the parser.
    const atLimit = '{"command":' + '['.repeat(63) + ']'.repeat(63) + '}';
    const res = await app.inject(inject('/api/v1/namespaces/default/jobs', atLimit));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('The training job spec is invalid.');
  });

  it.each([
    ['__proto__', '{"__proto__":{"polluted":true}}', '/env/__proto__'],
    [
      'constructor.prototype',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '/env/constructor/prototype'
    ]
  ])('refuses a %s key with its field path, on every route', async (_label, env, path) => {
    const { app, urls, backend } = await bodyRoutes();
    const body = JSON.stringify(TRAINING).replace(/}$/, `,"env":${env}}`);
    for (const url of urls) {
      const res = await app.inject(inject(url, body));
      expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
      expect(res.json().error).toEqual({
        code: 'invalid_spec',
        message: 'The request body uses a key that is reserved in JavaScript.',
        fields: [{ path, message: expect.stringContaining('is reserved in JavaScript') }]
      });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(backend.jobsByKey.size).toBe(0);
  });

  it('still creates from a body with ordinary keys named like Object members', async () => {
    const { app } = await bodyRoutes();
    const body = { ...TRAINING, env: { constructor: 'x', toString: 'y', prototype: 'z' } };
    const res = await app.inject(inject('/api/v1/namespaces/default/jobs', JSON.stringify(body)));
    expect(res.statusCode).toBe(201);
  });

  it('keeps an empty body as no body and broken JSON as a 400', async () => {
    const { app } = await bodyRoutes();
    const empty = await app.inject(inject('/api/v1/connection/retry', ''));
    expect(empty.statusCode).toBe(200);
    const broken = await app.inject(inject('/api/v1/namespaces/default/jobs', '{"name":'));
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message).toMatch(/^Body is not valid JSON/);
  });
});

describe('NUL in bodies no schema covers', () => {
  it('refuses a NUL in run parameters with its path, before the pipeline runner sees it', async () => {
    const { app, backend } = await makeApp();
    const body = JSON.stringify({ ir: { root: {} }, parameters: { rows: '3\u0000' } });
    const res = await app.inject(inject('/api/v1/namespaces/default/runs', body));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([
      { path: '/parameters/rows', message: 'must not contain a NUL character' }
    ]);
    expect(backend.pipelines.created).toEqual([]);
  });
});
