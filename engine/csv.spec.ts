import { readCsvText } from './csv';
import { categoryCodes, toFloat64 } from './table';

describe('CSV reader', () => {
  it('reads quoted fields, infers numbers, keeps text as categories, empty cells as null', () => {
    const table = readCsvText('y,score,name\r\n1,0.5,"Smith, J."\n0,,"say ""hi"""\n1,0.25,\n');
    expect(table.numRows).toBe(3);
    expect(Array.from(toFloat64(table.getChild('score')!, '', 'score'))).toEqual([0.5, NaN, 0.25]);
    const { codes, values } = categoryCodes(table.getChild('name')!);
    expect(values).toEqual(['Smith, J.', 'say "hi"']);
    expect(Array.from(codes)).toEqual([0, 1, -1]);
  });

  it('switches a column to text at its first non-number and keeps earlier values', () => {
    const table = readCsvText('g\n1\n2\nx\n');
    expect(categoryCodes(table.getChild('g')!).values).toEqual(['1', '2', 'x']);
  });

  it('maps true/false to 1/0 and streams across chunk boundaries', () => {
    const table = readCsvText('flag,v\nTrue,1\nfalse,2\n');
    expect(Array.from(toFloat64(table.getChild('flag')!, '', 'flag'))).toEqual([1, 0]);
  });

  it('names the line of a ragged row', () => {
    expect(() => readCsvText('a,b\n1,2\n3\n')).toThrow('CSV line 3 has 1 fields, the header has 2');
  });
});
