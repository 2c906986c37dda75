/**
 * Search-space helpers shared by the algorithms: how a parameter is drawn at random (hyperopt's formulas, as
 * Katib's `random` does) and how numeric parameters are seen by the model-based samplers (Optuna's view).
 */
import { Rng } from './rng';
import { IParameter, ParamValue } from './types';

export function isNumeric(p: IParameter): boolean {
  return p.type === 'int' || p.type === 'double';
}

export function isLog(p: IParameter): boolean {
  return p.distribution === 'logUniform' || p.distribution === 'logNormal';
}

/** The quantisation step: ints default to 1, doubles have none unless given. */
export function stepOf(p: IParameter): number | undefined {
  if (p.type === 'int') {
    return p.step && p.step > 0 ? p.step : 1;
  }
  return p.step && p.step > 0 ? p.step : undefined;
}

/** Removes float noise such as 0.30000000000000004 from values built by multiplying a step. */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * Puts a model's continuous value on the parameter's grid (min + k·step, inside [min, max]); ints are rounded.
 * Used by TPE, CMA-ES and the grid, which think of the range as min, min+step, …, as Optuna does.
 */
export function onGrid(p: IParameter, x: number): number {
  const min = p.min!;
  const max = p.max!;
  const step = stepOf(p);
  let v = Math.min(max, Math.max(min, x));
  if (step !== undefined) {
    const k = Math.round((v - min) / step);
    v = min + k * step;
    if (v > max + 1e-12 * Math.max(1, Math.abs(max))) {
      v -= step;
    }
  }
  return p.type === 'int' ? Math.round(v) : tidy(v);
}

/**
 * One value drawn the way Katib's hyperopt service draws it (`hyperopt/base_service.py`): uniform, loguniform =
 * exp(U(ln min, ln max)), normal(μ = (min+max)/2, σ = (max−min)/6), lognormal(μ = (ln min + ln max)/2,
 * σ = (ln max − ln min)/6); with a step the q-variant round(x/q)·q; categorical and discrete uniformly.
 * Normal and logNormal are unbounded, as in hyperopt. For uniform and logUniform a q-rounded value that lands
 * outside [min, max] (hyperopt can do that when min is not a multiple of q) is moved one q inwards.
 * Ints are rounded to the nearest integer (Katib truncates with int()).
 */
export function sampleHyperopt(p: IParameter, rng: Rng): ParamValue {
  if (!isNumeric(p)) {
    const list = p.list ?? [];
    return list[rng.int(list.length)];
  }
  const min = p.min!;
  const max = p.max!;
  const q = p.step && p.step > 0 ? p.step : p.type === 'int' ? 1 : undefined;
  let x: number;
  switch (p.distribution ?? 'uniform') {
    case 'logUniform':
      x = Math.exp(rng.uniform(Math.log(min), Math.log(max)));
      break;
    case 'normal':
      x = (min + max) / 2 + ((max - min) / 6) * rng.normal();
      break;
    case 'logNormal': {
      const lo = Math.log(min);
      const hi = Math.log(max);
      x = Math.exp((lo + hi) / 2 + ((hi - lo) / 6) * rng.normal());
      break;
    }
    default:
      x = rng.uniform(min, max);
  }
  if (q !== undefined) {
    x = Math.round(x / q) * q;
    const bounded =
      p.distribution === undefined ||
      p.distribution === 'uniform' ||
      p.distribution === 'logUniform';
    if (bounded) {
      if (x < min) {
        x += q;
      }
      if (x > max) {
        x -= q;
      }
      x = Math.min(max, Math.max(min, x));
    }
    x = tidy(x);
  }
  return p.type === 'int' ? Math.round(x) : x;
}

export function sampleAllHyperopt(parameters: IParameter[], rng: Rng): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of parameters) {
    out[p.name] = sampleHyperopt(p, rng);
  }
  return out;
}

/** Index of a categorical/discrete value in its list (string/number tolerant, since values travel as text). */
export function choiceIndex(p: IParameter, value: ParamValue): number {
  const list = p.list ?? [];
  const exact = list.indexOf(value);
  if (exact >= 0) {
    return exact;
  }
  return list.findIndex(v => String(v) === String(value));
}
