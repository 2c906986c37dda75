import '../__tests__/quiet-canvas';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { SPEC, TRIALS } from '../__tests__/fixtures';
import {
  curvesSpec,
  objectiveAxis,
  objectiveSpec,
  parallelSpec,
  parameterAxis,
  VegaSpec
} from './specs';
import { themedSpec } from '../../components/vega-theme';
import { FALLBACK_THEME } from './theme';

const options = { metric: 'loss', direction: 'minimize' as const, goal: 0.05 };

type Layer = { data?: { values: Record<string, unknown>[] }; mark: { type: string } };
const layers = (spec: VegaSpec) => spec.layer as Layer[];

/** The specs must compile with the Vega-Lite JupyterLab renders with (5.6.1), warnings included. */
function compiles(spec: VegaSpec): void {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => {
      throw new Error(m.join(' '));
    },
    warn: (...m: unknown[]) => {
      warnings.push(m.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger
  };
  compile(spec as never, { logger: logger as never });
  expect(warnings).toEqual([]);
}

describe('objectiveSpec', () => {
  const spec = objectiveSpec(TRIALS, options, FALLBACK_THEME);

  it('plots every trial with a value, numbered from 1, running ones marked live', () => {
    const points = layers(spec)[1].data!.values;
    expect(points.map(p => [p.trial, p.objective, p.live])).toEqual([
      [1, 0.4, false],
      [2, 0.2, false],
      [4, 0.1, true],
      [5, 0.3, false]
    ]);
  });

  it('draws the running best of final trials only (a running 0.1 is not yet a best)', () => {
    const best = layers(spec)[0].data!.values;
    expect(best.map(b => [b.trial, b.best])).toEqual([
      [1, 0.4],
      [2, 0.2],
      [3, 0.2],
      [4, 0.2],
      [5, 0.2],
      [6, 0.2]
    ]);
  });

  it('follows the direction: maximize keeps the largest', () => {
    const max = objectiveSpec(TRIALS, { ...options, direction: 'maximize' }, FALLBACK_THEME);
    expect(layers(max)[0].data!.values.map(b => b.best)).toEqual([0.4, 0.4, 0.4, 0.4, 0.4, 0.4]);
  });

  it('adds the goal as a rule, and compiles', () => {
    expect(layers(spec).map(l => l.mark.type)).toEqual(['line', 'point', 'rule']);
    expect(
      layers(objectiveSpec(TRIALS, { ...options, goal: undefined }, FALLBACK_THEME))
    ).toHaveLength(2);
    compiles(spec);
    compiles(objectiveSpec([], options, FALLBACK_THEME));
  });

  it('draws marks in theme colours; the shared theme adds axes and text, and it still compiles', () => {
    const dark = { ...FALLBACK_THEME, accent: '#42a5f5', good: '#66bb6a' };
    const spec = objectiveSpec(TRIALS, options, dark);
    expect(layers(spec)[0].mark).toMatchObject({ color: '#66bb6a' });
    const category = (c: unknown) => (c as { range: { category: string[] } }).range.category;
    expect(category(spec.config).slice(0, 3)).toEqual(['#42a5f5', FALLBACK_THEME.warn, '#66bb6a']);
    const read = (name: string, fallback: string) =>
      name === '--jp-ui-font-color1' ? '#ffffff' : fallback;
    const themed = themedSpec(spec, read);
    expect(themed.config).toMatchObject({ axis: { titleColor: '#ffffff' } });
    expect(category(themed.config)[0]).toBe('#42a5f5');
    compiles(themed);
  });
});

describe('parallel coordinates', () => {
  it('puts numeric values on the search space, log-scaled for log distributions', () => {
    const lr = parameterAxis(SPEC.parameters[0]);
    expect(lr.title).toBe('lr (log)');
    expect(lr.position('0.0001')).toBeCloseTo(0);
    expect(lr.position('0.001')).toBeCloseTo(1 / 3);
    expect(lr.position('0.1')).toBeCloseTo(1);
    expect(lr.position('abc')).toBeUndefined();
    const layers = parameterAxis(SPEC.parameters[1]);
    expect(layers.position('1')).toBe(0);
    expect(layers.position('4')).toBe(1);
    expect(layers.position('9')).toBe(1); // clamped for drawing
    expect(layers.ticks.map(t => t.label)).toEqual(['1', '4']);
  });

  it('spaces categorical and discrete values in list order', () => {
    const opt = parameterAxis(SPEC.parameters[2]);
    expect([opt.position('sgd'), opt.position('adam'), opt.position('rmsprop')]).toEqual([
      0,
      1,
      undefined
    ]);
    const discrete = parameterAxis({
      name: 'batch',
      parameterType: 'discrete',
      list: [16, 32, 64]
    });
    expect(discrete.position('32.0')).toBe(0.5);
    expect(discrete.ticks.map(t => t.label)).toEqual(['16', '32', '64']);
  });

  it('puts the best objective at the top for either direction', () => {
    expect(objectiveAxis('loss', [0.1, 0.5], 'minimize').position(0.1)).toBe(1);
    expect(objectiveAxis('acc', [0.1, 0.5], 'maximize').position(0.5)).toBe(1);
  });

  it('folds one wide row per scored trial into the axes, in order, and compiles', () => {
    const spec = parallelSpec(TRIALS, SPEC.parameters, options, FALLBACK_THEME);
    const [rules, lines, ticks] = layers(spec);
    expect(rules.data!.values.map(v => v.axis)).toEqual(['lr (log)', 'layers', 'opt', 'loss']);
    expect(lines.data!.values.map(r => r.trial)).toEqual([
      'demo-000',
      'demo-001',
      'demo-003',
      'demo-004'
    ]);
    expect(lines.data!.values[1]).toMatchObject({ a1: 2 / 3, a2: 1, v2: 'adam' });
    expect(ticks.data!.values).toContainEqual({ axis: 'opt', at: 0, label: 'sgd' });
    compiles(spec);
    compiles(parallelSpec([], SPEC.parameters, options, FALLBACK_THEME));
  });

  it('survives metric names Vega-Lite would read as nested fields', () => {
    const spec = parallelSpec(
      TRIALS,
      SPEC.parameters,
      { ...options, metric: 'val.loss' },
      FALLBACK_THEME
    );
    expect(layers(spec)[0].data!.values.map(v => v.axis)).toContain('val.loss');
    compiles(spec);
  });
});

describe('curvesSpec', () => {
  it('has one point per report of each trial, running trials flagged, and compiles', () => {
    const spec = curvesSpec(TRIALS, { ...options, highlight: 'demo-001' }, FALLBACK_THEME);
    const values = (spec.data as { values: Record<string, unknown>[] }).values;
    expect(values).toHaveLength(5);
    expect(values.filter(v => v.running).map(v => v.trial)).toEqual(['demo-003']);
    expect(values.filter(v => v.highlight)).toHaveLength(2);
    compiles(spec);
  });

  it('drops the legend when there are too many trials to name', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      ...TRIALS[0],
      name: `t${i}`,
      index: i
    }));
    const spec = curvesSpec(many, options, FALLBACK_THEME);
    const encoding = spec.encoding as { color: { legend: unknown } };
    expect(encoding.color.legend).toBeNull();
    compiles(spec);
  });
});

describe('in Vega itself', () => {
  it('the parallel plot folds each scored trial into one point per axis, titled in order', async () => {
    const spec = parallelSpec(
      TRIALS,
      SPEC.parameters,
      { ...options, metric: 'val.loss' },
      FALLBACK_THEME
    );
    const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: 'none' });
    await view.runAsync();
    const names = (view.getState({ data: vega.truthy, signals: vega.falsy }).data ?? {}) as Record<
      string,
      unknown
    >;
    const folded = Object.keys(names)
      .map(name => view.data(name) as Record<string, unknown>[])
      .find(rows => rows.length > 0 && 'position' in rows[0])!;
    expect(folded).toHaveLength(16);
    expect(new Set(folded.map(r => r.axis))).toEqual(
      new Set(['lr (log)', 'layers', 'opt', 'val.loss'])
    );
    const best = folded.filter(r => r.trial === 'demo-001');
    expect(best.find(r => r.axis === 'opt')!.position).toBe(1);
    view.finalize();
  });
});
