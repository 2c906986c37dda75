/**
 * The Vega-Lite spec of the metric chart: one bar per slice with its interval as an error rule, the overall
 * value as a dashed line, significantly worse slices in the theme's error colour. Rendered through JupyterLab's
 * own Vega renderer (rendermime), so the extension bundles no Vega.
 */
import { IRow } from './model';

export { VEGALITE_MIME } from '../components/vega-theme';

export interface IChartOptions {
  metric: string;
  label: string;
  bounded: boolean;
  overall: number | null;
}

export function chartSpec(rows: IRow[], options: IChartOptions): Record<string, unknown> {
  const values = rows
    .filter(
      r => r.metrics[options.metric]?.value !== null && r.metrics[options.metric] !== undefined
    )
    .map(r => {
      const e = r.metrics[options.metric];
      return {
        slice: `${r.slice.feature} = ${r.slice.value}`,
        value: e.value,
        lo: e.lo ?? e.value,
        hi: e.hi ?? e.value,
        worse: r.worse ? 'worse than overall' : 'not worse'
      };
    });
  const x = {
    field: 'value',
    type: 'quantitative',
    title: options.label,
    ...(options.bounded ? { scale: { domain: [0, 1] } } : {})
  };
  // Long slice names are elided on the axis (the tooltip keeps the whole name).
  const y = {
    field: 'slice',
    type: 'nominal',
    sort: null,
    title: null,
    axis: { labelLimit: 220 }
  };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y,
        x,
        color: {
          field: 'worse',
          type: 'nominal',
          scale: {
            domain: ['not worse', 'worse than overall'],
            range: ['#1976d2', '#d32f2f']
          },
          legend: { title: null, orient: 'bottom' }
        },
        tooltip: [
          { field: 'slice', title: 'Slice' },
          { field: 'value', format: '.4f', title: options.label },
          { field: 'lo', format: '.4f', title: 'Lower' },
          { field: 'hi', format: '.4f', title: 'Upper' }
        ]
      }
    },
    {
      mark: { type: 'rule' },
      encoding: {
        y,
        x: { field: 'lo', type: 'quantitative' },
        x2: { field: 'hi' }
      }
    }
  ];
  if (options.overall !== null) {
    layers.push({
      data: { values: [{ overall: options.overall }] },
      mark: { type: 'rule', strokeDash: [4, 4] },
      encoding: { x: { field: 'overall', type: 'quantitative' } }
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    // A fixed width: 'container' measures 0 when the output is laid out after Vega renders.
    width: 560,
    height: { step: 18 },
    layer: layers
  };
}
