import { suggest } from './index';
import { Rng } from './rng';
import { sampleHyperopt } from './space';
import { request } from './test-helpers';
import { IParameter } from './types';

const N = 40000;

function draws(p: IParameter, seed = 1): number[] {
  const rng = new Rng(seed, 0, 99);
  return Array.from({ length: N }, () => Number(sampleHyperopt(p, rng)));
}

function moments(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** Within 5 standard errors of the mean (so a correct sampler fails about once in 3 million runs). */
function expectMean(xs: number[], mean: number, sd: number): void {
  expect(Math.abs(moments(xs).mean - mean)).toBeLessThan((5 * sd) / Math.sqrt(xs.length));
}

describe('random: hyperopt formulas', () => {
  it('uniform: mean (a+b)/2, sd (b−a)/√12, inside [a, b]', () => {
    const xs = draws({ name: 'x', type: 'double', min: 2, max: 8 });
    expectMean(xs, 5, 6 / Math.sqrt(12));
    expect(moments(xs).sd).toBeCloseTo(6 / Math.sqrt(12), 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(8);
  });

  it('logUniform: exp(U(ln a, ln b)), mean (b−a)/(ln b − ln a), log-mean at the centre', () => {
    const xs = draws({ name: 'x', type: 'double', min: 1e-3, max: 1, distribution: 'logUniform' });
    const mean = (1 - 1e-3) / (Math.log(1) - Math.log(1e-3));
    const sd = Math.sqrt((1 - 1e-6) / (2 * Math.log(1e3)) - mean * mean);
    expectMean(xs, mean, sd);
    const logs = xs.map(Math.log);
    expectMean(logs, Math.log(1e-3) / 2, Math.log(1e3) / Math.sqrt(12));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-3);
  });

  it('normal: μ = (min+max)/2, σ = (max−min)/6, unbounded as in hyperopt', () => {
    const xs = draws({ name: 'x', type: 'double', min: 0, max: 12, distribution: 'normal' });
    expectMean(xs, 6, 2);
    expect(moments(xs).sd).toBeCloseTo(2, 1);
    // P(|z| > 3) = 0.27 %: some of 40,000 draws fall outside [min, max], as on the cluster.
    const outside = xs.filter(x => x < 0 || x > 12).length / N;
    expect(outside).toBeGreaterThan(0.0015);
    expect(outside).toBeLessThan(0.004);
  });

  it('logNormal: ln x ~ N((ln min + ln max)/2, (ln max − ln min)/6)', () => {
    const xs = draws({ name: 'x', type: 'double', min: 1e-4, max: 1, distribution: 'logNormal' });
    const mu = Math.log(1e-4) / 2;
    const sigma = Math.log(1e4) / 6;
    const logs = xs.map(Math.log);
    expectMean(logs, mu, sigma);
    expect(moments(logs).sd).toBeCloseTo(sigma, 1);
    const mean = Math.exp(mu + (sigma * sigma) / 2);
    expectMean(xs, mean, Math.sqrt((Math.exp(sigma * sigma) - 1) * mean * mean));
  });

  it('int uniform is hyperopt uniformint: round(U(min, max)), the end points get half weight', () => {
    const xs = draws({ name: 'n', type: 'int', min: 1, max: 4 });
    const share = (v: number) => xs.filter(x => x === v).length / N;
    expect(share(1)).toBeCloseTo(1 / 6, 1);
    expect(share(2)).toBeCloseTo(1 / 3, 1);
    expect(share(3)).toBeCloseTo(1 / 3, 1);
    expect(share(4)).toBeCloseTo(1 / 6, 1);
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  it('a step quantises as hyperopt q-distributions: round(x/q)·q, kept inside [min, max]', () => {
    const xs = draws({ name: 'lr', type: 'double', min: 0.01, max: 0.03, step: 0.01 });
    expect(new Set(xs)).toEqual(new Set([0.01, 0.02, 0.03]));
    const ys = draws({
      name: 'x',
      type: 'double',
      min: 0,
      max: 1,
      step: 0.1,
      distribution: 'normal'
    });
    for (const y of ys) {
      expect(Math.abs(y * 10 - Math.round(y * 10))).toBeLessThan(1e-9);
    }
    expectMean(ys, 0.5, 1 / 6);
  });

  it('int normal with a step: rounded integers on multiples of the step', () => {
    const xs = draws({ name: 'n', type: 'int', min: 0, max: 60, step: 5, distribution: 'normal' });
    expect(xs.every(x => Number.isInteger(x) && x % 5 === 0)).toBe(true);
    expectMean(xs, 30, 10);
  });

  it('categorical and discrete: uniform over the list', () => {
    const rng = new Rng(3, 0, 99);
    const p: IParameter = { name: 'opt', type: 'categorical', list: ['sgd', 'adam', 'ftrl'] };
    const counts = new Map<string, number>();
    for (let i = 0; i < 30000; i++) {
      const v = String(sampleHyperopt(p, rng));
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    for (const c of counts.values()) {
      expect(Math.abs(c / 30000 - 1 / 3)).toBeLessThan(0.015);
    }
    expect([...counts.keys()].sort()).toEqual(['adam', 'ftrl', 'sgd']);
  });

  it('suggest("random") draws one trial per index from these distributions', () => {
    const req = request(
      'random',
      [{ name: 'x', type: 'double', min: 0, max: 12, distribution: 'normal' }],
      {
        maxTrialCount: 5000
      }
    );
    const history = [];
    const xs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const next = suggest(req, history);
      if (next.kind !== 'trial') {
        throw new Error(next.reason);
      }
      xs.push(next.params.x as number);
      history.push({ index: i, params: next.params, state: 'succeeded' as const, objective: 0 });
    }
    expectMean(xs, 6, 2);
  });
});
