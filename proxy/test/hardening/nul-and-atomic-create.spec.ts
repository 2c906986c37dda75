/**
 * Issue 12 finding 5: a NUL character in command, args or env answered 500 and left a local job `Created`
 * forever (the record was saved before `spawn()` threw), and a retry answered 200 with the stuck job.
 * Now every string of every registered schema refuses NUL with its path, and the local backend records a job
 * only once every replica's process exists.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ITrainingJobSpec } from '../../../contract/training';
import { registeredSchemaIds, registerSchema, validate } from '../../../contract/validate';
import { createLocalBackend } from '../../src/backends/local';
import { BackendError, IBackend } from '../../src/backends/types';
import { AUTH, makeApp } from '../app-helpers';

const NUL_MESSAGE = 'must not contain a NUL character';
const SPEC = {
  name: 'nul-1',
  framework: 'pytorch',
  replicas: { Worker: { count: 2 } },
  command: ['python3', '-c', 'import time; time.sleep(30)']
};

describe('NUL in any string of any spec', () => {
  it('is refused with its JSON pointer by every schema in contract/schemas', () => {
    // Every shared schema, including those added later (studies…): the rule is generic, not per schema.
    const dir = join(__dirname, '..', '..', '..', 'contract', 'schemas');
    for (const file of readdirSync(dir).filter(f => f.endsWith('.schema.json'))) {
      registerSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
    const ids = registeredSchemaIds();
    expect(ids).toEqual(expect.arrayContaining(['training-job', 'pipeline', 'analysis']));
    const value = {
      name: 'a',
      command: ['ok', 'b\u0000ad'],
      env: { A: 'x\u0000', 'K\u0000': 'v' }
    };
    for (const id of ids) {
      const result = validate(id, value);
      expect({ id, ok: result.ok }).toEqual({ id, ok: false });
      expect(result.ok ? [] : result.fields).toEqual([
        { path: '/command/1', message: NUL_MESSAGE },
        { path: '/env/A', message: NUL_MESSAGE },
        { path: '/env/K\u0000', message: NUL_MESSAGE }
      ]);
    }
  });

  it.each([
    ['command', { command: ['python3', '-c\u0000'] }, '/command/1'],
    ['args', { args: ['--lr', '0.1\u0000'] }, '/args/1'],
    ['env', { env: { LR: '0.\u00001' } }, '/env/LR']
  ])('in %s answers 400 on the jobs route and creates nothing', async (_label, change, path) => {
    const { app, backend } = await makeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/jobs',
      headers: AUTH,
      payload: { ...SPEC, ...change }
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([{ path, message: NUL_MESSAGE }]);
    expect(backend.jobsByKey.size).toBe(0);
  });
});

describe('local job creation is atomic', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-atomic-'));
  let local: IBackend;
  beforeAll(async () => {
    local = await createLocalBackend({ stateDir, orphanPollMs: 100, stopGraceMs: 500 });
  });
  afterAll(async () => {
    for (const job of (await local.jobs.list('default')).items) {
      await local.jobs.delete('default', job.name);
    }
    await local.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('records nothing when spawn() refuses a replica, and a retry starts afresh', async () => {
    // Past the schema on purpose (a caller that skips validation): the backend must hold on its own.
    const bad = { ...SPEC, env: { LR: '0.\u00001' } } as ITrainingJobSpec;
    for (let attempt = 0; attempt < 2; attempt++) {
      const failure = await local.jobs.create('default', bad).then(
        () => undefined,
        (e: unknown) => e
      );
      expect(failure).toBeInstanceOf(BackendError);
      expect(failure).toMatchObject({ code: 'invalid_spec' });
      expect((await local.jobs.list('default')).items).toEqual([]);
      expect(existsSync(join(stateDir, 'jobs', 'default', 'nul-1'))).toBe(false);
    }
    // The same name then works with a good spec: no stuck record stands in the way.
    const { job, created } = await local.jobs.create('default', SPEC as ITrainingJobSpec);
    expect(created).toBe(true);
    expect(job.phase).toBe('Running');
  });

  it('does not come back after a restart of the backend', async () => {
    const again = await createLocalBackend({ stateDir, orphanPollMs: 100, stopGraceMs: 500 });
    try {
      expect((await again.jobs.list('default')).items.map(j => j.name)).toEqual(['nul-1']);
    } finally {
      await again.close();
    }
  });
});
