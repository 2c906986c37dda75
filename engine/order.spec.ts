import { runAllHere } from './kernels';
import { seededRandom } from './metrics/intervals';
import { descendingOrder, sortInJobs } from './order';

/** Scores with ties (rounded), both zeros, tiny values and a few negatives (the sort takes any float). */
function scores(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, i) => {
    const u = random();
    if (i % 97 === 0) {
      return i % 2 === 0 ? -0 : 0;
    }
    if (i % 89 === 0) {
      return -u;
    }
    return i % 3 === 0 ? Math.round(u * 1000) / 1000 : u ** 4;
  });
}

describe('score sort (buckets by value, then each bucket by its key)', () => {
  it('orders rows as a stable descending sort does, moving each row’s payload', () => {
    const n = 70000; // 16 buckets
    const values = scores(n, 7);
    const expected = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => values[b] - values[a] || a - b
    );
    const rows = Uint32Array.from({ length: n }, (_, i) => i);
    const { score, payload } = runAllHere(sortInJobs(values, rows, 1, 1));
    expect(Array.from(payload)).toEqual(expected);
    expect(Array.from(score)).toEqual(expected.map(i => (values[i] === 0 ? 0 : values[i])));
  });

  it('gives the same order split into 3 ranges and 3 bucket ranges, with 4-word records', () => {
    const n = 50000;
    const values = scores(n, 3);
    const records = (i: number) => [i, i * 7, i ^ 0x5555, 0xffffffff - i];
    const payload = () => Uint32Array.from({ length: 4 * n }, (_, k) => records(k >> 2)[k & 3]);
    const one = runAllHere(sortInJobs(values, payload(), 4, 1));
    const three = runAllHere(sortInJobs(values, payload(), 4, 3));
    expect(three.score).toEqual(one.score);
    expect(three.payload).toEqual(one.payload);
    const order = descendingOrder(values).order;
    expect(Array.from(one.payload.filter((_, k) => k % 4 === 1))).toEqual(
      Array.from(order, i => (i * 7) >>> 0)
    );
  });
});
