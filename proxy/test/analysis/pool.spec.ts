/**
 * The analysis pool's bounds with real worker threads: a full queue, the time limit, the heap limit and a
 * crashing worker each settle with a clear error (503, 503, 413, 500) and leave the pool serving the next
 * analysis. Stand-in worker scripts make each case certain (one that never answers, one that allocates
 * without end, one that throws); the real worker bundle is exercised by route.spec.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisPool, analysisLimitsFromEnv, IAnalysisLimits } from '../../src/analysis-pool';
import { BackendError } from '../../src/backends/types';
import type { IAnalysisJob } from '../../../engine/worker/protocol';

const dir = mkdtempSync(join(tmpdir(), 'kfwb-pool-'));
const script = (name: string, body: string) => {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, `import { parentPort, workerData } from 'node:worker_threads';\n${body}\n`);
  return path;
};
const NEVER = script('never', 'setInterval(() => {}, 1000);');
const ECHO = script(
  'echo',
  "parentPort.postMessage({ ok: true, result: { rows: workerData.input.arrow.length, kind: 'echo' } });"
);
const HOG = script(
  'hog',
  'const kept = []; for (;;) kept.push(new Array(1e6).fill({ x: kept.length }));'
);
const CRASH = script('crash', "throw new Error('boom');");
/** Answers a 5-byte job at once and never answers any other. */
const FIVE_ONLY = script(
  'five',
  'if (workerData.input.arrow.length === 5) parentPort.postMessage({ ok: true, result: { rows: 5 } });\n' +
    'else setInterval(() => {}, 1000);'
);

const LIMITS: IAnalysisLimits = { workers: 1, queue: 1, memoryMb: 64, timeoutMs: 60_000 };
const job = (bytes = 3): IAnalysisJob =>
  ({
    spec: {},
    input: { arrow: new Uint8Array(bytes) },
    source: { inline: { bytes } }
  }) as unknown as IAnalysisJob;

const pools: AnalysisPool[] = [];
const poolOf = (limits: Partial<IAnalysisLimits>, path: string) => {
  const pool = new AnalysisPool({ ...LIMITS, ...limits }, path);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map(pool => pool.close()));
});

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    return error as BackendError;
  }
  throw new Error('expected the analysis to fail');
}

describe('AnalysisPool', () => {
  it('runs an analysis on a worker and transfers inline bytes', async () => {
    const pool = poolOf({}, ECHO);
    await expect(pool.run(job(5))).resolves.toEqual({ rows: 5, kind: 'echo' });
  });

  it('runs up to `workers` at once, queues `queue` more and refuses the next with 503', async () => {
    const pool = poolOf({ workers: 2, queue: 1 }, NEVER);
    const held = [pool.run(job()), pool.run(job()), pool.run(job())];
    held.forEach(p => p.catch(() => undefined));
    const refused = await failure(pool.run(job()));
    expect(refused).toBeInstanceOf(BackendError);
    expect(refused.code).toBe('busy');
    expect(refused.message).toMatch(/already running 2 analyses with 1 waiting/);
  });

  it('stops an analysis at the time limit with 503', async () => {
    const slow = poolOf({ timeoutMs: 300 }, NEVER);
    const stopped = await failure(slow.run(job()));
    expect(stopped.code).toBe('busy');
    expect(stopped.message).toMatch(/did not finish within 0.3 s \(KFWB_ANALYSIS_TIMEOUT_S\)/);
  });

  it('answers 413 when a worker passes its heap limit, and the proxy process lives on', async () => {
    const pool = poolOf({ memoryMb: 32 }, HOG);
    const error = await failure(pool.run(job()));
    expect(error.code).toBe('too_large');
    expect(error.message).toMatch(/memory limit of 32 MiB \(KFWB_ANALYSIS_MEMORY_MB\)/);
    const next = poolOf({}, ECHO);
    await expect(next.run(job(2))).resolves.toMatchObject({ rows: 2 });
  });

  it('answers 500 with the reason when a worker crashes', async () => {
    const pool = poolOf({}, CRASH);
    const error = await failure(pool.run(job()));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('boom');
  });

  it('drops a queued analysis whose request was cancelled', async () => {
    const pool = poolOf({ workers: 1, queue: 2 }, NEVER);
    pool.run(job()).catch(() => undefined);
    const cancel = new AbortController();
    const queued = pool.run(job(), cancel.signal);
    cancel.abort();
    expect((await failure(queued)).message).toMatch(/cancelled before its analysis started/);
  });

  it('stops a running analysis whose request was cancelled, freeing its worker for the next', async () => {
    const pool = poolOf({ workers: 1, queue: 1 }, FIVE_ONLY);
    const cancel = new AbortController();
    const running = pool.run(job(3), cancel.signal);
    const next = pool.run(job(5));
    cancel.abort();
    expect((await failure(running)).message).toBe('The request was cancelled.');
    await expect(next).resolves.toEqual({ rows: 5 });
  });

  it('reads its limits from KFWB_ANALYSIS_* and refuses nonsense', () => {
    expect(
      analysisLimitsFromEnv({
        KFWB_ANALYSIS_WORKERS: '3',
        KFWB_ANALYSIS_QUEUE: '5',
        KFWB_ANALYSIS_MEMORY_MB: '512',
        KFWB_ANALYSIS_TIMEOUT_S: '30'
      })
    ).toEqual({ workers: 3, queue: 5, memoryMb: 512, timeoutMs: 30_000 });
    expect(() => analysisLimitsFromEnv({ KFWB_ANALYSIS_WORKERS: 'many' })).toThrow(
      'KFWB_ANALYSIS_WORKERS must be a positive number'
    );
  });
});
