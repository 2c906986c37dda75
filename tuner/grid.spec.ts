import { gridId, gridPoint, gridValues, nextGridPoint } from './grid';
import { gridSize, suggest } from './index';
import { request, trial } from './test-helpers';
import { IParameter, ITrialHistory } from './types';

const SPACE: IParameter[] = [
  { name: 'lr', type: 'double', min: 0.01, max: 0.03, step: 0.01 },
  { name: 'layers', type: 'int', min: 1, max: 3 },
  { name: 'opt', type: 'categorical', list: ['sgd', 'adam'] }
];

describe('grid', () => {
  it('values per parameter: ints by step (default 1), doubles by their step, lists as given', () => {
    expect(gridValues(SPACE[0])).toEqual([0.01, 0.02, 0.03]);
    expect(gridValues(SPACE[1])).toEqual([1, 2, 3]);
    expect(gridValues({ name: 'n', type: 'int', min: 0, max: 10, step: 4 })).toEqual([0, 4, 8]);
    expect(gridValues({ name: 'x', type: 'double', min: 0, max: 1, step: 0.1 })).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1
    ]);
    expect(gridValues(SPACE[2])).toEqual(['sgd', 'adam']);
    expect(gridValues({ name: 'x', type: 'double', min: 0, max: 1 })).toBeUndefined();
  });

  it('size is the product of the value counts, Infinity when a double has no step', () => {
    expect(gridSize(SPACE)).toBe(18);
    expect(gridSize([...SPACE, { name: 'b', type: 'discrete', list: [16, 32] }])).toBe(36);
    expect(gridSize([...SPACE, { name: 'x', type: 'double', min: 0, max: 1 }])).toBe(Infinity);
  });

  it("enumerates Optuna's itertools.product over the parameters sorted by name", () => {
    // Sorted names: layers, lr, opt; opt varies fastest.
    const all = Array.from({ length: 18 }, (_, id) => gridPoint(SPACE, id));
    expect(all.slice(0, 3)).toEqual([
      { layers: 1, lr: 0.01, opt: 'sgd' },
      { layers: 1, lr: 0.01, opt: 'adam' },
      { layers: 1, lr: 0.02, opt: 'sgd' }
    ]);
    expect(all[17]).toEqual({ layers: 3, lr: 0.03, opt: 'adam' });
    all.forEach((point, id) => expect(gridId(SPACE, point)).toBe(id));
  });

  it('suggests every combination exactly once, in a seeded order, then is done', () => {
    const req = request('grid', SPACE, { maxTrialCount: 18 });
    const history: ITrialHistory[] = [];
    for (let i = 0; i < 18; i++) {
      const next = suggest(req, history);
      expect(next.kind).toBe('trial');
      if (next.kind === 'trial') {
        history.push(trial(i, next.params, i % 5 === 0 ? 'failed' : 'succeeded', i));
      }
    }
    const ids = history.map(t => gridId(SPACE, t.params)).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 18 }, (_, i) => i));
    // Visited in a shuffled order, not id order.
    expect(history.map(t => gridId(SPACE, t.params))).not.toEqual(
      Array.from({ length: 18 }, (_, i) => i)
    );
    expect(suggest(req, history)).toEqual({
      kind: 'done',
      reason: 'grid exhausted: every combination has been suggested'
    });
  });

  it('a running trial counts as visited', () => {
    const history = [trial(0, { lr: 0.01, layers: 1, opt: 'sgd' }, 'running')];
    const small = SPACE.map(p =>
      p.name === 'lr' ? { ...p, max: 0.01 } : p.name === 'layers' ? { ...p, max: 1 } : p
    );
    expect(nextGridPoint(small, history, 1)).toEqual({ lr: 0.01, layers: 1, opt: 'adam' });
  });

  it('a huge grid is sampled without enumerating it', () => {
    const big: IParameter[] = [0, 1, 2, 3].map(i => ({
      name: `x${i}`,
      type: 'int',
      min: 0,
      max: 999
    }));
    expect(gridSize(big)).toBe(1e12);
    const point = nextGridPoint(big, [], 5)!;
    expect(Object.keys(point)).toEqual(['x0', 'x1', 'x2', 'x3']);
  });
});
