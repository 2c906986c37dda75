/**
 * Issue 12, finding 1: corrupted Arrow payloads are refused by name before Arrow JS reads them. The fixtures
 * (fixtures/make_fixtures.py) hold the five corruptions and 400 seeded mutations with pyarrow's verdict:
 * every payload pyarrow refuses, we refuse with an AnalysisInputError; every other one either analyses or is
 * refused the same way — never another error, never a huge allocation (that would end this jest process).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResolvedAnalysisSpec } from '../../contract/analysis';
import { validateAnalysisSpec } from '../../contract/analysis';
import { analyze } from '../analyze';
import { tableFromArrowBytes } from '../files';
import { AnalysisInputError } from '../table';

interface ICase {
  name: string;
  file: string;
  patches: [number, number][];
  pyarrow: string;
  what?: string;
}

const FIXTURES = join(__dirname, 'fixtures');
const CASES = JSON.parse(readFileSync(join(FIXTURES, 'corruptions.json'), 'utf8')) as ICase[];
const valid = (file: string) => new Uint8Array(readFileSync(join(FIXTURES, file)));

function specFor(slices: string[]): ResolvedAnalysisSpec {
  const checked = validateAnalysisSpec({
    source: { arrow: 'AA==' },
    label: 'y',
    prediction: 'p',
    slices,
    // The bootstrap is the costly part of a small analysis and reads nothing the checks guard.
    bootstrap: { samples: 100 }
  });
  if (!checked.ok) {
    throw new Error(JSON.stringify(checked.fields));
  }
  return checked.value;
}

const SPEC = specFor(['g', 'note', { feature: 'w', buckets: { quantiles: 3 } } as never]);

/** 'ok', or the refusal's message; any other error fails the test. */
export function outcome(bytes: Uint8Array, spec = SPEC): string {
  try {
    analyze(tableFromArrowBytes(bytes, 'source.arrow'), spec);
    return 'ok';
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      return `refused: ${error.message}`;
    }
    throw error;
  }
}

const patched = (c: ICase) => {
  const bytes = valid(c.file);
  for (const [at, value] of c.patches) {
    bytes[at] = value;
  }
  return bytes;
};

describe('Arrow IPC checks (issue 12, finding 1)', () => {
  it.each(['valid.arrows', 'valid.arrow'])('analyses the valid %s', file => {
    expect(outcome(valid(file))).toBe('ok');
  });

  const named = CASES.filter(c => !c.name.startsWith('seeded-'));
  it('has the five corruptions of the issue, all refused by pyarrow', () => {
    expect(named).toHaveLength(5);
    expect(named.every(c => c.pyarrow.startsWith('refuses'))).toBe(true);
  });

  const expected: Record<string, RegExp> = {
    'nodes-vector-length': /claims 2147483647 field nodes, more than the message can hold/,
    'buffer-length': /a buffer of column "y" .* lies outside the message body/,
    'node-length': /column "g" claims 8589934592 values/,
    'buffer-offset': /a buffer of column "note" .* lies outside the message body/,
    'metadata-length': /claims 1073741824 bytes of metadata/
  };
  it.each(named.map(c => [c.name, c] as const))('refuses %s by name', (name, c) => {
    expect(outcome(patched(c))).toMatch(expected[name]);
  });

  const seeded = CASES.filter(c => c.name.startsWith('seeded-'));
  it('refuses every seeded mutation pyarrow refuses, and fails on none', () => {
    const wrong: string[] = [];
    for (const c of seeded) {
      const ours = outcome(patched(c));
      if (c.pyarrow.startsWith('refuses') && ours === 'ok') {
        wrong.push(`${c.name}: pyarrow ${c.pyarrow}; we analysed it`);
      }
    }
    expect(wrong).toEqual([]);
    expect(seeded.filter(c => c.pyarrow.startsWith('refuses')).length).toBeGreaterThan(100);
  });
});
