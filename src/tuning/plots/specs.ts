/**
 * Vega-Lite specs of a study's plots, pure functions of the trials (tested as data): objective per trial with
 * the running best, parallel coordinates of the parameters into the objective, and per-trial metric curves.
 * Rendered through JupyterLab's own Vega renderer; colours come from the theme's `vegaConfig`.
 */
import { IStudyParameter, ITrial } from '../../../contract/study';
import { Direction, isFinal, runningBest } from '../trials';
import { IChartTheme, vegaConfig } from './theme';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export type VegaSpec = Record<string, unknown>;

export interface IPlotOptions {
  metric: string;
  direction: Direction;
  goal?: number;
  /** Fixed: 'container' measures 0 when the output is laid out after Vega renders. */
  width?: number;
  height?: number;
}

/** How a trial is drawn: final values solid, live ones hollow, so a running value is never read as final. */
export function pointState(trial: ITrial): 'final' | 'live' | 'other' {
  if (isFinal(trial)) {
    return 'final';
  }
  return trial.phase === 'Running' ? 'live' : 'other';
}

/**
 * Objective per trial (x: trial number, from 1) as points, and the running best of final trials as a step
 * line; the goal, when set, as a dashed rule. Running trials show their latest value, hollow.
 */
export function objectiveSpec(
  trials: readonly ITrial[],
  options: IPlotOptions,
  theme: IChartTheme
): VegaSpec {
  const rows = runningBest(trials, options.direction);
  const points = rows
    .filter(({ trial }) => trial.objective !== undefined)
    .map(({ trial }) => ({
      trial: trial.index + 1,
      name: trial.name,
      objective: trial.objective,
      phase: trial.phase,
      live: pointState(trial) === 'live'
    }));
  const best = rows
    .filter(r => r.best !== undefined)
    .map(r => ({ trial: r.trial.index + 1, best: r.best }));
  const x = {
    field: 'trial',
    type: 'quantitative',
    title: 'Trial',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { domainMin: 1, nice: false }
  };
  const y = { type: 'quantitative', title: options.metric, scale: { zero: false } };
  const layer: VegaSpec[] = [
    {
      data: { values: best },
      mark: { type: 'line', interpolate: 'step-after', color: theme.good, strokeWidth: 2 },
      encoding: {
        x,
        y: { ...y, field: 'best' },
        tooltip: [
          { field: 'trial', title: 'After trial' },
          { field: 'best', title: `Best ${options.metric}`, format: '.4~g' }
        ]
      }
    },
    {
      data: { values: points },
      mark: { type: 'point', size: 60, strokeWidth: 2 },
      encoding: {
        x,
        y: { ...y, field: 'objective' },
        color: { value: theme.accent },
        fill: {
          condition: { test: 'datum.live', value: 'transparent' },
          value: theme.accent
        },
        tooltip: [
          { field: 'name', title: 'Trial' },
          { field: 'objective', title: options.metric, format: '.4~g' },
          { field: 'phase', title: 'State' }
        ]
      }
    }
  ];
  if (options.goal !== undefined) {
    layer.push({
      data: { values: [{ goal: options.goal }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: theme.mutedText },
      encoding: { y: { field: 'goal', type: 'quantitative' } }
    });
  }
  return {
    $schema: SCHEMA,
    description: `${options.metric} per trial (${options.direction}) with the running best`,
    width: options.width ?? 520,
    height: options.height ?? 220,
    config: vegaConfig(theme),
    layer
  };
}

/** One axis of the parallel-coordinates plot: where each value sits in [0, 1], and the labels to print. */
export interface IAxis {
  key: string;
  title: string;
  position: (raw: string | number | undefined) => number | undefined;
  ticks: { at: number; label: string }[];
}

function shortNumber(n: number): string {
  return Math.abs(n) >= 1e4 || (n !== 0 && Math.abs(n) < 1e-2)
    ? n.toExponential(1)
    : String(Number(n.toPrecision(3)));
}

/**
 * The axis of a parameter. Numeric ranges use the search space (not the values seen), on a log scale for
 * log distributions; categorical and discrete values are evenly spaced in their list order.
 */
export function parameterAxis(p: IStudyParameter): IAxis {
  if (p.list && p.list.length > 0) {
    const labels = p.list.map(String);
    const at = (i: number) => (labels.length === 1 ? 0.5 : i / (labels.length - 1));
    return {
      key: p.name,
      title: p.name,
      position: raw => {
        const i = raw === undefined ? -1 : labels.indexOf(String(raw));
        if (i >= 0) {
          return at(i);
        }
        // A discrete value printed differently ("1.0" vs "1") still finds its place.
        const n = Number(raw);
        const j = p.list!.findIndex(v => Number(v) === n);
        return j >= 0 && Number.isFinite(n) ? at(j) : undefined;
      },
      ticks: labels.map((label, i) => ({ at: at(i), label }))
    };
  }
  const log = p.distribution === 'logUniform' || p.distribution === 'logNormal';
  const lo = p.min ?? 0;
  const hi = p.max ?? 1;
  const scale = (v: number) => (log ? Math.log(v) : v);
  const span = scale(hi) - scale(lo);
  return {
    key: p.name,
    title: log ? `${p.name} (log)` : p.name,
    position: raw => {
      const n = Number(raw);
      if (raw === undefined || !Number.isFinite(n) || (log && n <= 0)) {
        return undefined;
      }
      // Normal distributions may sample outside [min, max]; clamp for drawing only.
      return span > 0 ? Math.min(1, Math.max(0, (scale(n) - scale(lo)) / span)) : 0.5;
    },
    ticks: [
      { at: 0, label: shortNumber(lo) },
      { at: 1, label: shortNumber(hi) }
    ]
  };
}

/** The objective's axis over the values seen, best at the top for either direction. */
export function objectiveAxis(metric: string, values: number[], direction: Direction): IAxis {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo;
  const up = (v: number) => (span > 0 ? (v - lo) / span : 0.5);
  const at = (v: number) => (direction === 'maximize' ? up(v) : 1 - up(v));
  return {
    key: '__objective',
    title: metric,
    position: raw => (typeof raw === 'number' ? at(raw) : undefined),
    ticks: values.length ? [lo, hi].map(v => ({ at: at(v), label: shortNumber(v) })) : []
  };
}

/**
 * Parallel coordinates: one line per trial with an objective, through each parameter's axis into the
 * objective's (the Vega-Lite fold pattern over positions normalised to [0, 1] here, where the search space is
 * known). Lines are coloured by the objective, the best end of the scheme always meaning better.
 */
export function parallelSpec(
  trials: readonly ITrial[],
  parameters: readonly IStudyParameter[],
  options: IPlotOptions,
  theme: IChartTheme
): VegaSpec {
  const scored = trials.filter(t => t.objective !== undefined);
  const axes = [
    ...parameters.map(parameterAxis),
    objectiveAxis(
      options.metric,
      scored.map(t => t.objective!),
      options.direction
    )
  ];
  // Fold keys are a0…an: metric names may hold '.', which Vega-Lite would read as a nested field.
  const keys = axes.map((_, i) => `a${i}`);
  const titles = axes.map(a => a.title);
  const rows = scored.map(t => {
    const row: Record<string, unknown> = {
      trial: t.name,
      objective: t.objective,
      phase: t.phase
    };
    axes.forEach((axis, i) => {
      row[keys[i]] = axis.position(axis.key === '__objective' ? t.objective : t.params[axis.key]);
    });
    parameters.forEach((p, i) => {
      row[`v${i}`] = t.params[p.name];
    });
    return row;
  });
  const x = {
    field: 'axis',
    type: 'nominal',
    sort: titles,
    title: null,
    // Room between the axis names and the top tick labels, which sit on the plot's top edge.
    axis: {
      orient: 'top',
      labelAngle: 0,
      domain: false,
      ticks: false,
      labelFontWeight: 600,
      labelPadding: 12
    }
  };
  const y = { type: 'quantitative', axis: null, scale: { domain: [0, 1] } };
  const ticks = axes.flatMap(a => a.ticks.map(t => ({ axis: a.title, at: t.at, label: t.label })));
  return {
    $schema: SCHEMA,
    description: `Parameters of each trial and its ${options.metric}`,
    width: options.width ?? Math.max(360, 120 * axes.length),
    height: options.height ?? 220,
    config: { ...vegaConfig(theme), view: { stroke: null } },
    layer: [
      {
        data: { values: titles.map(axis => ({ axis })) },
        mark: { type: 'rule', color: theme.domain },
        encoding: { x, y: { datum: 0, ...y }, y2: { datum: 1 } }
      },
      {
        data: { values: rows },
        transform: [
          { fold: keys, as: ['key', 'position'] },
          {
            calculate: `${JSON.stringify(titles)}[toNumber(slice(datum.key, 1))]`,
            as: 'axis'
          },
          { filter: 'isValid(datum.position)' }
        ],
        mark: { type: 'line', opacity: 0.8, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { ...y, field: 'position' },
          detail: { field: 'trial', type: 'nominal' },
          color: {
            field: 'objective',
            type: 'quantitative',
            title: options.metric,
            scale: { scheme: 'viridis', reverse: options.direction === 'minimize' }
          },
          tooltip: [
            { field: 'trial', title: 'Trial' },
            { field: 'objective', title: options.metric, format: '.4~g' },
            ...parameters.map((p, i) => ({ field: `v${i}`, title: p.name }))
          ]
        }
      },
      {
        data: { values: ticks },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'middle',
          dx: 4,
          color: theme.mutedText,
          fontSize: 10
        },
        encoding: { x, y: { ...y, field: 'at' }, text: { field: 'label' } }
      }
    ]
  };
}

/** At most this many trials drawn with a legend; beyond it, lines have tooltips only. */
const LEGEND_LIMIT = 12;

/**
 * The objective metric's series of each trial (x: report step), growing while trials run. Finished trials are
 * drawn fainter than running ones; `highlight` (a trial name) is drawn on top, thicker.
 */
export function curvesSpec(
  trials: readonly ITrial[],
  options: IPlotOptions & { highlight?: string },
  theme: IChartTheme
): VegaSpec {
  const values = trials.flatMap(t =>
    t.curve.map(p => ({
      trial: t.name,
      step: p.step,
      value: p.value,
      phase: t.phase,
      running: t.phase === 'Running',
      highlight: t.name === options.highlight
    }))
  );
  const withCurve = new Set(values.map(v => v.trial)).size;
  return {
    $schema: SCHEMA,
    description: `${options.metric} per report step of each trial`,
    width: options.width ?? 520,
    height: options.height ?? 220,
    config: vegaConfig(theme),
    data: { values },
    mark: { type: 'line', point: withCurve <= LEGEND_LIMIT && values.length <= 400 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'Report', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: options.metric, scale: { zero: false } },
      color: {
        field: 'trial',
        type: 'nominal',
        title: 'Trial',
        legend: withCurve <= LEGEND_LIMIT ? { orient: 'right' } : null
      },
      opacity: {
        condition: { test: 'datum.running || datum.highlight', value: 1 },
        value: options.highlight ? 0.25 : 0.85
      },
      strokeWidth: { condition: { test: 'datum.highlight', value: 3 }, value: 1.5 },
      order: { field: 'highlight', type: 'ordinal' },
      tooltip: [
        { field: 'trial', title: 'Trial' },
        { field: 'step', title: 'Report' },
        { field: 'value', title: options.metric, format: '.4~g' },
        { field: 'phase', title: 'State' }
      ]
    }
  };
}
