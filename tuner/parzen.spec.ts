import { modelSpace } from './model-space';
import { defaultWeights, ParzenEstimator } from './parzen';
import { IParameter } from './types';

/**
 * Log densities of Optuna 4.9's own `_ParzenEstimator` for the same observations, printed by
 * bench/tuning/parzen_golden.py (prior_weight 1, magic clip, no endpoints, default weights).
 */
const OPTUNA: Record<string, number[]> = {
  float: [-0.039740024, 0.060750146, 0.234601725, 0.22353091, -0.024892421, -0.594069311],
  int: [-2.074541345, -1.855683496, -1.840979779, -2.292811714, -2.880192187],
  stepped: [-2.466088757, -2.16551341, -2.10799369, -2.489051763, -3.169086977],
  log: [-2.396996593, -1.975519624, -2.16440172, -2.500552558, -2.546702258],
  categorical: [-0.741937345, -1.658228077, -1.098612289],
  many: [-0.559520026, -0.128760023, 0.03860291],
  joint: [-0.375803133, -1.363617732, -0.866395196],
  'float-multivariate': [
    -0.203700035, -0.031873022, 0.270879159, 0.309377018, -0.137859113, -0.758235565
  ],
  'int-multivariate': [-2.140264936, -1.818377534, -1.772446263, -2.446609973, -2.697350173],
  'stepped-multivariate': [-2.481892714, -2.143727057, -2.079884863, -2.509567767, -3.239494961],
  'log-multivariate': [-2.689677987, -1.9557108, -2.265450026, -2.203527994, -2.271000189],
  'categorical-multivariate': [-0.741937345, -1.658228077, -1.098612289],
  'many-multivariate': [-0.358408316, 0.026254685, 0.000564605],
  'joint-multivariate': [-0.275791577, -1.3086645, -0.91133685]
};

interface ICase {
  space: IParameter[];
  obs: number[][];
  xs: number[][];
}

const many = Array.from({ length: 40 }, (_, i) => [(i * 0.37) % 1]);
const CASES: Record<string, ICase> = {
  float: {
    space: [{ name: 'x', type: 'double', min: 0, max: 1 }],
    obs: [[0.1], [0.35], [0.4], [0.8]],
    xs: [[0], [0.05], [0.2], [0.37], [0.6], [0.99]]
  },
  int: {
    space: [{ name: 'n', type: 'int', min: 1, max: 10 }],
    obs: [[2], [3], [3], [9]],
    xs: [[1], [2], [3], [5], [10]]
  },
  stepped: {
    space: [{ name: 'd', type: 'double', min: 0, max: 1, step: 0.1 }],
    obs: [[0.2], [0.5]],
    xs: [[0], [0.2], [0.3], [0.7], [1]]
  },
  log: {
    space: [{ name: 'lr', type: 'double', min: 1e-4, max: 1, distribution: 'logUniform' }],
    obs: [[Math.log(1e-3)], [Math.log(2e-3)], [Math.log(0.5)]],
    // Both work in ln x: observations and points are logged before the kernels see them.
    xs: [1e-4, 1e-3, 0.01, 0.5, 1].map(v => [Math.log(v)])
  },
  categorical: {
    space: [{ name: 'c', type: 'categorical', list: ['a', 'b', 'c'] }],
    obs: [[0], [0], [2]],
    xs: [[0], [1], [2]]
  },
  many: {
    space: [{ name: 'x', type: 'double', min: 0, max: 1 }],
    obs: many,
    xs: [[0.01], [0.5], [0.93]]
  },
  joint: {
    space: [
      { name: 'x', type: 'double', min: 0, max: 1 },
      { name: 'c', type: 'categorical', list: ['a', 'b'] }
    ],
    obs: [
      [0.2, 1],
      [0.7, 0],
      [0.5, 1]
    ],
    xs: [
      [0.2, 1],
      [0.2, 0],
      [0.9, 0]
    ]
  }
};

describe("Parzen estimator = Optuna 4.9's, to 1e-6", () => {
  for (const multivariate of [false, true]) {
    for (const [name, c] of Object.entries(CASES)) {
      const key = `${name}${multivariate ? '-multivariate' : ''}`;
      it(key, () => {
        const pe = new ParzenEstimator(modelSpace(c.space), c.obs, {
          priorWeight: 1,
          multivariate,
          weights: defaultWeights(c.obs.length)
        });
        const ours = c.xs.map(x => pe.logPdf(x));
        ours.forEach((v, i) => expect(v).toBeCloseTo(OPTUNA[key][i], 6));
      });
    }
  }
});
