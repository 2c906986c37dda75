/**
 * Reference functions for the tuner's quality tests and the benchmark against Optuna (tuning-pipelines.md A.4.5),
 * with their search spaces, and a driver that runs a study sequentially (one trial at a time, as the benchmark's
 * Optuna side does with study.optimize).
 */
import { suggest } from './index';
import { IAlgorithm, IParameter, ITrialHistory, ParamValue } from './types';

export interface IReferenceFunction {
  name: string;
  parameters: IParameter[];
  minimum: number;
  f(x: Record<string, ParamValue>): number;
}

export const BRANIN: IReferenceFunction = {
  name: 'branin',
  parameters: [
    { name: 'x1', type: 'double', min: -5, max: 10 },
    { name: 'x2', type: 'double', min: 0, max: 15 }
  ],
  minimum: 0.397887,
  f(p) {
    const x1 = Number(p.x1);
    const x2 = Number(p.x2);
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  }
};

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14]
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381]
].map(row => row.map(v => v * 1e-4));

export const HARTMANN6: IReferenceFunction = {
  name: 'hartmann6',
  parameters: [0, 1, 2, 3, 4, 5].map(i => ({
    name: `x${i + 1}`,
    type: 'double' as const,
    min: 0,
    max: 1
  })),
  minimum: -3.32237,
  f(p) {
    const x = [0, 1, 2, 3, 4, 5].map(i => Number(p[`x${i + 1}`]));
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        inner += H_A[i][j] * (x[j] - H_P[i][j]) ** 2;
      }
      sum += H_ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  }
};

export const SPHERE: IReferenceFunction = {
  name: 'sphere',
  parameters: [0, 1, 2].map(i => ({ name: `x${i + 1}`, type: 'double' as const, min: -5, max: 5 })),
  minimum: 0,
  f(p) {
    return [0, 1, 2].reduce((s, i) => s + Number(p[`x${i + 1}`]) ** 2, 0);
  }
};

/** Runs `trials` trials one after another (minimising fn) and returns the history; stops early on `done`. */
export function runSequential(
  fn: IReferenceFunction,
  algorithm: IAlgorithm,
  seed: number,
  trials: number
): ITrialHistory[] {
  const history: ITrialHistory[] = [];
  const request = {
    algorithm,
    parameters: fn.parameters,
    direction: 'minimize' as const,
    seed,
    maxTrialCount: trials,
    parallelTrialCount: 1
  };
  while (history.length < trials) {
    const next = suggest(request, history);
    if (next.kind !== 'trial') {
      break;
    }
    history.push({
      index: history.length,
      params: next.params,
      state: 'succeeded',
      objective: fn.f(next.params)
    });
  }
  return history;
}

export function bestOf(history: ITrialHistory[]): number {
  return Math.min(...history.filter(t => t.state === 'succeeded').map(t => t.objective!));
}
