/**
 * The search space as Optuna's samplers see it: numeric parameters in log space when the distribution is
 * logarithmic, bounds widened by half a step when values are quantised, categorical/discrete as list indices.
 * normal/logNormal are modelled as uniform/logUniform on [min, max] (checkAlgorithm refuses them for these
 * algorithms, as Katib's Optuna service does at HEAD).
 */
import { Rng } from './rng';
import { choiceIndex, isLog, onGrid, stepOf } from './space';
import { IParameter, ParamValue } from './types';

export interface INumericDim {
  kind: 'num';
  p: IParameter;
  log: boolean;
  /** Set when the kernel is a discrete truncated normal on the linear grid (Optuna's step distributions). */
  step?: number;
  /** Model-space bounds: widened by step/2 when quantised, then logged when log. */
  low: number;
  high: number;
}

export interface ICategoricalDim {
  kind: 'cat';
  p: IParameter;
  n: number;
}

export type Dim = INumericDim | ICategoricalDim;

export function modelSpace(parameters: IParameter[]): Dim[] {
  return parameters.map((p): Dim => {
    if (p.type === 'categorical' || p.type === 'discrete') {
      return { kind: 'cat', p, n: (p.list ?? []).length };
    }
    const step = stepOf(p);
    const log = isLog(p) && p.min! > 0;
    let low = p.min!;
    let high = p.max!;
    if (step !== undefined) {
      low -= step / 2;
      high += step / 2;
    }
    if (log) {
      // Half a step below a small positive min can reach 0 or below; keep the log defined.
      low = Math.log(Math.max(low, p.min! / 2));
      high = Math.log(high);
    }
    return { kind: 'num', p, log, step: log ? undefined : step, low, high };
  });
}

/** Model-space value of an observed parameter value (NaN if it cannot be read). */
export function toModel(dim: Dim, value: ParamValue): number {
  if (dim.kind === 'cat') {
    const i = choiceIndex(dim.p, value);
    return i >= 0 ? i : NaN;
  }
  const v = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(v)) {
    return NaN;
  }
  return dim.log ? Math.log(Math.max(v, Number.MIN_VALUE)) : v;
}

export function fromModel(dim: Dim, x: number): ParamValue {
  if (dim.kind === 'cat') {
    return dim.p.list![Math.min(dim.n - 1, Math.max(0, Math.round(x)))];
  }
  return onGrid(dim.p, dim.log ? Math.exp(x) : x);
}

/** Optuna's RandomSampler: uniform in the (widened, logged) model space, then onto the grid. */
export function sampleModelRandom(dim: Dim, rng: Rng): ParamValue {
  if (dim.kind === 'cat') {
    return dim.p.list![rng.int(dim.n)];
  }
  return fromModel(dim, rng.uniform(dim.low, dim.high));
}
