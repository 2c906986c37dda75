/** The study routes: 400 with JSON-pointer paths and nothing created, idempotent create, budget rules. */
import { IStudySpec } from '../../contract/study';
import { AUTH, makeApp } from './app-helpers';

const SPEC: IStudySpec = {
  name: 'tune-1',
  objective: { metricName: 'accuracy', type: 'maximize' },
  parameters: [{ name: 'lr', parameterType: 'double', min: 0.001, max: 0.1 }],
  algorithm: { name: 'random' },
  maxTrialCount: 4,
  parallelTrialCount: 2,
  trial: {
    framework: 'pytorch',
    replicas: { Master: { count: 1 } },
    command: ['python', 't.py', '--lr=${trialParameters.lr}']
  }
};

describe('study routes', () => {
  it('creates a study (201), answers a retry with 200 and the same study', async () => {
    const { app, backend } = await makeApp();
    const url = '/api/v1/namespaces/team-a/studies';
    const first = await app.inject({ method: 'POST', url, headers: AUTH, payload: SPEC });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      created: true,
      warnings: [],
      study: { name: 'tune-1', namespace: 'team-a' }
    });
    const again = await app.inject({ method: 'POST', url, headers: AUTH, payload: SPEC });
    expect(again.statusCode).toBe(200);
    expect(again.json().created).toBe(false);
    expect(backend.studies.creates[0].metricsCollector).toEqual({ kind: 'StdOut' });
  });

  it('refuses a bad study with field paths and creates nothing', async () => {
    const { app, backend } = await makeApp();
    const bad = {
      ...SPEC,
      algorithm: { name: 'grid' },
      maxTrialCount: 50,
      parallelTrialCount: 60,
      metricsCollector: { kind: 'StdOut', format: '(\\w+)=' },
      trial: { ...SPEC.trial, args: ['${trialParameters.momentum}'] }
    };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/studies',
      headers: AUTH,
      payload: bad
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/parameters/0/step',
        '/parallelTrialCount',
        '/trial/args/0',
        '/metricsCollector/format'
      ])
    );
    expect(backend.studies.creates).toHaveLength(0);
  });

  it('refuses a namespace in the body that differs from the URL', async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/studies',
      headers: AUTH,
      payload: { ...SPEC, namespace: 'team-b' }
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([
      { path: '/namespace', message: 'must be "team-a" (the namespace in the URL) or absent' }
    ]);
  });

  it('edits only the three budget fields', async () => {
    const { app, backend } = await makeApp();
    await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/studies',
      headers: AUTH,
      payload: SPEC
    });
    const url = '/api/v1/namespaces/team-a/studies/tune-1/budget';
    const bad = await app.inject({
      method: 'PATCH',
      url,
      headers: AUTH,
      payload: { maxTrialCount: 0, algorithm: 'tpe' }
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual([
      { path: '/maxTrialCount', message: 'must be a whole number of at least 1' },
      {
        path: '/algorithm',
        message:
          'cannot change after creation (only maxTrialCount, parallelTrialCount, maxFailedTrialCount)'
      }
    ]);
    const ok = await app.inject({
      method: 'PATCH',
      url,
      headers: AUTH,
      payload: { maxTrialCount: 8 }
    });
    expect(ok.statusCode).toBe(200);
    expect(backend.studies.budgets).toEqual([{ maxTrialCount: 8 }]);
  });

  it('serves trial logs and refuses an unknown trial as JSON', async () => {
    const { app } = await makeApp();
    await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/studies',
      headers: AUTH,
      payload: SPEC
    });
    const logs = await app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/team-a/studies/tune-1/trials/tune-1-t0/logs',
      headers: AUTH
    });
    expect(logs.statusCode).toBe(200);
    expect(logs.body).toBe('log of tune-1-t0\n');
    const unknown = await app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/team-a/studies/tune-1/trials/nope/logs',
      headers: AUTH
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe('Study "tune-1" has no trial "nope".');
  });

  it('stops and deletes', async () => {
    const { app } = await makeApp();
    await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/studies',
      headers: AUTH,
      payload: SPEC
    });
    const stop = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/studies/tune-1/stop',
      headers: AUTH
    });
    expect(stop.json().phase).toBe('Stopped');
    const del = await app.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/team-a/studies/tune-1',
      headers: AUTH
    });
    expect(del.json()).toEqual({ deleted: true });
    const gone = await app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/team-a/studies/tune-1',
      headers: AUTH
    });
    expect(gone.statusCode).toBe(404);
  });
});
