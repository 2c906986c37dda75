import { hyperbandSchedule, sMax } from './hyperband';
import { suggest } from './index';
import { request, trial } from './test-helpers';
import { IParameter, ITrialHistory } from './types';

/** [bracket, rung, trials, resource] */
const rows = (rL: number, eta: number) =>
  hyperbandSchedule(rL, eta).map(r => [r.bracket, r.rung, r.count, r.resource]);

describe('hyperband schedule (Katib formulas, hand-computed)', () => {
  it('r_l=9, eta=3: s_max=2, three brackets, 23 trials', () => {
    expect(sMax(9, 3)).toBe(2);
    expect(rows(9, 3)).toEqual([
      [2, 0, 9, 1],
      [2, 1, 3, 3],
      [2, 2, 1, 9],
      [1, 0, 5, 3],
      [1, 1, 2, 9],
      [0, 0, 3, 9]
    ]);
  });

  it('r_l=27, eta=3', () => {
    expect(rows(27, 3)).toEqual([
      [3, 0, 27, 1],
      [3, 1, 9, 3],
      [3, 2, 3, 9],
      [3, 3, 1, 27],
      [2, 0, 12, 3],
      [2, 1, 4, 9],
      [2, 2, 2, 27],
      [1, 0, 6, 9],
      [1, 1, 2, 27],
      [0, 0, 4, 27]
    ]);
  });

  it("r_l=81, eta=3: the Hyperband paper's table with Katib's ceilings (34→12→4→2, not 34→11→3→1)", () => {
    expect(rows(81, 3)).toEqual([
      [4, 0, 81, 1],
      [4, 1, 27, 3],
      [4, 2, 9, 9],
      [4, 3, 3, 27],
      [4, 4, 1, 81],
      [3, 0, 34, 3],
      [3, 1, 12, 9],
      [3, 2, 4, 27],
      [3, 3, 2, 81],
      [2, 0, 15, 9],
      [2, 1, 5, 27],
      [2, 2, 2, 81],
      [1, 0, 8, 27],
      [1, 1, 3, 81],
      [0, 0, 5, 81]
    ]);
  });

  it('r_l=10, eta=3 truncates resources like Katib: int(10/9)=1, int(10/3)=3, 10', () => {
    expect(rows(10, 3).slice(0, 3)).toEqual([
      [2, 0, 9, 1],
      [2, 1, 3, 3],
      [2, 2, 1, 10]
    ]);
  });

  it("s_max uses Katib's floating point: log(1000)/log(10) < 3", () => {
    expect(sMax(1000, 10)).toBe(2);
  });
});

describe('hyperband suggestions', () => {
  const SPACE: IParameter[] = [
    { name: 'lr', type: 'double', min: 0.001, max: 0.1 },
    { name: 'epochs', type: 'int', min: 1, max: 9 }
  ];
  const req = request('hyperband', SPACE, {
    direction: 'maximize',
    parallelTrialCount: 9,
    maxTrialCount: 100,
    settings: { r_l: '9', eta: '3', resource_name: 'epochs' }
  });
  const score = (t: ITrialHistory) =>
    -Math.abs(Math.log10(t.params.lr as number) + 2) + (t.params.epochs as number) / 100;

  it('runs rung by rung: waits for a rung, promotes its top trials with more resource, runs every bracket, then is done', () => {
    const history: ITrialHistory[] = [];
    const log: string[] = [];
    for (let guard = 0; guard < 200; guard++) {
      const next = suggest(req, history);
      if (next.kind === 'done') {
        log.push('done');
        break;
      }
      if (next.kind === 'wait') {
        log.push('wait');
        // Finish every running trial, then ask again.
        for (const t of history) {
          if (t.state === 'running') {
            t.state = 'succeeded';
            t.objective = score(t);
          }
        }
        continue;
      }
      history.push(trial(history.length, next.params, 'running'));
    }
    expect(history).toHaveLength(23);
    expect(history.map(t => t.params.epochs)).toEqual([
      ...Array(9).fill(1),
      ...Array(3).fill(3),
      9,
      ...Array(5).fill(3),
      ...Array(2).fill(9),
      ...Array(3).fill(9)
    ]);
    // Waits before rung 1 and 2 of bracket 2 and before rung 1 of bracket 1; a new bracket does not wait.
    expect(log.filter(x => x === 'wait')).toHaveLength(3);
    expect(log[log.length - 1]).toBe('done');
    // Rung 1 of bracket 2 reruns the three best of rung 0, best first, with epochs=3.
    const rung0 = history.slice(0, 9).sort((a, b) => b.objective! - a.objective!);
    expect(history.slice(9, 12).map(t => t.params.lr)).toEqual(
      rung0.slice(0, 3).map(t => t.params.lr)
    );
    const rung1 = history.slice(9, 12).sort((a, b) => b.objective! - a.objective!);
    expect(history[12].params.lr).toBe(rung1[0].params.lr);
  });

  it('a failed trial in a finished rung is ranked last instead of stalling the study (Katib raises)', () => {
    const history: ITrialHistory[] = [];
    for (let i = 0; i < 9; i++) {
      const next = suggest(req, history);
      if (next.kind !== 'trial') {
        throw new Error(next.kind);
      }
      history.push(
        trial(i, next.params, i === 0 ? 'failed' : 'succeeded', i === 0 ? undefined : i)
      );
    }
    const promoted: unknown[] = [];
    for (let i = 9; i < 12; i++) {
      const next = suggest(req, history);
      if (next.kind !== 'trial') {
        throw new Error(next.kind);
      }
      promoted.push(next.params.lr);
      history.push(trial(i, next.params, 'running'));
    }
    expect(promoted).toEqual([history[8].params.lr, history[7].params.lr, history[6].params.lr]);
  });
});
