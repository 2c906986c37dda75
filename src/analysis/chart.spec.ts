import { IEstimate, ISliceResult } from '../../contract/analysis';
import { chartSpec } from './chart';
import { checkDocument } from './document';
import { IRow } from './model';

const row = (value: string, accuracy: [number, number, number] | null, worse = false): IRow => {
  const slice: ISliceResult = {
    feature: 'region',
    value,
    count: 100,
    weightedCount: 100,
    tooSmall: !accuracy,
    metrics: {}
  };
  const metrics: Record<string, IEstimate> = accuracy
    ? { accuracy: { value: accuracy[0], lo: accuracy[1], hi: accuracy[2] } }
    : {};
  return { slice, metrics, worse };
};

describe('chartSpec', () => {
  it('draws one bar and one interval rule per slice with a value, flags worse slices, marks overall', () => {
    const rows = [
      row('north', [0.85, 0.82, 0.88]),
      row('south', [0.7, 0.65, 0.75], true),
      row('tiny', null)
    ];
    const spec = chartSpec(rows, {
      metric: 'accuracy',
      label: 'Accuracy',
      bounded: true,
      overall: 0.8
    });
    const values = (spec.data as { values: Record<string, unknown>[] }).values;
    expect(values).toEqual([
      { slice: 'region = north', value: 0.85, lo: 0.82, hi: 0.88, worse: 'not worse' },
      { slice: 'region = south', value: 0.7, lo: 0.65, hi: 0.75, worse: 'worse than overall' }
    ]);
    const layers = spec.layer as {
      mark: { type: string };
      encoding: Record<string, { field?: string }>;
    }[];
    expect(layers.map(l => l.mark.type)).toEqual(['bar', 'rule', 'rule']);
    expect(layers[1].encoding.x2.field).toBe('hi');
    expect(layers[0].encoding.x).toMatchObject({ scale: { domain: [0, 1] } });
  });

  it('leaves unbounded metrics on a free axis and omits the overall line when there is none', () => {
    const spec = chartSpec([row('north', [2.5, 2.2, 2.8])], {
      metric: 'accuracy',
      label: 'MAE',
      bounded: false,
      overall: null
    });
    const layers = spec.layer as { encoding: Record<string, unknown> }[];
    expect(layers).toHaveLength(2);
    expect(layers[0].encoding.x).not.toHaveProperty('scale');
  });
});

describe('checkDocument', () => {
  const minimal = { version: 1, overall: { metrics: {} }, slices: [], metricInfo: {} };

  it('accepts a version-1 document and refuses others with a reason', () => {
    expect('doc' in checkDocument(minimal)).toBe(true);
    expect(checkDocument({ ...minimal, version: 2 })).toEqual({
      problem: expect.stringContaining('version 2')
    });
    expect(checkDocument({ foo: 1 })).toEqual({
      problem: expect.stringContaining('does not hold')
    });
    expect(checkDocument(null)).toEqual({ problem: expect.stringContaining('does not hold') });
  });
});
