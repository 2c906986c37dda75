/**
 * What the slice browser derives from a saved result document, with no kernel and no proxy: metrics at any
 * threshold of the stored confusion grid, "significantly worse than overall", sorting and filtering.
 */
import { IAnalysisResult, IEstimate, IMetricInfo, ISliceResult } from '../../contract/analysis';
import { NONE, wilson, zOf } from '../../engine/metrics/intervals';

/**
 * On every control: keys typed there (arrows on the slider, letters in the filter, Enter on a button) must not
 * run notebook shortcuts. Lumino skips keybindings when the focused element itself carries this attribute
 * (on an ancestor it is not enough: selectors such as `… :focus` match the control first).
 */
export const NO_SHORTCUTS = { 'data-lm-suppress-shortcuts': 'true' } as const;

/** Metrics the threshold slider recomputes from the confusion grid. */
export const THRESHOLD_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'selectionRate', 'fpr'];

/**
 * Metrics of a slice at grid index `k`. Intervals are Wilson on the slice's row count scaled by each cell's
 * share of the weight (exact for unweighted data; an approximation of Kish's n_eff for weighted data).
 * F1 at a moved threshold has no interval (the engine's bootstrap is for the chosen threshold only).
 */
export function metricsAt(
  slice: ISliceResult,
  k: number,
  confidence: number
): Record<string, IEstimate> {
  const grid = slice.confusion;
  if (!grid) {
    return {};
  }
  const z = zOf(confidence);
  const [tp, fp, tn, fn] = [grid.tp[k], grid.fp[k], grid.tn[k], grid.fn[k]];
  const total = tp + fp + tn + fn;
  const n = (part: number) => (total > 0 ? (slice.count * part) / total : 0);
  const rate = (num: number, den: number) => (den > 0 ? wilson(num / den, n(den), z) : NONE);
  // Precision, recall and F1 follow scikit-learn's zero_division=0, as the engine does.
  const zeroDivision = (num: number, den: number) =>
    den > 0 ? rate(num, den) : { value: 0, lo: null, hi: null };
  const f1den = 2 * tp + fp + fn;
  return {
    accuracy: rate(tp + tn, total),
    precision: zeroDivision(tp, tp + fp),
    recall: zeroDivision(tp, tp + fn),
    f1: { value: f1den > 0 ? (2 * tp) / f1den : 0, lo: null, hi: null },
    selectionRate: rate(tp + fp, total),
    fpr: rate(fp, fp + tn)
  };
}

/** The slice's metrics at the slider's threshold: the stored ones at the chosen threshold, else recomputed. */
export function sliceMetrics(
  doc: IAnalysisResult,
  slice: ISliceResult,
  k: number
): Record<string, IEstimate> {
  const chosen = doc.thresholds ? doc.thresholds.indexOf(doc.spec.threshold) : -1;
  if (!doc.thresholds || k === chosen || slice.tooSmall) {
    return slice.metrics;
  }
  return { ...slice.metrics, ...metricsAt(slice, k, doc.spec.confidence) };
}

/** True when the slice's interval lies entirely on the bad side of the overall value. */
export function worseThanOverall(
  slice: IEstimate | undefined,
  overall: IEstimate | undefined,
  info: IMetricInfo
): boolean {
  if (
    !slice ||
    !overall ||
    overall.value === null ||
    slice.lo === null ||
    slice.hi === null ||
    info.higherIsBetter === null
  ) {
    return false; // no interval, or no better direction (calibration, selection rate)
  }
  return info.higherIsBetter ? slice.hi < overall.value : slice.lo > overall.value;
}

export type SortKey = 'feature' | 'value' | 'count' | 'metric';

export interface IRow {
  slice: ISliceResult;
  metrics: Record<string, IEstimate>;
  worse: boolean;
}

export function buildRows(
  doc: IAnalysisResult,
  metric: string,
  k: number
): { overall: IRow; rows: IRow[] } {
  const info = doc.metricInfo[metric];
  const overallMetrics = sliceMetrics(doc, doc.overall, k);
  const rows = doc.slices.map(slice => {
    const metrics = sliceMetrics(doc, slice, k);
    return {
      slice,
      metrics,
      worse: !!info && worseThanOverall(metrics[metric], overallMetrics[metric], info)
    };
  });
  return {
    overall: { slice: doc.overall, metrics: overallMetrics, worse: false },
    rows
  };
}

export function filterRows(rows: IRow[], text: string): IRow[] {
  const needle = text.trim().toLowerCase();
  if (!needle) {
    return rows;
  }
  return rows.filter(r => `${r.slice.feature} ${r.slice.value}`.toLowerCase().includes(needle));
}

/** The document's metrics present in the overall row, in display order. */
export function metricNames(doc: IAnalysisResult): string[] {
  return Object.keys(doc.metricInfo)
    .filter(m => m in doc.overall.metrics)
    .sort((a, b) => doc.metricInfo[a].order - doc.metricInfo[b].order);
}

/** Sorts a copy; rows without a value for the metric (too small, undefined) always go last. */
export function sortRows(rows: IRow[], key: SortKey, metric: string, descending: boolean): IRow[] {
  const sign = descending ? -1 : 1;
  const valueOf = (r: IRow): number | string | null =>
    key === 'metric'
      ? (r.metrics[metric]?.value ?? null)
      : key === 'count'
        ? r.slice.count
        : r.slice[key];
  return [...rows].sort((a, b) => {
    const x = valueOf(a);
    const y = valueOf(b);
    if (x === null || y === null) {
      return x === y ? 0 : x === null ? 1 : -1;
    }
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}

export function formatValue(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '–';
  }
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(digits);
}

export function formatEstimate(e: IEstimate | undefined): string {
  if (!e || e.value === null) {
    return '–';
  }
  return e.lo !== null && e.hi !== null
    ? `${formatValue(e.value)} [${formatValue(e.lo)}, ${formatValue(e.hi)}]`
    : formatValue(e.value);
}
