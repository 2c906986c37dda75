import { tableFromArrays, Table } from 'apache-arrow';
import { IAnalysisSpec } from '../contract/analysis';
import { analyze, analyzeInTurns } from './analyze';
import { dictionaryVector, float64Vector } from './csv';
import { resolvedSpec } from './spec-helpers';

const small = () =>
  tableFromArrays({
    y: Float64Array.from([1, 0, 1, 1, 0, 0, 1, 0]),
    p: Float64Array.from([0.9, 0.9, 0.7, 0.4, 0.4, 0.2, 0.6, 0.1]),
    k: Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2])
  });

describe('analyze (binary)', () => {
  it('computes AUC with ties, AP and confusion counts by hand', () => {
    const doc = analyze(small(), resolvedSpec({ minSliceSize: 1 }));
    const m = doc.overall.metrics;
    // 16 (pos, neg) pairs; pos 0.9 beats 0.4, 0.2, 0.1 and ties 0.9 → 3.5; 0.7 → 3; 0.6 → 3; 0.4 → 2 + ½ tie.
    expect(m.rocAuc.value).toBeCloseTo(12 / 16, 15);
    // Thresholds down: {0.9: tp1 fp1} P=.5 R+=.25, {0.7: tp2 fp1} 2/3, {0.6: tp3 fp1} 3/4, {0.4: tp4 fp2} 4/6.
    expect(m.prAuc.value).toBeCloseTo(0.25 * (0.5 + 2 / 3 + 3 / 4 + 4 / 6), 15);
    expect(m.accuracy.value).toBeCloseTo(6 / 8, 15); // predicted 1 at >= 0.5: 0.9, 0.9, 0.7, 0.6
    expect(m.precision.value).toBeCloseTo(3 / 4, 15);
    expect(m.recall.value).toBeCloseTo(3 / 4, 15);
    const k = doc.thresholds!.indexOf(0.5);
    expect(doc.overall.confusion).toBeDefined();
    expect([
      doc.overall.confusion!.tp[k],
      doc.overall.confusion!.fp[k],
      doc.overall.confusion!.tn[k],
      doc.overall.confusion!.fn[k]
    ]).toEqual([3, 1, 3, 1]);
    expect(doc.overall.confusion!.tp[0]).toBe(4); // threshold 0: everything positive
    for (const estimate of Object.values(m)) {
      if (estimate.value !== null && estimate.lo !== null) {
        expect(estimate.lo).toBeLessThanOrEqual(estimate.value);
        expect(estimate.hi).toBeGreaterThanOrEqual(estimate.value);
      }
    }
  });

  it('adds the chosen threshold to the grid', () => {
    const doc = analyze(small(), resolvedSpec({ minSliceSize: 1, threshold: 0.555 }));
    expect(doc.thresholds).toContain(0.555);
    expect(doc.overall.metrics.accuracy.value).toBeCloseTo(6 / 8, 15);
  });

  it('lists too-small slices without metrics and says so', () => {
    const doc = analyze(small(), resolvedSpec({ slices: ['k'], minSliceSize: 5 }));
    expect(doc.slices.map(s => [s.value, s.count, s.tooSmall])).toEqual([
      ['1', 4, true],
      ['2', 4, true]
    ]);
    expect(doc.slices[0].metrics).toEqual({});
    expect(doc.warnings.join(' ')).toContain('fewer than 5 rows');
    expect(doc.complete).toBe(true);
  });

  it('pools values past maxDistinct, warns naming the feature, and marks the result incomplete', () => {
    const n = 200000;
    const codes = Int32Array.from({ length: n }, (_, i) => (i < 1000 ? 0 : i));
    const table = new Table({
      y: float64Vector(Float64Array.from({ length: n }, (_, i) => i % 2)),
      p: float64Vector(Float64Array.from({ length: n }, (_, i) => (i % 10) / 10)),
      user: dictionaryVector(
        codes,
        Array.from({ length: n }, (_, i) => `u${i}`)
      )
    });
    const doc = analyze(table, resolvedSpec({ slices: ['user'], maxDistinct: 5 }));
    expect(doc.complete).toBe(false);
    expect(doc.warnings[0]).toContain('"user" has 199001 distinct values');
    expect(doc.slices).toHaveLength(6);
    expect(doc.slices[0]).toMatchObject({ value: 'u0', count: 1000 });
    expect(doc.slices[5]).toMatchObject({
      value: '(other)',
      count: n - 1000 - 4
    });
  });
});

describe('analyzeInTurns', () => {
  it('answers the same document, pausing after the reading, each grouping and each kernel phase', async () => {
    const spec = resolvedSpec({
      slices: ['k', { cross: ['k', 'k'] }],
      minSliceSize: 1
    });
    let pauses = 0;
    const clock = () => 0;
    const turns = await analyzeInTurns(small(), spec, undefined, async () => void pauses++, clock);
    expect(turns).toEqual(analyze(small(), spec, undefined, clock));
    // Reading, two groupings, then the fused binary metrics' phases: scatter, bucket sort, prepare, walk.
    expect(pauses).toBe(7);
  });
});

describe('analyze rejects bad input naming the column', () => {
  const cases: [string, Record<string, unknown>, Partial<IAnalysisSpec>, RegExp, string][] = [
    [
      'a missing column',
      { y: [1, 0], p: [0.1, 0.2] },
      { slices: ['region'] },
      /column "region" is not in the data/,
      '/slices/0'
    ],
    [
      'a misspelt column: the closest names are suggested',
      { y: [1, 0], p: [0.1, 0.2], Country: ['a', 'b'] },
      { slices: ['country_'] },
      /column "country_" is not in the data; did you mean "Country"\?/,
      '/slices/0'
    ],
    [
      'non-numeric predictions',
      { y: [1, 0], p: ['a', 'b'] },
      {},
      /column "p" holds .*Utf8/,
      '/prediction'
    ],
    [
      'out-of-range predictions',
      { y: [1, 0], p: [0.1, 3.5] },
      {},
      /column "p" has a prediction outside \[0, 1\] \(3\.5 at row 1\)/,
      '/prediction'
    ],
    [
      'non-binary labels',
      { y: [1, 2], p: [0.1, 0.2] },
      {},
      /column "y" is not a binary label: it has 2 at row 1/,
      '/label'
    ],
    [
      'NaN labels',
      { y: [1, NaN], p: [0.1, 0.2] },
      {},
      /column "y" has 1 missing or NaN value \(first at row 1\)/,
      '/label'
    ],
    [
      'negative weights',
      { y: [1, 0], p: [0.1, 0.2], w: [1, -1] },
      { weights: 'w' },
      /column "w" has a negative/,
      '/weights'
    ],
    [
      'bucketing a text column',
      { y: [1, 0], p: [0.1, 0.2], g: ['a', 'b'] },
      { slices: [{ feature: 'g', buckets: { quantiles: 2 } }] },
      /column "g" is not numeric/,
      '/slices/0/feature'
    ],
    ['empty data', { y: [], p: [] }, {}, /the data has no rows/, '/source']
  ];
  it.each(cases)('%s', (_what, columns, spec, message, field) => {
    const arrays = Object.fromEntries(
      Object.entries(columns).map(([k, v]) => [
        k,
        typeof (v as unknown[])[0] === 'string' ? (v as string[]) : Float64Array.from(v as number[])
      ])
    );
    const table = tableFromArrays(arrays as Record<string, Float64Array | string[]>);
    expect(() => analyze(table, resolvedSpec(spec))).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(message),
        field
      })
    );
  });
});

describe('analyze (regression, multiclass)', () => {
  it('computes MAE, RMSE and R² by hand', () => {
    const table = tableFromArrays({
      y: Float64Array.from([1, 2, 3, 4]),
      p: Float64Array.from([1, 2, 4, 2])
    });
    const m = analyze(table, resolvedSpec({ task: 'regression', minSliceSize: 1 })).overall.metrics;
    expect(m.mae.value).toBeCloseTo(3 / 4, 15);
    expect(m.rmse.value).toBeCloseTo(Math.sqrt(5 / 4), 15);
    expect(m.r2.value).toBeCloseTo(1 - 5 / 5, 15);
  });

  it('computes accuracy and macro F1 over present classes', () => {
    const table = tableFromArrays({
      y: ['a', 'a', 'b', 'c'],
      p: ['a', 'b', 'b', 'b']
    });
    const m = analyze(table, resolvedSpec({ task: 'multiclass', minSliceSize: 1 })).overall.metrics;
    expect(m.accuracy.value).toBeCloseTo(0.5, 15);
    // F1: a = 2/3, b = 2·1/(1+3) = 0.5, c = 0
    expect(m.macroF1.value).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 15);
    expect(m.microF1.value).toBeCloseTo(0.5, 15);
  });
});

describe('metric definitions as scikit-learn gives them (issue 12, finding 8)', () => {
  it('gives precision, recall and F1 0 where they are undefined (zero_division=0), not null', () => {
    // Slice k=1: no positive label and no score >= 0.5; slice k=2: positives, none predicted.
    const table = tableFromArrays({
      y: Float64Array.from([0, 0, 0, 1, 1, 0]),
      p: Float64Array.from([0.1, 0.2, 0.3, 0.1, 0.2, 0.3]),
      k: Float64Array.from([1, 1, 1, 2, 2, 2])
    });
    const doc = analyze(table, resolvedSpec({ slices: ['k'], minSliceSize: 1 }));
    const [none, missed] = doc.slices.map(s => s.metrics);
    // sklearn: precision_score([0,0,0],[0,0,0], zero_division=0) = 0, recall_score = 0, f1_score = 0.
    for (const name of ['precision', 'recall', 'f1']) {
      expect(none[name]).toEqual({ value: 0, lo: null, hi: null });
    }
    // sklearn on [0,1,1] vs [0,0,0]: precision 0 (nothing predicted), recall 0/2 = 0, f1 0.
    expect(missed.precision).toEqual({ value: 0, lo: null, hi: null });
    expect(missed.recall.value).toBe(0);
    expect(missed.f1.value).toBe(0);
    expect(doc.overall.metrics.accuracy.value).toBeCloseTo(4 / 6, 15);
  });

  it('counts a class occurring only in zero-weight rows in macro F1, with F1 0 (sklearn 0.4722…)', () => {
    // sklearn.metrics.f1_score(y, p, average="macro", sample_weight=w) = 0.47222222222222215 (per class a 0.75,
    // b 0.6667, c 0): unique_labels ignores the weights, and c has no weighted TP, FP or FN.
    // Counting only classes with weight gave (0.75 + 0.6667) / 2 = 0.7083, the old answer.
    const table = tableFromArrays({
      y: ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'c'],
      p: ['a', 'a', 'a', 'b', 'b', 'b', 'b', 'c'],
      w: Float64Array.from([1, 1, 1, 1, 1, 1, 1, 0])
    });
    const doc = analyze(table, resolvedSpec({ task: 'multiclass', weights: 'w', minSliceSize: 1 }));
    expect(doc.overall.metrics.macroF1.value).toBeCloseTo(0.47222222222222215, 14);
    expect(doc.overall.metrics.accuracy.value).toBeCloseTo(5 / 7, 15);
  });
});
