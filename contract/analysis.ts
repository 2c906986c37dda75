/**
 * Wire types of the model-analysis feature: the AnalysisSpec (`schemas/analysis.schema.json` is the source of
 * truth; these types mirror it) and the result document the engine answers, which notebooks store as
 * `application/vnd.kubeflow.slices+json` and the slice browser renders with no kernel and no proxy.
 */
import schema from './schemas/analysis.schema.json';
import { registerSchema, validate, Validation } from './validate';

export const ANALYSIS_SCHEMA = schema as typeof schema & { $id: 'analysis' };

/** Validates an AnalysisSpec and fills its defaults. Registers the schema on first use: the package is marked
 * side-effect free, so a bare import of this module may be dropped by bundlers and must not be relied on. */
export function validateAnalysisSpec(value: unknown): Validation<ResolvedAnalysisSpec> {
  registerSchema(ANALYSIS_SCHEMA);
  return validate<ResolvedAnalysisSpec>(ANALYSIS_SCHEMA.$id, value);
}

export type AnalysisTask = 'binary' | 'multiclass' | 'regression';

/** "all": every metric of the task; "counts": only those from the confusion counts (no sort by score). */
export type MetricSet = 'all' | 'counts';

export type BucketSpec = { quantiles: number } | { edges: number[] };
export interface IBucketedFeature {
  feature: string;
  buckets: BucketSpec;
}
export type CrossPart = string | IBucketedFeature;
export type SliceSpec = string | IBucketedFeature | { cross: CrossPart[] };

export type AnalysisSource =
  { path: string; format?: 'csv' | 'parquet' | 'arrow' } | { arrow: string };

export interface IAnalysisSpec {
  source: AnalysisSource;
  title?: string;
  label: string;
  prediction: string;
  task?: AnalysisTask;
  metrics?: MetricSet;
  weights?: string;
  baseline?: string;
  slices?: SliceSpec[];
  threshold?: number;
  thresholds?: number[];
  minSliceSize?: number;
  maxDistinct?: number;
  confidence?: number;
  bootstrap?: { samples?: number; seed?: number };
}

/** The spec after validation: every default filled in. */
export type ResolvedAnalysisSpec = Required<
  Pick<
    IAnalysisSpec,
    'task' | 'metrics' | 'slices' | 'threshold' | 'minSliceSize' | 'maxDistinct' | 'confidence'
  >
> &
  IAnalysisSpec & { bootstrap: { samples: number; seed: number } };

/** A point estimate with its interval; `null` where the metric is undefined (e.g. AUC of a one-class slice). */
export interface IEstimate {
  value: number | null;
  lo: number | null;
  hi: number | null;
}

/** Candidate minus baseline on the same rows, with a paired interval; `significant` when it excludes zero. */
export interface IDifference extends IEstimate {
  significant: boolean;
}

/** Weighted confusion counts at each threshold of the document's `thresholds` grid (score >= t is positive). */
export interface IConfusionGrid {
  tp: number[];
  fp: number[];
  tn: number[];
  fn: number[];
}

export interface ISliceResult {
  /** Feature name; crosses join their parts with ' × ' ("sex × age"); the overall row is 'Overall'. */
  feature: string;
  /** Value label: a category, a bucket like "[0.2, 0.5)", "(missing)", "(other)"; crosses join with ' × '. */
  value: string;
  /** Numeric bucket bounds [lo, hi) (null for open ends) when the slice is a single bucketed feature. */
  range?: [number | null, number | null];
  count: number;
  weightedCount: number;
  /** Fewer rows than `minSliceSize`: metrics are withheld, the slice is still listed. */
  tooSmall: boolean;
  metrics: Record<string, IEstimate>;
  confusion?: IConfusionGrid;
  baselineDiff?: Record<string, IDifference>;
}

export interface IMetricInfo {
  label: string;
  /** Column heading. */
  short: string;
  /** Display position (saved notebooks sort JSON keys, so key order cannot carry it). */
  order: number;
  /** null for metrics with no better direction (calibration, selection rate). */
  higherIsBetter: boolean | null;
  /** A proportion in [0, 1] (the chart uses a fixed 0..1 axis). */
  bounded: boolean;
  /** How the interval was computed, in words (also in docs/analysis.md). */
  interval: string;
}

export interface IAnalysisResult {
  version: 1;
  kind: 'kubeflow.slices';
  title?: string;
  /** The spec as run, defaults filled; inline Arrow data is replaced by its size to keep the document small. */
  spec: Omit<ResolvedAnalysisSpec, 'source'> & {
    source: { path: string } | { inline: { bytes: number } };
  };
  task: AnalysisTask;
  rows: number;
  thresholds?: number[];
  metricInfo: Record<string, IMetricInfo>;
  overall: ISliceResult;
  slices: ISliceResult[];
  /** Plain-words notes: capped features, pooled values, dropped rows. */
  warnings: string[];
  /** False when anything was left out (a capped feature, a failed slice): the UI must say so. */
  complete: boolean;
  engine: { name: string; version: string; elapsedMs: number };
  created: string;
}

export const ANALYSIS_VERSION = 1;
export const OVERALL = 'Overall';
export const MISSING_VALUE = '(missing)';
export const OTHER_VALUE = '(other)';
