import { checkAlgorithm, LOCAL_ALGORITHMS } from './index';
import { MIXED, request } from './test-helpers';
import { IParameter } from './types';

const paths = (errors: { path: string }[]) => errors.map(e => e.path);
const TWO: IParameter[] = [
  { name: 'lr', type: 'double', min: 0.01, max: 0.03, step: 0.01 },
  { name: 'epochs', type: 'int', min: 1, max: 27 }
];

describe('checkAlgorithm', () => {
  it('accepts a valid study for every local algorithm', () => {
    expect(LOCAL_ALGORITHMS).toEqual([
      'random',
      'grid',
      'tpe',
      'multivariate-tpe',
      'cmaes',
      'hyperband'
    ]);
    for (const name of LOCAL_ALGORITHMS) {
      const settings = name === 'hyperband' ? { r_l: '27', resource_name: 'epochs' } : undefined;
      expect(
        checkAlgorithm(request(name, TWO, { maxTrialCount: 20, parallelTrialCount: 27, settings }))
      ).toEqual([]);
    }
  });

  it('an unknown algorithm is refused with the list of what we have', () => {
    expect(checkAlgorithm(request('bayesianoptimization', TWO))).toEqual([
      {
        path: '/algorithm/name',
        message:
          'the local tuner has no algorithm "bayesianoptimization"; it has random, grid, tpe, multivariate-tpe, cmaes, hyperband'
      }
    ]);
  });

  it('an unknown setting names the settings the algorithm has', () => {
    const [error] = checkAlgorithm(request('random', TWO, { settings: { seed: '1' } }));
    expect(error).toEqual({
      path: '/algorithm/settings/seed',
      message: 'random has no setting "seed"; its settings are random_state'
    });
  });

  it.each([
    ['random', 'random_state', '-1', 'must be an integer ≥ 0'],
    ['random', 'random_state', 'abc', 'must be an integer ≥ 0'],
    ['grid', 'random_state', '1.5', 'must be an integer ≥ 0'],
    ['tpe', 'gamma', '1', 'between 0 and 1'],
    ['tpe', 'gamma', '0', 'between 0 and 1'],
    ['tpe', 'prior_weight', '0', 'must be a number > 0'],
    ['tpe', 'n_EI_candidates', '0', 'must be an integer ≥ 1'],
    ['tpe', 'n_ei_candidates', 'x', 'must be an integer ≥ 1'],
    ['tpe', 'n_startup_trials', '-2', 'must be an integer ≥ 0'],
    ['multivariate-tpe', 'n_startup_trials', '2.5', 'must be an integer ≥ 0'],
    ['multivariate-tpe', 'n_ei_candidates', '0', 'must be an integer ≥ 1'],
    ['cmaes', 'sigma', '-0.1', 'must be a number > 0'],
    ['cmaes', 'restart_strategy', 'lpop', 'must be one of none, ipop, bipop'],
    ['hyperband', 'eta', '1', 'must be an integer ≥ 2'],
    ['hyperband', 'r_l', '-3', 'must be a number > 0']
  ])('%s setting %s=%s is refused', (name, setting, value, message) => {
    const settings: Record<string, string> =
      name === 'hyperband'
        ? { r_l: '27', resource_name: 'epochs', [setting]: value }
        : { [setting]: value };
    const errors = checkAlgorithm(
      request(name, TWO, { maxTrialCount: 6, parallelTrialCount: 27, settings })
    );
    const error = errors.find(e => e.path === `/algorithm/settings/${setting}`);
    expect(error?.message).toContain(message);
  });

  it('tpe takes the Katib hyperopt settings and ours', () => {
    const settings = {
      gamma: '0.25',
      prior_weight: '1.5',
      n_EI_candidates: '24',
      n_startup_trials: '5',
      random_state: '3'
    };
    expect(checkAlgorithm(request('tpe', TWO, { settings }))).toEqual([]);
  });

  it('grid: every double needs a step', () => {
    const space: IParameter[] = [{ name: 'lr', type: 'double', min: 0.01, max: 0.03 }, TWO[1]];
    expect(checkAlgorithm(request('grid', space, { maxTrialCount: 5 }))).toEqual([
      { path: '/parameters/0/step', message: 'grid needs a step for the double parameter "lr"' }
    ]);
  });

  it('grid: maxTrialCount must not exceed the number of combinations', () => {
    expect(checkAlgorithm(request('grid', TWO, { maxTrialCount: 82 }))).toEqual([
      {
        path: '/maxTrialCount',
        message: 'maxTrialCount 82 is more than the 81 combinations of the grid'
      }
    ]);
    expect(checkAlgorithm(request('grid', TWO, { maxTrialCount: 81 }))).toEqual([]);
  });

  it('hyperband: r_l and resource_name are required', () => {
    expect(paths(checkAlgorithm(request('hyperband', TWO, { settings: {} })))).toEqual([
      '/algorithm/settings/r_l',
      '/algorithm/settings/resource_name'
    ]);
    expect(checkAlgorithm(request('hyperband', TWO, { settings: { r_l: '9' } }))[0].message).toBe(
      'hyperband needs r_l and resource_name; resource_name is not set'
    );
  });

  it('hyperband: resource_name must be a numeric parameter', () => {
    const settings = { r_l: '9', resource_name: 'steps' };
    expect(checkAlgorithm(request('hyperband', TWO, { settings }))[0]).toEqual({
      path: '/algorithm/settings/resource_name',
      message: 'resource_name "steps" must be one of the parameters (lr, epochs)'
    });
    const categorical = [...TWO, { name: 'opt', type: 'categorical' as const, list: ['a'] }];
    expect(
      checkAlgorithm(
        request('hyperband', categorical, { settings: { r_l: '9', resource_name: 'opt' } })
      )[0].path
    ).toBe('/parameters/2/type');
  });

  it('hyperband: parallelTrialCount ≥ eta^s_max', () => {
    const settings = { r_l: '27', resource_name: 'epochs' };
    expect(checkAlgorithm(request('hyperband', TWO, { settings, parallelTrialCount: 26 }))).toEqual(
      [
        {
          path: '/parallelTrialCount',
          message:
            'hyperband with r_l=27 and eta=3 needs parallelTrialCount ≥ 27 (eta^s_max), got 26'
        }
      ]
    );
    expect(
      checkAlgorithm(
        request('hyperband', TWO, { settings: { ...settings, eta: '5' }, parallelTrialCount: 25 })
      )
    ).toEqual([]);
  });

  it('cmaes: at least 2 int or double parameters', () => {
    const one: IParameter[] = [TWO[0], { name: 'opt', type: 'categorical', list: ['a', 'b'] }];
    expect(checkAlgorithm(request('cmaes', one))).toEqual([
      {
        path: '/parameters',
        message: 'cmaes needs at least 2 int or double parameters (this study has 1)'
      }
    ]);
  });

  it('normal/logNormal are refused where the algorithm would model [min, max] (grid, tpe, multivariate-tpe, cmaes)', () => {
    const space: IParameter[] = [{ ...TWO[0], step: undefined, distribution: 'normal' }, TWO[1]];
    for (const name of ['tpe', 'multivariate-tpe', 'cmaes']) {
      const errors = checkAlgorithm(request(name, space));
      expect(paths(errors)).toEqual(['/parameters/0/distribution']);
      expect(errors[0].message).toContain('supports only the uniform and logUniform distributions');
    }
    expect(checkAlgorithm(request('random', space))).toEqual([]);
    expect(
      checkAlgorithm(
        request('hyperband', space, {
          settings: { r_l: '3', resource_name: 'epochs' },
          parallelTrialCount: 3
        })
      )
    ).toEqual([]);
  });

  it('log distributions need min > 0; ranges, steps and lists must make sense', () => {
    const space: IParameter[] = [
      { name: 'lr', type: 'double', min: 0, max: 1, distribution: 'logUniform' },
      { name: 'n', type: 'int', min: 5, max: 1 },
      { name: 'x', type: 'double', min: 0, max: 1, step: -1 },
      { name: 'opt', type: 'categorical', list: [] },
      { name: 'y', type: 'double', max: 1 },
      { name: 'n', type: 'discrete', list: [1] }
    ];
    expect(paths(checkAlgorithm(request('random', space)))).toEqual([
      '/parameters/0/min',
      '/parameters/1/max',
      '/parameters/2/step',
      '/parameters/3/list',
      '/parameters/4/min',
      '/parameters/5/name'
    ]);
    expect(paths(checkAlgorithm(request('random', [])))).toEqual(['/parameters']);
  });

  it('model-based algorithms need a double range wider than a point', () => {
    const point: IParameter[] = [{ name: 'x', type: 'double', min: 0.5, max: 0.5 }, TWO[1]];
    for (const name of ['tpe', 'multivariate-tpe', 'cmaes']) {
      expect(checkAlgorithm(request(name, point))).toEqual([
        {
          path: '/parameters/0/max',
          message: `${name} needs a range: min and max of "x" are both 0.5 (use a discrete parameter with one value)`
        }
      ]);
    }
    expect(checkAlgorithm(request('random', point))).toEqual([]);
  });

  it('the budget must be positive integers', () => {
    expect(
      paths(checkAlgorithm(request('random', MIXED, { maxTrialCount: 0, parallelTrialCount: 1.5 })))
    ).toEqual(['/maxTrialCount', '/parallelTrialCount']);
  });
});
