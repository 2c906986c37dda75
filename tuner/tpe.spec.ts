import { suggest } from './index';
import { modelSpace } from './model-space';
import { defaultWeights, numericKernels } from './parzen';
import { bestOf, BRANIN, HARTMANN6, runSequential } from './reference-functions';
import { request, trial } from './test-helpers';
import { classify, hyperoptGamma, optunaGamma, splitTrials, tpeOptions } from './tpe';
import { IParameter, ITrialHistory } from './types';

const X: IParameter[] = [{ name: 'x', type: 'double', min: 0, max: 1 }];

describe('TPE pieces (Optuna 4.9 semantics)', () => {
  it('defaults: 10 startup trials, 24 candidates, prior weight 1, univariate without constant liar', () => {
    const o = tpeOptions(request('tpe', X));
    expect([
      o.multivariate,
      o.constantLiar,
      o.nStartupTrials,
      o.nEiCandidates,
      o.priorWeight
    ]).toEqual([false, false, 10, 24, 1]);
    const m = tpeOptions(request('multivariate-tpe', X));
    expect([m.multivariate, m.constantLiar]).toEqual([true, true]);
    const k = tpeOptions(
      request('tpe', X, {
        settings: { n_EI_candidates: '50', prior_weight: '2', n_startup_trials: '3' }
      })
    );
    expect([k.nEiCandidates, k.priorWeight, k.nStartupTrials]).toEqual([50, 2, 3]);
  });

  it('gamma: min(⌈0.1·n⌉, 25); with the Katib setting, hyperopt-style min(⌈γ·√n⌉, 25)', () => {
    expect([1, 10, 11, 100, 249, 251, 1000].map(optunaGamma)).toEqual([1, 1, 2, 10, 25, 25, 25]);
    expect([4, 100, 10000, 100000].map(hyperoptGamma(0.25))).toEqual([1, 3, 25, 25]);
    expect(tpeOptions(request('tpe', X, { settings: { gamma: '0.25' } })).gamma(100)).toBe(3);
  });

  it('weights: flat below 25 observations, then linspace(1/n, 1, n−25) for the oldest', () => {
    expect(defaultWeights(10)).toEqual(Array(10).fill(1));
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    expect(w.slice(0, 5).map(v => Number(v.toFixed(4)))).toEqual([
      0.0333, 0.275, 0.5167, 0.7583, 1
    ]);
    expect(w.slice(5)).toEqual(Array(25).fill(1));
  });

  it('univariate bandwidths: the larger neighbour gap, outermost kernels look inwards, magic clip, prior kernel', () => {
    const k = numericKernels([0.9, 0.2, 0.5], 0, 1, undefined, 0);
    expect(k.mus).toEqual([0.9, 0.2, 0.5, 0.5]);
    expect(k.sigmas.map(s => Number(s.toFixed(6)))).toEqual([0.4, 0.3, 0.4, 1]);
    // One observation: the larger gap to the bounds. Clip below: range / min(100, 1 + n_kernels).
    expect(numericKernels([0.3], 0, 1, undefined, 0).sigmas).toEqual([0.7, 1]);
    expect(numericKernels([0.5, 0.5001, 0.5002], 0, 1, undefined, 0).sigmas[0]).toBeCloseTo(1 / 5);
  });

  it('multivariate bandwidth: 0.2·n^(−1/(d+4))·range', () => {
    const obs = Array.from({ length: 50 }, (_, i) => i / 50);
    const k = numericKernels(obs, 0, 1, undefined, 1);
    expect(k.sigmas[0]).toBeCloseTo(0.2 * Math.pow(50, -1 / 5));
  });

  it('split: the best gamma(n) complete trials are below; pruned by progress; running (constant liar) above', () => {
    const dims = modelSpace(X);
    const h: ITrialHistory[] = [
      trial(0, { x: 0.1 }, 'succeeded', 5),
      trial(1, { x: 0.2 }, 'succeeded', 1),
      trial(2, { x: 0.3 }, 'failed'),
      trial(3, { x: 0.4 }, 'earlyStopped', 9, [3, 2]),
      trial(4, { x: 0.5 }, 'earlyStopped', 9, [3, 2, 1]),
      trial(5, { x: 0.6 }, 'running'),
      trial(6, { x: 0.7 }, 'metricsUnavailable'),
      trial(7, { x: 0.8 }, 'succeeded', undefined)
    ];
    const { complete, pruned, running } = classify(dims, h);
    expect(complete.map(o => o.trial.index)).toEqual([0, 1]);
    expect(pruned.map(o => o.trial.index)).toEqual([3, 4]);
    expect(running.map(o => o.trial.index)).toEqual([5]);
    const min = splitTrials(complete, pruned, running, 3, 'minimize');
    expect(min.below.map(o => o.trial.index)).toEqual([0, 1, 4]);
    expect(min.above.map(o => o.trial.index)).toEqual([3, 5]);
    const max = splitTrials(complete, pruned, [], 1, 'maximize');
    expect(max.below.map(o => o.trial.index)).toEqual([0]);
  });
});

describe('TPE suggestions', () => {
  const history = (n: number, f: (x: number) => number) =>
    Array.from({ length: n }, (_, i) =>
      trial(i, { x: (i * 0.37) % 1 }, 'succeeded', f((i * 0.37) % 1))
    );

  it('samples at random until n_startup_trials trials are complete, then models the objective', () => {
    const req = request('tpe', X, { settings: { n_startup_trials: '8' } });
    const a = history(7, x => x);
    const b = history(7, x => -x);
    expect(suggest(req, a)).toEqual(suggest(req, b));
    const c = history(8, x => x);
    const d = history(8, x => -x);
    expect(suggest(req, c)).not.toEqual(suggest(req, d));
  });

  it('moves towards the good region', () => {
    const req = request('tpe', X);
    const h = history(40, x => (x - 0.8) ** 2);
    const next = suggest(req, h);
    expect(next.kind).toBe('trial');
    if (next.kind === 'trial') {
      expect(Math.abs((next.params.x as number) - 0.8)).toBeLessThan(0.15);
    }
  });

  it('failed and metricsUnavailable trials do not change the model; earlyStopped ones do', () => {
    const req = request('tpe', X, { settings: { n_startup_trials: '5' } });
    const base = history(12, x => (x - 0.3) ** 2);
    const withState = (state: ITrialHistory['state'], x: number) => [
      ...base,
      trial(12, { x }, state, 0, [0, 0])
    ];
    expect(suggest(req, withState('failed', 0.1))).toEqual(suggest(req, withState('failed', 0.95)));
    expect(suggest(req, withState('metricsUnavailable', 0.1))).toEqual(
      suggest(req, withState('metricsUnavailable', 0.95))
    );
    // Ten early-stopped trials crowd the good region or a far one of the "above" density.
    const pruned = (centre: number) => [
      ...base,
      ...Array.from({ length: 10 }, (_, i) =>
        trial(12 + i, { x: centre + i * 0.005 }, 'earlyStopped', 0, [0, 0])
      )
    ];
    expect(suggest(req, pruned(0.27))).not.toEqual(suggest(req, pruned(0.85)));
  });

  it('running trials count only with constant liar (multivariate-tpe)', () => {
    const base = history(12, x => (x - 0.3) ** 2);
    const running = (x: number) => [...base, trial(12, { x }, 'running')];
    const tpe = request('tpe', X);
    const mv = request('multivariate-tpe', X);
    expect(suggest(tpe, running(0.3))).toEqual(suggest(tpe, running(0.9)));
    expect(suggest(mv, running(0.3))).not.toEqual(suggest(mv, running(0.9)));
  });

  it('handles log, int, stepped, categorical and discrete parameters', () => {
    const space: IParameter[] = [
      { name: 'lr', type: 'double', min: 1e-5, max: 1, distribution: 'logUniform' },
      { name: 'layers', type: 'int', min: 1, max: 8 },
      { name: 'dropout', type: 'double', min: 0, max: 0.5, step: 0.05 },
      { name: 'opt', type: 'categorical', list: ['sgd', 'adam', 'ftrl'] },
      { name: 'batch', type: 'discrete', list: [16, 32, 64, 128] }
    ];
    // Best: lr ≈ 1e-3, 3 layers, dropout 0.2, adam, batch 64.
    const f = (p: Record<string, unknown>) =>
      Math.abs(Math.log10(p.lr as number) + 3) +
      Math.abs((p.layers as number) - 3) +
      Math.abs((p.dropout as number) - 0.2) * 5 +
      (p.opt === 'adam' ? 0 : 1) +
      (p.batch === 64 ? 0 : 1);
    for (const name of ['tpe', 'multivariate-tpe']) {
      const req = request(name, space);
      const h: ITrialHistory[] = [];
      for (let i = 0; i < 60; i++) {
        const next = suggest(req, h);
        if (next.kind !== 'trial') {
          throw new Error(next.kind);
        }
        h.push(trial(i, next.params, 'succeeded', f(next.params)));
      }
      const best = h.reduce((a, b) => (b.objective! < a.objective! ? b : a));
      expect(best.objective!).toBeLessThan(1.5);
      const late = h.slice(40);
      expect(late.filter(t => t.params.opt === 'adam').length).toBeGreaterThan(10);
    }
  });
});

describe('TPE quality (seeded, not timed)', () => {
  it.each([0, 1, 2, 3, 4])('tpe finds Branin < 1.0 within 100 trials (seed %i)', seed => {
    expect(bestOf(runSequential(BRANIN, { name: 'tpe' }, seed, 100))).toBeLessThan(1.0);
  });

  it.each([0, 1, 2])('multivariate-tpe finds Branin < 1.0 within 100 trials (seed %i)', seed => {
    expect(bestOf(runSequential(BRANIN, { name: 'multivariate-tpe' }, seed, 100))).toBeLessThan(
      1.0
    );
  });

  it('tpe beats random on Hartmann6 over 5 seeds (median of the best after 100 trials)', () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
    const seeds = [0, 1, 2, 3, 4];
    const tpe = median(seeds.map(s => bestOf(runSequential(HARTMANN6, { name: 'tpe' }, s, 100))));
    const random = median(
      seeds.map(s => bestOf(runSequential(HARTMANN6, { name: 'random' }, s, 100)))
    );
    expect(tpe).toBeLessThan(-2.5);
    expect(tpe).toBeLessThan(random);
  });
});
