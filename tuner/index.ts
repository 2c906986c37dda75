/**
 * The local tuner: suggestion algorithms for studies that run without a cluster (pure, deterministic, no I/O).
 * See tuner/README.md for the algorithms and the Optuna/Katib semantics each follows.
 */
import { checkAlgorithm, LOCAL_ALGORITHMS } from './check';
import { suggestCmaes } from './cmaes';
import { nextGridPoint } from './grid';
import { suggestHyperband } from './hyperband';
import { Rng, STREAM } from './rng';
import { seedOf } from './settings';
import { sampleAllHyperopt } from './space';
import { suggestTpe } from './tpe';
import { ISuggestRequest, ITrialHistory, Suggestion } from './types';

export * from './types';
export { checkAlgorithm, LOCAL_ALGORITHMS, SETTING_DEFAULTS } from './check';
export { checkEarlyStopping, shouldStop, EARLY_STOPPING_RULES } from './early-stopping';
export { gridSize } from './grid';
export { hyperbandSchedule } from './hyperband';

/**
 * The next trial to create, or why not. Pure and deterministic: the same request and history give the same
 * answer, so a restarted proxy replays its history and resumes. Throws when checkAlgorithm finds problems.
 */
export function suggest(request: ISuggestRequest, history: ITrialHistory[]): Suggestion {
  const problems = checkAlgorithm(request);
  if (problems.length > 0) {
    throw new Error(`invalid study: ${problems.map(p => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const seed = seedOf(request.seed, request.algorithm.settings);
  if (request.algorithm.name === 'grid' && !nextGridPoint(request.parameters, history, seed)) {
    return { kind: 'done', reason: 'grid exhausted: every combination has been suggested' };
  }
  if (history.length >= request.maxTrialCount) {
    return {
      kind: 'done',
      reason: `all ${request.maxTrialCount} trials (maxTrialCount) have been suggested`
    };
  }
  const running = history.filter(t => t.state === 'running').length;
  if (running >= request.parallelTrialCount) {
    return {
      kind: 'wait',
      reason: `${running} trials running (parallelTrialCount ${request.parallelTrialCount})`
    };
  }
  switch (request.algorithm.name) {
    case 'random':
      return {
        kind: 'trial',
        params: sampleAllHyperopt(request.parameters, new Rng(seed, history.length, STREAM.random))
      };
    case 'grid': {
      const params = nextGridPoint(request.parameters, history, seed);
      return params
        ? { kind: 'trial', params }
        : { kind: 'done', reason: 'grid exhausted: every combination has been suggested' };
    }
    case 'tpe':
    case 'multivariate-tpe':
      return { kind: 'trial', params: suggestTpe(request, history) };
    case 'cmaes':
      return suggestCmaes(request, history);
    case 'hyperband':
      return suggestHyperband(request, history);
    default:
      throw new Error(
        `the local tuner has no algorithm "${request.algorithm.name}"; it has ${LOCAL_ALGORITHMS.join(', ')}`
      );
  }
}
