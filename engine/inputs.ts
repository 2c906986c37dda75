/** Reads and checks the label, prediction, baseline and weight columns for each task. */
import { Table } from 'apache-arrow';
import { ResolvedAnalysisSpec } from '../contract/analysis';
import { IBinaryData, prepareModel } from './metrics/binary-inputs';
import { classCodes, IMulticlassData } from './metrics/multiclass';
import { IRegressionData } from './metrics/regression';
import { AnalysisInputError, columnOf, isNumericColumn, requireNoNaN, toFloat64 } from './table';

const MAX_CLASSES = 1000;

function numeric(table: Table, name: string, field: string, purpose: string): Float64Array {
  const vector = columnOf(table, name, field);
  if (!isNumericColumn(vector)) {
    throw new AnalysisInputError(
      `column "${name}" holds ${String(vector.type)} values; ${purpose}`,
      field,
      name
    );
  }
  const values = toFloat64(vector, field, name);
  requireNoNaN(values, field, name);
  return values;
}

function firstOutside(values: Float64Array, ok: (x: number) => boolean): number {
  for (let i = 0; i < values.length; i++) {
    if (!ok(values[i])) {
      return i;
    }
  }
  return -1;
}

export function readWeights(table: Table, spec: ResolvedAnalysisSpec): Float64Array | null {
  if (!spec.weights) {
    return null;
  }
  const weights = numeric(table, spec.weights, '/weights', 'example weights must be numbers');
  const bad = firstOutside(weights, x => x >= 0 && Number.isFinite(x));
  if (bad >= 0) {
    throw new AnalysisInputError(
      `column "${spec.weights}" has a negative or infinite weight (${weights[bad]} at row ${bad})`,
      '/weights',
      spec.weights
    );
  }
  if (!weights.some(x => x > 0)) {
    throw new AnalysisInputError(
      `column "${spec.weights}" has no positive weight`,
      '/weights',
      spec.weights
    );
  }
  return weights;
}

/** The threshold grid (sorted, unique, containing the chosen threshold) and where the threshold sits in it. */
export function thresholdGrid(spec: ResolvedAnalysisSpec): {
  thresholds: number[];
  index: number;
} {
  const base = spec.thresholds ?? Array.from({ length: 101 }, (_, i) => i / 100);
  const thresholds = [...new Set([...base, spec.threshold])].sort((a, b) => a - b);
  return { thresholds, index: thresholds.indexOf(spec.threshold) };
}

function scores(table: Table, name: string, field: string): Float64Array {
  const values = numeric(
    table,
    name,
    field,
    'binary metrics need scores (probabilities in [0, 1]) or 0/1 classes'
  );
  const bad = firstOutside(values, x => x >= 0 && x <= 1);
  if (bad >= 0) {
    throw new AnalysisInputError(
      `column "${name}" has a prediction outside [0, 1] (${values[bad]} at row ${bad}); binary metrics need probabilities — apply a sigmoid to logits first`,
      field,
      name
    );
  }
  return values;
}

export function readBinary(
  table: Table,
  spec: ResolvedAnalysisSpec,
  weight: Float64Array | null
): IBinaryData {
  const label = numeric(table, spec.label, '/label', 'binary metrics need 0/1 (or boolean) labels');
  const bad = firstOutside(label, x => x === 0 || x === 1);
  if (bad >= 0) {
    throw new AnalysisInputError(
      `column "${spec.label}" is not a binary label: it has ${label[bad]} at row ${bad} (expected 0 or 1); use task "multiclass" or "regression", or map it to 0/1`,
      '/label',
      spec.label
    );
  }
  const { thresholds, index } = thresholdGrid(spec);
  const candidate = prepareModel(
    label,
    weight,
    scores(table, spec.prediction, '/prediction'),
    thresholds,
    spec.threshold
  );
  const baseline = spec.baseline
    ? prepareModel(
        label,
        weight,
        scores(table, spec.baseline, '/baseline'),
        thresholds,
        spec.threshold
      )
    : undefined;
  return {
    label,
    weight,
    thresholds,
    thresholdIndex: index,
    candidate,
    baseline
  };
}

export function readMulticlass(
  table: Table,
  spec: ResolvedAnalysisSpec,
  weight: Float64Array | null
): IMulticlassData {
  const columns = [
    { name: spec.label, field: '/label' },
    { name: spec.prediction, field: '/prediction' },
    ...(spec.baseline ? [{ name: spec.baseline, field: '/baseline' }] : [])
  ].map(c => ({ ...c, vector: columnOf(table, c.name, c.field) }));
  const { classes, coded } = classCodes(columns, MAX_CLASSES);
  return {
    classes,
    label: coded[0],
    prediction: coded[1],
    baseline: coded[2],
    weight
  };
}

export function readRegression(
  table: Table,
  spec: ResolvedAnalysisSpec,
  weight: Float64Array | null
): IRegressionData {
  const purpose = 'regression metrics need numbers';
  const finite = (values: Float64Array, name: string, field: string) => {
    const bad = firstOutside(values, Number.isFinite);
    if (bad >= 0) {
      throw new AnalysisInputError(
        `column "${name}" has an infinite value at row ${bad}`,
        field,
        name
      );
    }
    return values;
  };
  const read = (name: string, field: string) =>
    finite(numeric(table, name, field, purpose), name, field);
  return {
    label: read(spec.label, '/label'),
    prediction: read(spec.prediction, '/prediction'),
    baseline: spec.baseline ? read(spec.baseline, '/baseline') : undefined,
    weight
  };
}
