/**
 * What the form shows for each algorithm: a description and its settings with Katib's defaults and what each
 * does (tuning-pipelines.md A.1.2). Which values are valid is the shared schema's and rules' job, not this.
 */
import { AlgorithmName } from '../../contract/study';
import { LOCAL_ALGORITHMS, SETTING_DEFAULTS } from '../../tuner/check';

export interface ISettingInfo {
  name: string;
  label: string;
  /** The default the backend applies when the setting is left empty ('' = none). */
  defaultValue: string;
  help: string;
  /** Choices for a select; free text otherwise. */
  options?: string[];
  required?: boolean;
}

export interface IAlgorithmInfo {
  name: AlgorithmName;
  label: string;
  description: string;
  settings: ISettingInfo[];
}

/** The embedded local backend runs it (the others need a cluster with Katib): the tuner's own list. */
export function isLocalAlgorithm(name: AlgorithmName): boolean {
  return LOCAL_ALGORITHMS.includes(name);
}

const randomState: ISettingInfo = {
  name: 'random_state',
  label: 'Random seed',
  defaultValue: '',
  help: 'Seed of the suggestions: the same seed and history give the same trials.'
};

export const ALGORITHMS: IAlgorithmInfo[] = [
  {
    name: 'tpe',
    label: 'TPE (Tree-structured Parzen Estimator)',
    description:
      'Models good and bad regions from the trials so far and samples where good is likelier. A strong default.',
    settings: [
      {
        name: 'gamma',
        label: 'Gamma',
        defaultValue: '0.25',
        help: 'Fraction of trials counted as "good" (strictly between 0 and 1).'
      },
      {
        name: 'prior_weight',
        label: 'Prior weight',
        defaultValue: '1.0',
        help: 'Weight of the prior (the search space) against the observed trials.'
      },
      {
        name: 'n_EI_candidates',
        label: 'EI candidates',
        defaultValue: '24',
        help: 'Candidates drawn per suggestion; the one with the best expected improvement runs.'
      },
      randomState
    ]
  },
  {
    name: 'random',
    label: 'Random search',
    description:
      'Samples every parameter independently from its distribution. A baseline that parallelises perfectly.',
    settings: [randomState]
  },
  {
    name: 'grid',
    label: 'Grid search',
    description:
      'Tries every combination on a grid. Doubles need a step; the budget must not exceed the number of points.',
    settings: [randomState]
  },
  {
    name: 'multivariate-tpe',
    label: 'Multivariate TPE',
    description:
      'TPE modelling the parameters jointly, so it sees how they interact (Optuna on Katib).',
    settings: [
      {
        name: 'n_startup_trials',
        label: 'Random start-up trials',
        defaultValue: '10',
        help: 'Trials sampled at random before the model is used.'
      },
      {
        name: 'n_ei_candidates',
        label: 'EI candidates',
        defaultValue: '24',
        help: 'Candidates drawn per suggestion.'
      },
      randomState
    ]
  },
  {
    name: 'cmaes',
    label: 'CMA-ES',
    description:
      'Evolution strategy for continuous spaces; needs at least 2 int or double parameters.',
    settings: [
      {
        name: 'sigma',
        label: 'Initial sigma',
        defaultValue: '0.001',
        help: 'Initial step size of the search distribution.'
      },
      {
        name: 'restart_strategy',
        label: 'Restart strategy',
        defaultValue: 'none',
        help: 'IPOP/BIPOP restart with a growing population when the search stalls.',
        options: ['none', 'ipop', 'bipop']
      },
      randomState
    ]
  },
  {
    name: 'hyperband',
    label: 'Hyperband',
    description:
      'Runs many cheap trials and promotes the best to more resource (e.g. epochs). Parallel trials must be at least eta^s_max.',
    settings: [
      {
        name: 'resource_name',
        label: 'Resource parameter',
        defaultValue: '',
        help: 'The parameter that is the resource each trial gets, e.g. epochs.',
        required: true
      },
      {
        name: 'r_l',
        label: 'Max resource (r_l)',
        defaultValue: '',
        help: 'The most resource one trial may get, e.g. 27 epochs.',
        required: true
      },
      {
        name: 'eta',
        label: 'Eta',
        defaultValue: '3',
        help: 'Keep the best 1/eta of each round (at least 2).'
      }
    ]
  },
  {
    name: 'bayesianoptimization',
    label: 'Bayesian optimization',
    description:
      'A Gaussian-process (or forest) model of the objective (scikit-optimize on Katib).',
    settings: [
      {
        name: 'base_estimator',
        label: 'Model',
        defaultValue: 'GP',
        help: 'Surrogate model of the objective.',
        options: ['GP', 'RF', 'ET', 'GBRT']
      },
      {
        name: 'n_initial_points',
        label: 'Initial random points',
        defaultValue: '10',
        help: 'Trials sampled at random before the model is fitted.'
      },
      {
        name: 'acq_func',
        label: 'Acquisition',
        defaultValue: 'gp_hedge',
        help: 'How the next point is chosen from the model.',
        options: ['gp_hedge', 'LCB', 'EI', 'PI', 'EIps', 'PIps']
      },
      {
        name: 'acq_optimizer',
        label: 'Acquisition optimiser',
        defaultValue: 'auto',
        help: 'How the acquisition function is maximised.',
        options: ['auto', 'sampling', 'lbfgs']
      },
      randomState
    ]
  },
  {
    name: 'sobol',
    label: 'Sobol sequence',
    description: 'Quasi-random points that cover the space evenly. No settings.',
    settings: []
  }
];

export function algorithmInfo(name: AlgorithmName): IAlgorithmInfo {
  return ALGORITHMS.find(a => a.name === name) ?? ALGORITHMS[0];
}

export const MEDIANSTOP_SETTINGS: ISettingInfo[] = [
  {
    name: 'min_trials_required',
    label: 'Trials before stopping',
    defaultValue: '3',
    help: 'Succeeded trials needed before any trial can be stopped early.'
  },
  {
    name: 'start_step',
    label: 'Reports before stopping',
    defaultValue: '4',
    help: 'Objective reports a trial makes before it can be stopped.'
  }
];

/**
 * The default a setting gets on the active backend: Katib's suggestion services on a cluster, our tuner locally
 * (its defaults follow Optuna where Katib's differ, e.g. CMA-ES sigma). '' when the backend picks no fixed value.
 */
export function settingDefault(
  algorithm: AlgorithmName,
  info: ISettingInfo,
  backend: 'local' | 'kubernetes' | undefined
): string {
  const local = backend === 'local' ? SETTING_DEFAULTS[algorithm] : undefined;
  const key = local && Object.keys(local).find(k => k.toLowerCase() === info.name.toLowerCase());
  if (!local || key === undefined) {
    return info.defaultValue;
  }
  const value = local[key] ?? '';
  const n = Number(value);
  return value !== '' && Number.isFinite(n) ? String(Number(n.toPrecision(4))) : value;
}
