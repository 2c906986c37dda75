import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify, { FastifyError, FastifyInstance } from 'fastify';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { STATUS_OF_CODE } from '../../../contract/errors';
import { AnalysisPool } from '../../src/analysis-pool';
import { BackendError } from '../../src/backends/types';
import { registerAnalysisRoutes } from '../../src/routes/analysis';
import type { IAppDeps } from '../../src/app';
import { workerScript } from './bundle';

const LIMITS = { workers: 2, queue: 8, memoryMb: 1024, timeoutMs: 120_000 };

/**
 * The route on a bare fastify with the app's error shape (app.ts adds auth and origin checks around it), its
 * analyses on worker threads of the real bundled worker script.
 */
export async function makeAnalysisApp(rootDir: string, limits = LIMITS) {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof BackendError) {
      return reply.code(STATUS_OF_CODE[error.code]).send({
        error: {
          code: error.code,
          message: error.message,
          fields: error.fields
        }
      });
    }
    return reply
      .code(error.statusCode ?? 500)
      .send({ error: { code: 'internal', message: error.message } });
  });
  registerAnalysisRoutes(app, { rootDir } as IAppDeps, new AnalysisPool(limits, workerScript()));
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  const { port } = app.server.address() as AddressInfo;
  // Real HTTP rather than app.inject(): light-my-request pulls an ESM-only `cookie` that jest cannot load here.
  return {
    inject: async (request: { payload: object }) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/analysis`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request.payload)
      });
      const text = await res.text();
      return { statusCode: res.status, json: () => JSON.parse(text) };
    }
  };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(app => app.close()));
});

const rows = 400;
const label = Array.from({ length: rows }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
const score = label.map((y, i) =>
  Math.min(1, Math.max(0, 0.3 + 0.4 * y + (((i * 37) % 100) / 100 - 0.5) * 0.6))
);
const group = label.map((_, i) => ['red', 'green', 'blue'][i % 3]);
const csv = ['y,p,g', ...label.map((y, i) => `${y},${score[i]},${group[i]}`)].join('\n');

let root: string;
let outside: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'kfwb-root-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'kfwb-outside-')));
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'scores.csv'), csv);
  writeFileSync(join(outside, 'secret.csv'), csv);
  symlinkSync(join(outside, 'secret.csv'), join(root, 'data', 'link.csv'));
});

const post = (payload: unknown) => ({ payload: payload as object });
const spec = (source: object, extra: object = {}) => ({
  source,
  label: 'y',
  prediction: 'p',
  slices: ['g'],
  ...extra
});

describe('POST /api/v1/analysis', () => {
  it('analyses a CSV file under the root dir and answers the document', async () => {
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post(spec({ path: 'data/scores.csv' })));
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc).toMatchObject({
      version: 1,
      task: 'binary',
      rows,
      complete: true,
      spec: { source: { path: 'data/scores.csv' } }
    });
    expect(doc.overall.count).toBe(rows);
    expect(doc.slices.map((s: { value: string }) => s.value)).toEqual(['blue', 'green', 'red']);
    const positives = label.filter(y => y === 1).length;
    const tp = label.filter((y, i) => y === 1 && score[i] >= 0.5).length;
    expect(doc.overall.metrics.recall.value).toBeCloseTo(tp / positives, 12);
  });

  it('runs several analyses at once, each on its own worker thread', async () => {
    const app = await makeAnalysisApp(root, { ...LIMITS, workers: 2, queue: 4 });
    const answers = await Promise.all(
      ['g', 'y', 'g', 'y'].map(slice =>
        app.inject(post(spec({ path: 'data/scores.csv' }, { slices: [slice] })))
      )
    );
    expect(answers.map(a => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(answers.map(a => a.json().slices.length)).toEqual([3, 2, 3, 2]);
  });

  it('accepts an absolute path inside the root dir', async () => {
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post(spec({ path: join(root, 'data', 'scores.csv') })));
    expect(res.statusCode).toBe(200);
  });

  it('analyses inline base64 Arrow larger than the 1 MiB default body limit', async () => {
    const n = 60000;
    const table = tableFromArrays({
      y: Float64Array.from({ length: n }, (_, i) => i % 2),
      p: Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000)
    });
    const arrow = Buffer.from(tableToIPC(table, 'stream')).toString('base64');
    expect(arrow.length).toBeGreaterThan(1024 * 1024);
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post({ source: { arrow }, label: 'y', prediction: 'p' }));
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toBe(n);
    expect(res.json().spec.source).toEqual({
      inline: { bytes: Buffer.from(arrow, 'base64').length }
    });
  });

  it('answers 400 with field paths for an invalid spec', async () => {
    const app = await makeAnalysisApp(root);
    const res = await app.inject(
      post({
        source: { path: 'x.csv' },
        label: 'y',
        threshold: 3,
        slices: [{ cross: ['a'] }]
      })
    );
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['/prediction', '/threshold', '/slices/0/cross']));
  });

  it('computes only the count-based metrics with metrics "counts", and refuses it where it means nothing', async () => {
    const app = await makeAnalysisApp(root);
    const full = (await app.inject(post(spec({ path: 'data/scores.csv' })))).json();
    const res = await app.inject(post(spec({ path: 'data/scores.csv' }, { metrics: 'counts' })));
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.metricInfo).sort()).toEqual(
      ['accuracy', 'f1', 'fpr', 'precision', 'recall', 'selectionRate'].sort()
    );
    expect(doc.overall.metrics.recall).toEqual(full.overall.metrics.recall);
    expect(doc.overall.metrics.rocAuc).toBeUndefined();
    const unknown = await app.inject(post(spec({ path: 'data/scores.csv' }, { metrics: 'fast' })));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toEqual([
      { path: '/metrics', message: 'must be one of: all, counts' }
    ]);
    const regression = await app.inject(
      post(spec({ path: 'data/scores.csv' }, { metrics: 'counts', task: 'regression' }))
    );
    expect(regression.statusCode).toBe(400);
    expect(regression.json().error.fields).toMatchObject([{ path: '/metrics' }]);
  });

  it('answers 400 naming a missing column', async () => {
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post(spec({ path: 'data/scores.csv' }, { slices: ['region'] })));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'invalid_spec',
      fields: [{ path: '/slices/0' }]
    });
    expect(res.json().error.message).toContain('"region"');
  });

  it.each([
    ['a parent-directory escape', () => '../' + outside.split('/').pop() + '/secret.csv'],
    ['an absolute path elsewhere', () => join(outside, 'secret.csv')],
    ['a symlink leading out', () => 'data/link.csv'],
    ['a deep ../ chain', () => 'data/../../../../etc/passwd']
  ])('refuses %s with 403', async (_what, path) => {
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post(spec({ path: path() })));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });

  it('answers 404 for a missing file and 400 for a directory', async () => {
    const app = await makeAnalysisApp(root);
    expect((await app.inject(post(spec({ path: 'data/none.csv' })))).statusCode).toBe(404);
    const dir = await app.inject(post(spec({ path: 'data', format: 'csv' })));
    expect(dir.statusCode).toBe(400);
  });
});

/** Issue 12: bad inputs answer 400 naming the problem (findings 1, 3, 4), through the worker thread. */
describe('POST /api/v1/analysis with bad inputs', () => {
  const FIXTURES = join(__dirname, '../../../engine/arrow-check/fixtures');
  const corruptions = (
    JSON.parse(readFileSync(join(FIXTURES, 'corruptions.json'), 'utf8')) as {
      name: string;
      file: string;
      patches: [number, number][];
    }[]
  ).filter(c => !c.name.startsWith('seeded-'));
  const arrowSpec = (bytes: Uint8Array) => ({
    source: { arrow: Buffer.from(bytes).toString('base64') },
    label: 'y',
    prediction: 'p',
    slices: ['g', 'note']
  });

  it.each(corruptions.map(c => [c.name, c] as const))(
    'finding 1: answers 400 for the corrupted Arrow payload %s, inline and as a file',
    async (name, c) => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, c.file)));
      for (const [at, value] of c.patches) {
        bytes[at] = value;
      }
      writeFileSync(join(root, 'data', `${name}.arrows`), bytes);
      const app = await makeAnalysisApp(root);
      for (const body of [
        arrowSpec(bytes),
        spec({ path: `data/${name}.arrows` }, { slices: ['g'] })
      ]) {
        const res = await app.inject(post(body));
        expect(res.statusCode).toBe(400);
        expect(res.json().error.message).toMatch(/is not valid Arrow IPC data: .*(claims|outside)/);
      }
      // The worker that refused it is gone; the route still analyses a good payload.
      const good = await app.inject(post(arrowSpec(readFileSync(join(FIXTURES, c.file)))));
      expect(good.statusCode).toBe(200);
    }
  );

  it.each([
    ['an all-null text column', 'g', ''],
    ['an all-NaN numeric column', 'g', 'NaN']
  ])('finding 3: answers 400 naming the slice column for %s', async (_what, column, cell) => {
    writeFileSync(
      join(root, 'data', 'empty-slice.csv'),
      ['y,p,g,h', ...label.map((y, i) => `${y},${score[i]},${cell},${i % 4}`)].join('\n')
    );
    const app = await makeAnalysisApp(root);
    const plain = await app.inject(
      post(spec({ path: 'data/empty-slice.csv' }, { slices: ['h', column] }))
    );
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error).toMatchObject({
      message: `slice feature "${column}" has no values: every row is missing or NaN`,
      fields: [{ path: '/slices/1' }]
    });
    const bucketed = await app.inject(
      post(
        spec(
          { path: 'data/empty-slice.csv' },
          { slices: [{ cross: ['h', { feature: column, buckets: { quantiles: 4 } }] }] }
        )
      )
    );
    expect(bucketed.statusCode).toBe(400);
    expect(bucketed.json().error.fields[0].path).toBe('/slices/0/cross/1/feature');
    expect(bucketed.json().error.message).toContain(`"${column}"`);
  });

  it('finding 4: refuses an unterminated quote, naming its line, instead of one swallowed row', async () => {
    const lines = csv.split('\n');
    lines[6] = `${label[5]},${score[5]},"red`;
    writeFileSync(join(root, 'data', 'quote.csv'), lines.join('\n'));
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post(spec({ path: 'data/quote.csv' })));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /"data\/quote.csv" is not valid CSV: line 7: a quoted field opens in this record and is never closed/
    );
  });

  it('finding 4: refuses duplicate header names', async () => {
    writeFileSync(join(root, 'data', 'dup.csv'), csv.replace('y,p,g', 'y,p,y'));
    const app = await makeAnalysisApp(root);
    const res = await app.inject(post(spec({ path: 'data/dup.csv' }, { slices: [] })));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('names column "y" twice (columns 1 and 3)');
  });

  it.each(['__proto__', 'constructor'])(
    'finding 4: analyses a slice column named %s like any other',
    async name => {
      writeFileSync(join(root, 'data', 'proto.csv'), csv.replace('y,p,g', `y,p,${name}`));
      const app = await makeAnalysisApp(root);
      const res = await app.inject(post(spec({ path: 'data/proto.csv' }, { slices: [name] })));
      expect(res.statusCode).toBe(200);
      expect(res.json().slices.map((s: { feature: string }) => s.feature)).toEqual([
        name,
        name,
        name
      ]);
    }
  );

  it('answers 413 naming the limit when the columns exceed the memory budget', async () => {
    const app = await makeAnalysisApp(root, { ...LIMITS, memoryMb: 0.01 });
    const res = await app.inject(post(spec({ path: 'data/scores.csv' })));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain('KFWB_ANALYSIS_MEMORY_MB');
  });
});
