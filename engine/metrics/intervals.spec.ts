import {
  dirichletInterval,
  effectiveN,
  gamma,
  normalQuantile,
  seededRandom,
  wilson,
  zOf
} from './intervals';

describe('intervals', () => {
  it('inverts the normal CDF', () => {
    expect(zOf(0.95)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
  });

  it('gives the Wilson interval (reference: 8 of 10 → [0.4902, 0.9433])', () => {
    const { lo, hi } = wilson(0.8, 10, zOf(0.95));
    expect(lo).toBeCloseTo(0.4901625, 6);
    expect(hi).toBeCloseTo(0.9433178, 6);
  });

  it('uses Kish effective n', () => {
    expect(effectiveN(4, 4)).toBe(4);
    expect(effectiveN(2 + 2, 1 + 1 + 1 + 1 + 0)).toBe(4);
    expect(effectiveN(10, 100)).toBe(1);
  });

  it('is reproducible for a seed and draws gamma variates with the right mean', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const random = seededRandom(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      sum += gamma(2.5, random);
    }
    expect(sum / 20000).toBeCloseTo(2.5, 1);
  });

  it('bootstraps a proportion close to its Wilson interval', () => {
    const share = (cells: ArrayLike<number>) => cells[0] / (cells[0] + cells[1]);
    const boot = dirichletInterval([300, 700], 1, share, {
      samples: 4000,
      seed: 3,
      confidence: 0.95
    });
    const exact = wilson(0.3, 1000, zOf(0.95));
    expect(boot.lo!).toBeCloseTo(exact.lo!, 2);
    expect(boot.hi!).toBeCloseTo(exact.hi!, 2);
  });
});
