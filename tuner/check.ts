/**
 * The local backend's own rules for an algorithm and its search space, as field errors relative to the study
 * spec. They mirror what Katib's suggestion services reject (A.1.2 of tuning-pipelines.md) plus what our
 * implementations need to run at all.
 */
import { gridSize } from './grid';
import { hyperbandSettings, sMax } from './hyperband';
import { isNumeric } from './space';
import { IFieldError, ISuggestRequest } from './types';

export const LOCAL_ALGORITHMS: readonly string[] = [
  'random',
  'grid',
  'tpe',
  'multivariate-tpe',
  'cmaes',
  'hyperband'
];

type Rule = (raw: string) => string | undefined;

const isNumber = (raw: string) => raw.trim() !== '' && Number.isFinite(Number(raw));
const isInt = (raw: string) => isNumber(raw) && Number.isInteger(Number(raw));

const intAtLeast =
  (min: number): Rule =>
  raw =>
    isInt(raw) && Number(raw) >= min ? undefined : `must be an integer ≥ ${min}, got "${raw}"`;
const positive: Rule = raw =>
  isNumber(raw) && Number(raw) > 0 ? undefined : `must be a number > 0, got "${raw}"`;
const fraction: Rule = raw =>
  isNumber(raw) && Number(raw) > 0 && Number(raw) < 1
    ? undefined
    : `must be a number between 0 and 1 (exclusive), got "${raw}"`;
const oneOf =
  (...values: string[]): Rule =>
  raw =>
    values.includes(raw) ? undefined : `must be one of ${values.join(', ')}, got "${raw}"`;
const anyText: Rule = raw => (raw.trim() !== '' ? undefined : 'must not be empty');

const SETTINGS: Record<string, Record<string, Rule>> = {
  random: { random_state: intAtLeast(0) },
  grid: { random_state: intAtLeast(0) },
  tpe: {
    n_startup_trials: intAtLeast(0),
    n_ei_candidates: intAtLeast(1),
    n_EI_candidates: intAtLeast(1),
    gamma: fraction,
    prior_weight: positive,
    random_state: intAtLeast(0)
  },
  'multivariate-tpe': {
    n_startup_trials: intAtLeast(0),
    n_ei_candidates: intAtLeast(1),
    random_state: intAtLeast(0)
  },
  cmaes: {
    random_state: intAtLeast(0),
    sigma: positive,
    restart_strategy: oneOf('none', 'ipop', 'bipop')
  },
  hyperband: {
    r_l: positive,
    resource_name: anyText,
    eta: intAtLeast(2),
    random_state: intAtLeast(0)
  }
};

/** Default of each setting (undefined: required or no default), for forms that show only an algorithm's settings. */
export const SETTING_DEFAULTS: Record<string, Record<string, string | undefined>> = {
  random: { random_state: undefined },
  grid: { random_state: undefined },
  tpe: {
    n_startup_trials: '10',
    n_ei_candidates: '24',
    gamma: undefined,
    prior_weight: '1',
    random_state: undefined
  },
  'multivariate-tpe': { n_startup_trials: '10', n_ei_candidates: '24', random_state: undefined },
  cmaes: { sigma: String(1 / 6), restart_strategy: 'none', random_state: undefined },
  hyperband: { r_l: undefined, resource_name: undefined, eta: '3', random_state: undefined }
};

/** Algorithms that fit a model over each numeric range (a zero-width range has no density). */
const MODELLED = new Set(['tpe', 'multivariate-tpe', 'cmaes']);

/** Algorithms that model parameters on [min, max] and cannot honour normal/logNormal (Optuna-style). */
const BOUNDED_ONLY = new Set(['grid', 'tpe', 'multivariate-tpe', 'cmaes']);

function checkSpace(request: ISuggestRequest, errors: IFieldError[]): void {
  const names = new Set<string>();
  request.parameters.forEach((p, i) => {
    const at = `/parameters/${i}`;
    if (names.has(p.name)) {
      errors.push({ path: `${at}/name`, message: `parameter name "${p.name}" is used twice` });
    }
    names.add(p.name);
    if (isNumeric(p)) {
      if (!Number.isFinite(p.min) || !Number.isFinite(p.max)) {
        errors.push({
          path: `${at}/${Number.isFinite(p.min) ? 'max' : 'min'}`,
          message: `${p.type} parameter "${p.name}" needs a min and a max`
        });
        return;
      }
      if (p.min! > p.max!) {
        errors.push({
          path: `${at}/max`,
          message: `max (${p.max}) of "${p.name}" is below its min (${p.min})`
        });
      }
      if (
        p.min === p.max &&
        p.type === 'double' &&
        p.step === undefined &&
        MODELLED.has(request.algorithm.name)
      ) {
        errors.push({
          path: `${at}/max`,
          message: `${request.algorithm.name} needs a range: min and max of "${p.name}" are both ${p.min} (use a discrete parameter with one value)`
        });
      }
      if (p.step !== undefined && !(p.step > 0)) {
        errors.push({ path: `${at}/step`, message: `step of "${p.name}" must be > 0` });
      }
      if ((p.distribution === 'logUniform' || p.distribution === 'logNormal') && !(p.min! > 0)) {
        errors.push({
          path: `${at}/min`,
          message: `${p.distribution} needs min > 0 for "${p.name}" (its log is taken)`
        });
      }
      if (
        BOUNDED_ONLY.has(request.algorithm.name) &&
        (p.distribution === 'normal' || p.distribution === 'logNormal')
      ) {
        errors.push({
          path: `${at}/distribution`,
          message:
            `${request.algorithm.name} supports only the uniform and logUniform distributions (as Katib's Optuna ` +
            `service; Katib 0.19 silently drops ${p.distribution}); use random or hyperband for "${p.name}"`
        });
      }
    } else if (!Array.isArray(p.list) || p.list.length === 0) {
      errors.push({
        path: `${at}/list`,
        message: `${p.type} parameter "${p.name}" needs a non-empty list of values`
      });
    }
  });
  if (request.parameters.length === 0) {
    errors.push({ path: '/parameters', message: 'a study needs at least one parameter' });
  }
}

function checkAlgorithmRules(request: ISuggestRequest, errors: IFieldError[]): void {
  const settings = request.algorithm.settings ?? {};
  switch (request.algorithm.name) {
    case 'grid': {
      let missingStep = false;
      request.parameters.forEach((p, i) => {
        if (p.type === 'double' && !(p.step !== undefined && p.step > 0)) {
          missingStep = true;
          errors.push({
            path: `/parameters/${i}/step`,
            message: `grid needs a step for the double parameter "${p.name}"`
          });
        }
      });
      const size = gridSize(request.parameters);
      if (!missingStep && Number.isFinite(size) && request.maxTrialCount > size) {
        errors.push({
          path: '/maxTrialCount',
          message: `maxTrialCount ${request.maxTrialCount} is more than the ${size} combinations of the grid`
        });
      }
      break;
    }
    case 'cmaes': {
      const numeric = request.parameters.filter(isNumeric).length;
      if (numeric < 2) {
        errors.push({
          path: '/parameters',
          message: `cmaes needs at least 2 int or double parameters (this study has ${numeric})`
        });
      }
      break;
    }
    case 'hyperband': {
      if (settings.r_l === undefined || settings.resource_name === undefined) {
        const missing = ['r_l', 'resource_name'].filter(k => settings[k] === undefined);
        for (const name of missing) {
          errors.push({
            path: `/algorithm/settings/${name}`,
            message: `hyperband needs r_l and resource_name; ${name} is not set`
          });
        }
        return;
      }
      const { rL, eta, resourceName } = hyperbandSettings(settings);
      const resource = request.parameters.findIndex(p => p.name === resourceName);
      if (resource < 0) {
        errors.push({
          path: '/algorithm/settings/resource_name',
          message: `resource_name "${resourceName}" must be one of the parameters (${request.parameters.map(p => p.name).join(', ')})`
        });
      } else if (!isNumeric(request.parameters[resource])) {
        errors.push({
          path: `/parameters/${resource}/type`,
          message: `the hyperband resource "${resourceName}" must be an int or double parameter`
        });
      }
      if (rL > 0 && eta >= 2) {
        const needed = Math.ceil(Math.pow(eta, sMax(rL, eta)));
        if (request.parallelTrialCount < needed) {
          errors.push({
            path: '/parallelTrialCount',
            message: `hyperband with r_l=${rL} and eta=${eta} needs parallelTrialCount ≥ ${needed} (eta^s_max), got ${request.parallelTrialCount}`
          });
        }
      }
      break;
    }
  }
}

export function checkAlgorithm(request: ISuggestRequest): IFieldError[] {
  const errors: IFieldError[] = [];
  const name = request.algorithm.name;
  const known = SETTINGS[name];
  if (!known) {
    return [
      {
        path: '/algorithm/name',
        message: `the local tuner has no algorithm "${name}"; it has ${LOCAL_ALGORITHMS.join(', ')}`
      }
    ];
  }
  for (const [setting, raw] of Object.entries(request.algorithm.settings ?? {})) {
    const rule = known[setting];
    if (!rule) {
      errors.push({
        path: `/algorithm/settings/${setting}`,
        message: `${name} has no setting "${setting}"; its settings are ${Object.keys(known).join(', ')}`
      });
      continue;
    }
    const problem = rule(String(raw));
    if (problem) {
      errors.push({ path: `/algorithm/settings/${setting}`, message: `${setting} ${problem}` });
    }
  }
  if (!(Number.isInteger(request.maxTrialCount) && request.maxTrialCount >= 1)) {
    errors.push({ path: '/maxTrialCount', message: 'maxTrialCount must be an integer ≥ 1' });
  }
  if (!(Number.isInteger(request.parallelTrialCount) && request.parallelTrialCount >= 1)) {
    errors.push({
      path: '/parallelTrialCount',
      message: 'parallelTrialCount must be an integer ≥ 1'
    });
  }
  checkSpace(request, errors);
  checkAlgorithmRules(request, errors);
  return errors;
}
