import { cmaesProgress, defaultPopulation } from './cmaes';
import { suggest } from './index';
import { bestOf, runSequential, SPHERE } from './reference-functions';
import { request, trial } from './test-helpers';
import { IParameter, ITrialHistory } from './types';

const SPACE: IParameter[] = [
  { name: 'a', type: 'double', min: -5, max: 5 },
  { name: 'b', type: 'double', min: -5, max: 5 },
  { name: 'opt', type: 'categorical', list: ['sgd', 'adam'] }
];

describe('cmaes', () => {
  it('population 4 + ⌊3 ln n⌋', () => {
    expect([2, 3, 6, 10].map(defaultPopulation)).toEqual([6, 7, 9, 10]);
  });

  it.each([0, 1, 2])('converges on a 3-d sphere (seed %i)', seed => {
    expect(bestOf(runSequential(SPHERE, { name: 'cmaes' }, seed, 300))).toBeLessThan(1e-3);
  });

  it('the first generation is centred with sigma 1/6 of the range; sigma shrinks as it converges', () => {
    const start = cmaesProgress(request('cmaes', SPHERE.parameters), []);
    expect(start).toMatchObject({
      generation: 0,
      population: 7,
      mean: [0.5, 0.5, 0.5],
      restarts: 0
    });
    expect(start.sigma).toBeCloseTo(1 / 6);
    const h = runSequential(SPHERE, { name: 'cmaes' }, 0, 140);
    const later = cmaesProgress(request('cmaes', SPHERE.parameters), h);
    expect(later.generation).toBe(20);
    expect(later.sigma).toBeLessThan(start.sigma / 5);
  });

  it('a generation waits for its members; failed members are replaced', () => {
    const req = request('cmaes', SPACE);
    const h: ITrialHistory[] = [];
    for (let i = 0; i < 6; i++) {
      const next = suggest(req, h);
      expect(next.kind).toBe('trial');
      if (next.kind === 'trial') {
        expect(['sgd', 'adam']).toContain(next.params.opt);
        h.push(trial(i, next.params, 'running'));
      }
    }
    expect(suggest(req, h)).toEqual({
      kind: 'wait',
      reason: 'cmaes waits for generation 1 to finish (population 6)'
    });
    h[2].state = 'failed';
    expect(suggest(req, h).kind).toBe('trial');
    h.forEach((t, i) => {
      if (t.state === 'running') {
        t.state = 'succeeded';
        t.objective = i;
      }
    });
    expect(cmaesProgress(req, h).generation).toBe(0);
    const next = suggest(req, h);
    if (next.kind !== 'trial') {
      throw new Error(next.kind);
    }
    h.push(trial(6, next.params, 'succeeded', 0));
    expect(cmaesProgress(req, h).generation).toBe(1);
  });

  it('ipop restarts a stalled search with twice the population; bipop alternates', () => {
    // A flat objective trips TolFun after 10 + ⌈30n/λ⌉ generations.
    const run = (strategy: string) => {
      const req = request('cmaes', SPACE.slice(0, 2), { settings: { restart_strategy: strategy } });
      const h: ITrialHistory[] = [];
      for (let i = 0; i < 400; i++) {
        const next = suggest(req, h);
        if (next.kind !== 'trial') {
          throw new Error(next.kind);
        }
        h.push(trial(i, next.params, 'succeeded', 1));
      }
      return cmaesProgress(req, h);
    };
    const ipop = run('ipop');
    expect(ipop.restarts).toBeGreaterThanOrEqual(1);
    expect(ipop.population).toBe(6 * 2 ** ipop.restarts);
    expect(run('bipop').restarts).toBeGreaterThanOrEqual(1);
    expect(run('none').restarts).toBe(0);
  });

  it('maximize flips the objective', () => {
    const req = request('cmaes', SPHERE.parameters, { direction: 'maximize' });
    const h: ITrialHistory[] = [];
    for (let i = 0; i < 150; i++) {
      const next = suggest(req, h);
      if (next.kind !== 'trial') {
        throw new Error(next.kind);
      }
      h.push(trial(i, next.params, 'succeeded', -SPHERE.f(next.params)));
    }
    expect(Math.max(...h.map(t => t.objective!))).toBeGreaterThan(-0.05);
  });
});
