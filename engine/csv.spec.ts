import { readCsvText } from './csv';
import { categoryCodes, toFloat64 } from './table';

describe('CSV reader', () => {
  it('reads quoted fields, infers numbers, keeps text as categories, empty cells as null', async () => {
    const table = await readCsvText(
      'y,score,name\r\n1,0.5,"Smith, J."\n0,,"say ""hi"""\n1,0.25,\n'
    );
    expect(table.numRows).toBe(3);
    expect(Array.from(toFloat64(table.getChild('score')!, '', 'score'))).toEqual([0.5, NaN, 0.25]);
    const { codes, values } = categoryCodes(table.getChild('name')!);
    expect(values).toEqual(['Smith, J.', 'say "hi"']);
    expect(Array.from(codes)).toEqual([0, 1, -1]);
  });

  it('switches a column to text at its first non-number and keeps earlier values', async () => {
    const table = await readCsvText('g\n1\n2\nx\n');
    expect(categoryCodes(table.getChild('g')!).values).toEqual(['1', '2', 'x']);
  });

  it('maps true/false to 1/0, drops a byte order mark and skips blank lines', async () => {
    const table = await readCsvText('\ufeffflag,v\nTrue,1\n\nfalse,2\n');
    expect(Array.from(toFloat64(table.getChild('flag')!, '', 'flag'))).toEqual([1, 0]);
  });

  it('names the line of a ragged row', async () => {
    await expect(readCsvText('a,b\n1,2\n3\n')).rejects.toThrow(/line 3/);
  });

  // Issue 12, finding 4: an unterminated quote used to swallow the rest of the file into one row.
  it('refuses an unterminated quote, naming the line where it opened', async () => {
    const lines = ['y,p,g', ...Array.from({ length: 300 }, (_, i) => `${i % 2},0.5,a`)];
    lines[5] = '1,0.5,"oops';
    await expect(readCsvText(lines.join('\n') + '\n')).rejects.toThrow(
      'line 6: a quoted field opens in this record and is never closed'
    );
  });

  it('refuses a quote inside an unquoted field', async () => {
    await expect(readCsvText('a,b\n1,x"y\n')).rejects.toThrow(/line 2/);
  });

  it('refuses duplicate header names instead of using the last column', async () => {
    await expect(readCsvText('y,p,y\n1,0.5,0\n')).rejects.toThrow(
      'the header names column "y" twice (columns 1 and 3); rename one'
    );
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'reads a column named %s like any other',
    async name => {
      const table = await readCsvText(`${name},p\n1,0.5\n0,0.25\n`);
      expect(table.schema.fields.map(f => f.name)).toEqual([name, 'p']);
      expect(Array.from(toFloat64(table.getChild(name)!, '', name))).toEqual([1, 0]);
    }
  );
});
