import { Table } from 'apache-arrow';
import { IAnalysisResult } from '../contract/analysis';
import { analyze, analyzeInTurns } from './analyze';
import { dictionaryVector, float64Vector } from './csv';
import { seededRandom } from './metrics/intervals';
import { EngineThreads } from './threads';
import { resolvedSpec, EVERY_KIND_OF_SLICE } from './spec-helpers';

/** Seeded rows with weights, tied scores (rounded to 2 decimals), missing slice values and a second model. */
function rows(n: number, seed: number): Table {
  const random = seededRandom(seed);
  const y = new Float64Array(n);
  const p = new Float64Array(n);
  const b = new Float64Array(n);
  const w = new Float64Array(n);
  const age = new Float64Array(n);
  const tier = new Float64Array(n);
  const region = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = random() < 0.4 ? 1 : 0;
    p[i] = Math.round(Math.min(1, Math.max(0, 0.3 * y[i] + 0.7 * random())) * 100) / 100;
    b[i] = random();
    w[i] = random() < 0.05 ? 0 : 0.2 + 2 * random();
    age[i] = random() < 0.02 ? NaN : 18 + 60 * random();
    tier[i] = Math.floor(random() * 4);
    region[i] = random() < 0.03 ? -1 : Math.floor(random() * 300); // > 256 values: two-byte codes
  }
  return new Table({
    y: float64Vector(y),
    p: float64Vector(p),
    b: float64Vector(b),
    w: float64Vector(w),
    age: float64Vector(age),
    tier: float64Vector(tier),
    region: dictionaryVector(
      region,
      Array.from({ length: 300 }, (_, i) => `r${i}`)
    )
  });
}

const slices = EVERY_KIND_OF_SLICE;
const clock = () => 0;

function values(doc: IAnalysisResult) {
  return [doc.overall, ...doc.slices].map(s => ({
    slice: `${s.feature}=${s.value}`,
    count: s.count,
    metrics: s.metrics,
    confusion: s.confusion
  }));
}

describe('engine threads (issue 12: both cores, same answer)', () => {
  const pools: EngineThreads[] = [];
  afterAll(() => Promise.all(pools.map(pool => pool.close())));

  it('gives exactly the single-thread document on 2 and 3 threads', async () => {
    const table = rows(20000, 3);
    const spec = resolvedSpec({ weights: 'w', slices, maxDistinct: 500, minSliceSize: 5 });
    const single = analyze(table, spec, undefined, clock);
    expect(single.slices.some(s => s.feature === 'region' && s.value === '(missing)')).toBe(true);
    for (const size of [2, 3]) {
      const pool = new EngineThreads(size);
      pools.push(pool);
      const threaded = await analyzeInTurns(table, spec, undefined, async () => {}, clock, pool);
      expect(threaded).toEqual(single);
    }
  });

  it('matches the per-grouping path (the one the paired baseline comparison uses)', () => {
    const table = rows(6000, 11);
    const fused = analyze(table, resolvedSpec({ weights: 'w', slices }), undefined, clock);
    const paired = analyze(
      table,
      resolvedSpec({ weights: 'w', slices, baseline: 'b' }),
      undefined,
      clock
    );
    const a = values(fused);
    const b = values(paired);
    expect(a.map(s => [s.slice, s.count])).toEqual(b.map(s => [s.slice, s.count]));
    a.forEach((slice, i) => {
      for (const [name, estimate] of Object.entries(slice.metrics)) {
        const other = b[i].metrics[name];
        for (const key of ['value', 'lo', 'hi'] as const) {
          const [x, y] = [estimate[key], other[key]];
          if (x === null || y === null) {
            expect([slice.slice, name, key, x]).toEqual([slice.slice, name, key, y]);
          } else {
            expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
          }
        }
      }
      // Confusion counts: the same sums in another order (the per-grouping path adds rows in row order).
      for (const cell of ['tp', 'fp', 'tn', 'fn'] as const) {
        slice.confusion?.[cell].forEach((x, k) =>
          expect(Math.abs(x - b[i].confusion![cell][k])).toBeLessThanOrEqual(1e-9 * Math.max(1, x))
        );
      }
    });
  });

  it('answers the worker error when a job fails, and keeps working afterwards', async () => {
    const pool = new EngineThreads(2);
    pools.push(pool);
    const broken = { kernel: 'walk', args: { groupings: null } } as never;
    await expect(pool.run([broken, broken])).rejects.toThrow(/engine worker: TypeError/);
    const table = rows(3000, 5);
    const spec = resolvedSpec({ slices: ['tier'] });
    const threaded = await analyzeInTurns(table, spec, undefined, async () => {}, clock, pool);
    expect(threaded).toEqual(analyze(table, spec, undefined, clock));
  });

  it('refuses a job whose arrays are not in shared memory (a copy would lose the results)', async () => {
    const pool = new EngineThreads(2);
    pools.push(pool);
    const job = { kernel: 'prepare', args: { loss: new Float64Array(4) } } as never;
    await expect(pool.run([job, job])).rejects.toThrow('args.loss is not in shared memory');
  });
});
