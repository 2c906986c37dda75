/**
 * Our side of the tuning benchmark (bundled and run by bench/tuning/run.mjs). argv[2]: the same JSON config as
 * optuna_side.py. Prints {"quality": {fn: {sampler: [best per seed]}}, "latency": {sampler: {size: [ms]}}}.
 */
import { performance } from 'node:perf_hooks';
import { suggest } from '../../tuner/index';
import { bestOf, BRANIN, HARTMANN6, runSequential } from '../../tuner/reference-functions';
import { Rng } from '../../tuner/rng';
import { ISuggestRequest, ITrialHistory } from '../../tuner/types';

interface IConfig {
  seeds: number;
  trials: number;
  latency_sizes: number[];
  latency_repeats: number;
  /** Same-history check: these Hartmann6 points as completed trials, one suggestion per seed 0…seeds−1. */
  distribution: { points: number[][]; seeds: number };
}

const SAMPLERS: Record<string, string> = {
  'ours-tpe': 'tpe',
  'ours-tpe-multivariate': 'multivariate-tpe',
  'ours-random': 'random',
  'ours-cmaes': 'cmaes'
};

function quality(config: IConfig) {
  const out: Record<string, Record<string, number[]>> = {};
  for (const fn of [BRANIN, HARTMANN6]) {
    out[fn.name] = {};
    for (const [label, algorithm] of Object.entries(SAMPLERS)) {
      out[fn.name][label] = Array.from({ length: config.seeds }, (_, seed) =>
        bestOf(runSequential(fn, { name: algorithm }, seed, config.trials))
      );
    }
  }
  return out;
}

/** ms per suggest() with `size` completed trials (uniform random points of Hartmann6's 6-d space). */
function latency(config: IConfig) {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [label, algorithm] of Object.entries(SAMPLERS)) {
    out[label] = {};
    for (const size of config.latency_sizes) {
      const rng = new Rng(size, 0, 0);
      const history: ITrialHistory[] = Array.from({ length: size }, (_, index) => {
        const params = Object.fromEntries(
          HARTMANN6.parameters.map(p => [p.name, rng.uniform(0, 1)])
        );
        return { index, params, state: 'succeeded', objective: HARTMANN6.f(params) };
      });
      const request: ISuggestRequest = {
        algorithm: { name: algorithm },
        parameters: HARTMANN6.parameters,
        direction: 'minimize',
        seed: 0,
        maxTrialCount: size + 1,
        parallelTrialCount: 1
      };
      const times: number[] = [];
      for (let r = 0; r < config.latency_repeats; r++) {
        // A different seed each time, so no two calls do identical work.
        const t0 = performance.now();
        suggest({ ...request, seed: r }, history);
        times.push(performance.now() - t0);
      }
      out[label][String(size)] = times;
    }
  }
  return out;
}

/** The next suggestion for one fixed history under many seeds: its distribution should be Optuna's. */
function distribution(config: IConfig) {
  const history: ITrialHistory[] = config.distribution.points.map((x, index) => {
    const params = Object.fromEntries(x.map((v, j) => [`x${j + 1}`, v]));
    return { index, params, state: 'succeeded', objective: HARTMANN6.f(params) };
  });
  const out: Record<string, number[][]> = {};
  for (const [label, algorithm] of [
    ['ours-tpe', 'tpe'],
    ['ours-tpe-multivariate', 'multivariate-tpe']
  ]) {
    out[label] = Array.from({ length: config.distribution.seeds }, (_, seed) => {
      const next = suggest(
        {
          algorithm: { name: algorithm },
          parameters: HARTMANN6.parameters,
          direction: 'minimize',
          seed,
          maxTrialCount: history.length + 1,
          parallelTrialCount: 1
        },
        history
      );
      if (next.kind !== 'trial') {
        throw new Error(next.reason);
      }
      return HARTMANN6.parameters.map(p => next.params[p.name] as number);
    });
  }
  return out;
}

const config = JSON.parse(process.argv[2]) as IConfig;
process.stdout.write(
  JSON.stringify({
    quality: quality(config),
    latency: latency(config),
    distribution: distribution(config)
  }) + '\n'
);
