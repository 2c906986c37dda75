import { Table } from 'apache-arrow';
import { IAnalysisResult, ISliceResult, validateAnalysisSpec } from '../../contract/analysis';
import { analyze, analyzeInTurns } from '../analyze';
import { dictionaryVector, float64Vector } from '../csv';
import { KernelJob, runHere } from '../kernels';
import { EngineThreads } from '../threads';
import { COUNT_METRICS } from './binary';
import { seededRandom } from './intervals';
import { resolvedSpec, EVERY_KIND_OF_SLICE } from '../spec-helpers';

/**
 * Seeded rows: tied scores, missing slice values, > 256 region values (two-byte codes in the fused walk), a
 * multiclass column. `dyadic` weights (multiples of 1/8 below 4) make every weighted sum exact, whatever the
 * order it is added in — the fused walk adds rows in score order, the count pass in row order.
 */
function rows(n: number, seed: number, dyadic: boolean): Table {
  const random = seededRandom(seed);
  const columns = {
    y: new Float64Array(n),
    p: new Float64Array(n),
    w: new Float64Array(n),
    age: new Float64Array(n),
    tier: new Float64Array(n),
    cls: new Float64Array(n)
  };
  const region = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = random() < 0.4 ? 1 : 0;
    columns.y[i] = y;
    columns.p[i] = Math.round(Math.min(1, Math.max(0, 0.3 * y + 0.7 * random())) * 100) / 100;
    columns.w[i] =
      random() < 0.05 ? 0 : dyadic ? Math.floor(random() * 32) / 8 : 0.2 + 2 * random();
    columns.age[i] = random() < 0.02 ? NaN : 18 + 60 * random();
    columns.tier[i] = Math.floor(random() * 4);
    columns.cls[i] = Math.floor(random() * 3);
    region[i] = random() < 0.03 ? -1 : Math.floor(random() * 300);
  }
  return new Table({
    ...Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, float64Vector(v)])),
    region: dictionaryVector(
      region,
      Array.from({ length: 300 }, (_, i) => `r${i}`)
    )
  });
}

const slices = EVERY_KIND_OF_SLICE;
const clock = () => 0;

/** What a count-only document should hold of a slice: the count-based metrics and everything else. */
function countPart(slice: ISliceResult): ISliceResult {
  return {
    ...slice,
    metrics: Object.fromEntries(
      Object.entries(slice.metrics).filter(([name]) => COUNT_METRICS.includes(name))
    )
  };
}

function comparable(doc: IAnalysisResult) {
  const { spec: _, engine: __, ...rest } = doc;
  return { ...rest, overall: countPart(doc.overall), slices: doc.slices.map(countPart) };
}

describe('metrics "counts" (issue 12: count-based metrics without the sort)', () => {
  const pools: EngineThreads[] = [];
  afterAll(() => Promise.all(pools.map(pool => pool.close())));

  it.each([
    ['weighted', { weights: 'w' }],
    ['unweighted', {}]
  ])('gives exactly the count-based numbers of the all-metrics document (%s)', (_, extra) => {
    const table = rows(12000, 7, true);
    const base = { ...extra, slices, maxDistinct: 500, minSliceSize: 40, threshold: 0.37 };
    const all = analyze(table, resolvedSpec(base), undefined, clock);
    const counts = analyze(table, resolvedSpec({ ...base, metrics: 'counts' }), undefined, clock);
    expect(Object.keys(counts.metricInfo).sort()).toEqual([...COUNT_METRICS].sort());
    expect(counts.overall.metrics.rocAuc).toBeUndefined();
    expect(counts.slices.some(s => s.tooSmall)).toBe(true);
    expect(counts.slices.some(s => s.value === '(missing)')).toBe(true);
    expect(counts.spec.metrics).toBe('counts');
    const expected = comparable(all);
    expected.metricInfo = counts.metricInfo;
    expect(comparable(counts)).toEqual(expected);
  });

  it('agrees with the all-metrics document to rounding for arbitrary weights', () => {
    const table = rows(8000, 9, false);
    const all = analyze(table, resolvedSpec({ weights: 'w', slices }), undefined, clock);
    const counts = analyze(
      table,
      resolvedSpec({ weights: 'w', slices, metrics: 'counts' }),
      undefined,
      clock
    );
    const pairs = [all.overall, ...all.slices].map((s, i) => [
      s,
      [counts.overall, ...counts.slices][i]
    ]);
    for (const [a, c] of pairs) {
      expect([c.feature, c.value, c.count]).toEqual([a.feature, a.value, a.count]);
      expect(c.weightedCount).toBeCloseTo(a.weightedCount, 9);
      for (const name of COUNT_METRICS) {
        for (const key of ['value', 'lo', 'hi'] as const) {
          const [x, y] = [a.metrics[name]?.[key], c.metrics[name]?.[key]];
          if (typeof x === 'number' && typeof y === 'number') {
            expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9);
          } else {
            expect([c.value, name, key, y]).toEqual([c.value, name, key, x]);
          }
        }
      }
    }
  });

  it('gives exactly the single-thread document on 2 and 3 threads', async () => {
    const table = rows(20000, 3, false);
    const spec = resolvedSpec({ weights: 'w', slices, maxDistinct: 500, metrics: 'counts' });
    const single = analyze(table, spec, undefined, clock);
    for (const size of [2, 3]) {
      const pool = new EngineThreads(size);
      pools.push(pool);
      const threaded = await analyzeInTurns(table, spec, undefined, async () => {}, clock, pool);
      expect(threaded).toEqual(single);
    }
  });

  it('runs no sort: its only kernel is the count pass, one job per thread', async () => {
    const table = rows(4000, 2, true);
    const kernels: string[][] = [];
    const recorder = {
      size: 2,
      run: async (jobs: KernelJob[]) => {
        kernels.push(jobs.map(job => job.kernel));
        runHere(jobs);
      }
    };
    const spec = resolvedSpec({ weights: 'w', slices, metrics: 'counts' });
    const doc = await analyzeInTurns(table, spec, undefined, async () => {}, clock, recorder);
    expect(kernels).toEqual([['count', 'count']]);
    expect(doc).toEqual(analyze(table, spec, undefined, clock));
  });

  it('leaves multiclass as it is (its metrics are all count-based)', () => {
    const table = rows(3000, 5, true);
    const base = { label: 'cls', prediction: 'tier', task: 'multiclass', slices: ['region'] };
    const all = analyze(table, resolvedSpec(base), undefined, clock);
    const counts = analyze(table, resolvedSpec({ ...base, metrics: 'counts' }), undefined, clock);
    expect({ ...counts, spec: all.spec }).toEqual(all);
  });

  it('refuses it where it has no meaning, naming the field', () => {
    const table = rows(500, 1, true);
    const refused = (spec: Record<string, unknown>) => {
      try {
        analyze(table, resolvedSpec({ ...spec, metrics: 'counts' }), undefined, clock);
      } catch (error) {
        return { name: (error as Error).name, field: (error as { field?: string }).field };
      }
      return 'accepted';
    };
    const expected = { name: 'AnalysisInputError', field: '/metrics' };
    expect(refused({ task: 'regression', prediction: 'age' })).toEqual(expected);
    expect(refused({ baseline: 'age' })).toEqual(expected);
  });

  it('is validated by the shared schema: default "all", unknown values refused with the field path', () => {
    expect(resolvedSpec({}).metrics).toBe('all');
    const checked = validateAnalysisSpec({
      source: { path: 'a.csv' },
      label: 'y',
      prediction: 'p',
      metrics: 'auc'
    });
    expect(checked).toEqual({
      ok: false,
      fields: [{ path: '/metrics', message: 'must be one of: all, counts' }]
    });
  });
});
