import { suggest } from './index';
import { BRANIN, runSequential } from './reference-functions';
import { MIXED, request, trial } from './test-helpers';
import { ISuggestRequest, ITrialHistory, ParamValue } from './types';

/** A history of n finished trials built by the algorithm itself, scored by a fixed function of the params. */
function grow(req: ISuggestRequest, n: number): ITrialHistory[] {
  const history: ITrialHistory[] = [];
  for (let i = 0; i < n; i++) {
    const next = suggest(req, history);
    if (next.kind !== 'trial') {
      break;
    }
    const score = Object.values(next.params).reduce<number>(
      (s, v) => s + (typeof v === 'number' ? v : v.length),
      0
    );
    history.push(trial(i, next.params, 'succeeded', score, [score * 2, score * 1.5, score]));
  }
  return history;
}

const GRIDDED = MIXED.map(p => (p.name === 'lr' ? { ...p, min: 0.01, max: 0.1, step: 0.01 } : p));
const NUMERIC = MIXED.filter(p => p.type === 'int' || p.type === 'double');
const CASES: [string, ISuggestRequest][] = [
  ['random', request('random', MIXED)],
  ['grid', request('grid', GRIDDED, { maxTrialCount: 40 })],
  ['tpe', request('tpe', MIXED, { settings: { n_startup_trials: '5' } })],
  ['multivariate-tpe', request('multivariate-tpe', MIXED, { settings: { n_startup_trials: '5' } })],
  ['cmaes', request('cmaes', MIXED)],
  [
    'hyperband',
    request('hyperband', [...NUMERIC, { name: 'epochs', type: 'int', min: 1, max: 9 }], {
      settings: { r_l: '9', resource_name: 'epochs' }
    })
  ]
];

describe('determinism', () => {
  it.each(CASES)(
    '%s: the same request and history give the same suggestion, as after a restart',
    (_, req) => {
      const history = grow(req, 12);
      expect(history.length).toBe(12);
      const first = suggest(req, history);
      const replayed = suggest(
        JSON.parse(JSON.stringify(req)),
        JSON.parse(JSON.stringify(history))
      );
      expect(replayed).toEqual(first);
      expect(first.kind).toBe('trial');
    }
  );

  it.each(CASES)('%s: a different seed gives a different study', (_, req) => {
    const a = grow(req, 12).map(t => t.params);
    const b = grow({ ...req, seed: req.seed + 1 }, 12).map(t => t.params);
    expect(b).not.toEqual(a);
  });

  it.each(CASES)('%s: random_state overrides the study seed', (_, req) => {
    const withSetting = (seed: number): ISuggestRequest => ({
      ...req,
      seed,
      algorithm: { ...req.algorithm, settings: { ...req.algorithm.settings, random_state: '7' } }
    });
    expect(grow(withSetting(1), 6)).toEqual(grow(withSetting(2), 6));
  });

  it('a whole TPE study replays identically', () => {
    const a = runSequential(BRANIN, { name: 'tpe' }, 3, 30);
    const b = runSequential(BRANIN, { name: 'tpe' }, 3, 30);
    expect(b).toEqual(a);
  });

  it('every algorithm keeps values inside the space and on its grid', () => {
    for (const [name, req] of CASES) {
      for (const t of grow(req, 30)) {
        for (const p of req.parameters) {
          const v: ParamValue = t.params[p.name];
          if (p.type === 'categorical' || p.type === 'discrete') {
            expect(p.list).toContain(v);
            continue;
          }
          expect(typeof v).toBe('number');
          expect(v as number).toBeGreaterThanOrEqual(p.min!);
          expect(v as number).toBeLessThanOrEqual(p.max!);
          if (p.type === 'int') {
            expect(Number.isInteger(v)).toBe(true);
          }
          if (p.step) {
            const k = ((v as number) - p.min!) / p.step;
            expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
          }
          if (name === 'hyperband' && p.name === 'epochs') {
            expect([1, 3, 9]).toContain(v);
          }
        }
      }
    }
  });
});
