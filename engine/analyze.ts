/**
 * `analyze(table, spec)`: the whole engine. Pure TypeScript over apache-arrow, so it runs in the proxy and in
 * a web worker alike. Bad input throws AnalysisInputError naming the column; a result is either complete or
 * says what is missing (`complete: false` plus a warning) — never partial and silent.
 */
import { Table } from 'apache-arrow';
import {
  ANALYSIS_VERSION,
  IAnalysisResult,
  ISliceResult,
  OVERALL,
  ResolvedAnalysisSpec
} from '../contract/analysis';
import { readBinary, readMulticlass, readRegression, readWeights } from './inputs';
import { binaryGroups, COUNT_METRICS } from './metrics/binary';
import { countBinaryGroups } from './metrics/binary-counts';
import { fusedBinaryGroups } from './metrics/binary-fused';
import { KernelJob, runHere } from './kernels';
import { metricInfoOf } from './metrics/info';
import { zOf } from './metrics/intervals';
import { multiclassGroups } from './metrics/multiclass';
import { regressionGroups } from './metrics/regression';
import { IGroupOptions, IGroupResult } from './metrics/shared';
import { IBinaryData } from './metrics/binary-inputs';
import { buildGrouping, IGrouping, overallGrouping } from './slicing';
import { AnalysisInputError } from './table';

export const ENGINE_VERSION = '1.0.0';

type GroupMetrics = (grouping: IGrouping, options: IGroupOptions) => IGroupResult[];

export type ResultSource = IAnalysisResult['spec']['source'];

/**
 * Threads to run the engine's kernels on (engine/threads.ts has Node's worker_threads). Without them the
 * kernels run on the calling thread; the result is identical either way.
 */
export interface IEngineThreads {
  /** How many jobs run at once (the calling thread's included). */
  readonly size: number;
  /** Below this many rows the jobs stay on the calling thread (starting workers would cost more). */
  readonly minRows?: number;
  /** Runs the jobs, in parallel where it can; resolves when all are done. */
  run(jobs: KernelJob[]): Promise<void>;
}

function metricsFunction(
  table: Table,
  spec: ResolvedAnalysisSpec
): { run: GroupMetrics; thresholds?: number[]; fused?: IBinaryData; counts?: boolean } {
  const weight = readWeights(table, spec);
  if (spec.task === 'multiclass') {
    const data = readMulticlass(table, spec, weight);
    return { run: (g, o) => multiclassGroups(data, g, o) };
  }
  if (spec.task === 'regression') {
    const data = readRegression(table, spec, weight);
    return { run: (g, o) => regressionGroups(data, g, o) };
  }
  const data = readBinary(table, spec, weight);
  return {
    run: (g, o) => binaryGroups(data, g, o),
    thresholds: data.thresholds,
    // Without a baseline every grouping is computed in one fused walk (metrics/binary-fused.ts), or, for the
    // count-based metrics alone, in one pass per grouping with no sort (metrics/binary-counts.ts).
    fused: data.baseline ? undefined : data,
    counts: spec.metrics === 'counts'
  };
}

/** `metrics: "counts"` where it means something: binary without a baseline (multiclass metrics are all
 * count-based already; regression has none; the paired comparison is built on ROC-AUC and log loss). */
function checkMetricSet(spec: ResolvedAnalysisSpec): void {
  if (spec.metrics !== 'counts') {
    return;
  }
  if (spec.task === 'regression') {
    throw new AnalysisInputError(
      'regression has no count-based metrics: use metrics "all" (or leave it out)',
      '/metrics'
    );
  }
  if (spec.baseline) {
    throw new AnalysisInputError(
      'the baseline comparison needs every metric (ROC-AUC, log loss): use metrics "all", or leave out the baseline',
      '/metrics'
    );
  }
}

function toSlices(grouping: IGrouping, results: IGroupResult[]): ISliceResult[] {
  return results.map((r, g) => ({
    feature: grouping.feature,
    value: grouping.labels[g],
    ...(grouping.ranges ? { range: grouping.ranges[g] } : {}),
    count: r.count,
    weightedCount: r.weightedCount,
    tooSmall: r.metrics === undefined,
    metrics: r.metrics ?? {},
    ...(r.confusion ? { confusion: r.confusion } : {}),
    ...(r.baselineDiff ? { baselineDiff: r.baselineDiff } : {})
  }));
}

/**
 * The analysis as steps: it yields after reading the columns and after each grouping (undefined), and the
 * kernel jobs of the fused binary metrics for the driver to run (here or on threads) before it goes on.
 */
function* analysisSteps(
  table: Table,
  spec: ResolvedAnalysisSpec,
  source: ResultSource | undefined,
  now: () => number,
  threads: number
): Generator<KernelJob[] | undefined, IAnalysisResult> {
  const started = now();
  if (table.numRows === 0) {
    throw new AnalysisInputError('the data has no rows', '/source');
  }
  checkMetricSet(spec);
  const warnings: string[] = [];
  const { run, thresholds, fused, counts } = metricsFunction(table, spec);
  yield;
  const options = (index: number): IGroupOptions => ({
    z: zOf(spec.confidence),
    confidence: spec.confidence,
    minSliceSize: spec.minSliceSize,
    bootstrap: spec.bootstrap,
    seedOffset: index * 100003
  });
  const overallGroup = overallGrouping(fused ? 0 : table.numRows);
  let complete = true;
  const groupings: IGrouping[] = [];
  const results: IGroupResult[][] = [];
  if (!fused) {
    results.push(run(overallGroup, options(0)));
  }
  for (const [i, slice] of spec.slices.entries()) {
    yield;
    const { grouping, capped } = buildGrouping(table, slice, i, spec.maxDistinct, warnings);
    complete = complete && !capped;
    groupings.push(grouping);
    if (!fused) {
      results.push(run(grouping, options(i + 1)));
    }
  }
  if (fused) {
    const all = [overallGroup, ...groupings];
    const allOptions = all.map((_, i) => options(i));
    results.push(
      ...(yield* counts
        ? countBinaryGroups(fused, all, allOptions, threads)
        : fusedBinaryGroups(fused, all, allOptions, threads))
    );
  }
  const [overall] = toSlices(overallGroup, results[0]);
  overall.value = 'All rows';
  const slices = groupings.flatMap((grouping, i) => toSlices(grouping, results[i + 1]));
  const tooSmall = slices.filter(s => s.tooSmall).length;
  if (tooSmall > 0) {
    warnings.push(
      `${tooSmall} slice${tooSmall === 1 ? ' has' : 's have'} fewer than ${spec.minSliceSize} rows (minSliceSize): listed, metrics withheld.`
    );
  }
  if (spec.task === 'binary' && overall.metrics.rocAuc?.value === null) {
    warnings.push('The labels hold a single class: ROC-AUC and PR-AUC are undefined.');
  }
  const { source: _, ...rest } = spec;
  return {
    version: ANALYSIS_VERSION,
    kind: 'kubeflow.slices',
    ...(spec.title ? { title: spec.title } : {}),
    spec: {
      ...rest,
      source:
        source ??
        ('path' in spec.source
          ? { path: spec.source.path }
          : {
              inline: { bytes: Math.floor((spec.source.arrow.length * 3) / 4) }
            })
    },
    task: spec.task,
    rows: table.numRows,
    ...(thresholds ? { thresholds } : {}),
    metricInfo: metricInfoOf(spec.task, counts ? COUNT_METRICS : undefined),
    overall: { ...overall, feature: OVERALL },
    slices,
    warnings,
    complete,
    engine: {
      name: 'kubeflow-workbench',
      version: ENGINE_VERSION,
      elapsedMs: Math.round(now() - started)
    },
    created: new Date(now()).toISOString()
  };
}

/** `analyze(table, spec)`: the result document, computed in one go on the calling thread. */
export function analyze(
  table: Table,
  spec: ResolvedAnalysisSpec,
  source?: ResultSource,
  now = () => Date.now()
): IAnalysisResult {
  const steps = analysisSteps(table, spec, source, now, 1);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      return step.value;
    }
    if (step.value) {
      runHere(step.value);
    }
  }
}

/**
 * The same analysis, awaiting `pause()` between steps so a server's event loop can answer other requests
 * meanwhile (the proxy passes a setImmediate pause; the engine itself stays free of Node APIs), and running
 * the heavy kernels on `threads` when given (engine/threads.ts: worker threads over shared memory).
 */
export async function analyzeInTurns(
  table: Table,
  spec: ResolvedAnalysisSpec,
  source: ResultSource | undefined,
  pause: () => Promise<void>,
  now = () => Date.now(),
  threads?: IEngineThreads
): Promise<IAnalysisResult> {
  const parallel = threads && table.numRows >= (threads.minRows ?? 0) ? threads.size : 1;
  const steps = analysisSteps(table, spec, source, now, parallel);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      return step.value;
    }
    if (step.value && threads) {
      await threads.run(step.value);
    } else if (step.value) {
      runHere(step.value);
    }
    await pause();
  }
}
