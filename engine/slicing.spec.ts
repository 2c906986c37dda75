import { makeData, makeVector, Int32, Int64, Table, Uint32, Float64 } from 'apache-arrow';
import { buildGrouping } from './slicing';

/** One-column tables of the same integers as int64, int32, uint32 and float64 (the reference path). */
function tables(values: number[]) {
  const column = <T extends Int32 | Int64 | Uint32 | Float64>(type: T, data: ArrayLike<unknown>) =>
    new Table({ x: makeVector(makeData({ type, length: values.length, data } as never)) });
  return {
    int64: column(new Int64(), BigInt64Array.from(values, BigInt)),
    int32: column(new Int32(), Int32Array.from(values)),
    uint32: column(new Uint32(), Uint32Array.from(values)),
    float64: column(new Float64(), Float64Array.from(values))
  };
}

const grouping = (table: Table) => {
  const { grouping } = buildGrouping(table, 'x', 0, 100, []);
  return { labels: grouping.labels, codes: Array.from(grouping.codes) };
};

describe('integer slice columns read without a Float64 copy', () => {
  it('codes int64, int32 and uint32 columns as the float64 path does', () => {
    const { float64, ...ints } = tables([7, -3, 7, 0, 12, -3, 1000, 12]);
    const expected = grouping(float64);
    expect(expected).toEqual({
      labels: ['-3', '0', '7', '12', '1000'],
      codes: [2, 0, 2, 1, 3, 0, 4, 3]
    });
    for (const [type, table] of Object.entries(ints)) {
      if (type !== 'uint32') {
        expect(grouping(table)).toEqual(expected);
      }
    }
    const unsigned = tables([4294967290, 4294967285, 3, 4294967290]);
    expect(grouping(unsigned.uint32)).toEqual(grouping(unsigned.float64));
  });

  it('falls back for values beyond 32 bits or a range beyond a dense table', () => {
    const { int64, float64 } = tables([2 ** 40, 1, 2 ** 40, 3]);
    expect(grouping(int64)).toEqual(grouping(float64));
    const wide = tables([0, 5_000_000, 0]);
    expect(grouping(wide.int64)).toEqual({ labels: ['0', '5000000'], codes: [0, 1, 0] });
  });
});
