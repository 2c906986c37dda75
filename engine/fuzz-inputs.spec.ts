/**
 * Issue 12: seeded mutations of valid Arrow IPC (stream and file format), Parquet and CSV inputs, read and analysed
 * in-process. Every outcome must be a result or a refusal in words (AnalysisInputError, or AnalysisLimitError
 * for the memory budget) — no other error, and no allocation large enough to end this process. Deterministic
 * (fixed seed) and bounded (a count and a time budget, not an assertion). The same inputs also go through the
 * real proxy in proxy/test/hardening/fuzz-analysis-inputs.spec.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResolvedAnalysisSpec, validateAnalysisSpec } from '../contract/analysis';
import { analyze } from './analyze';
import { CsvProblem, readCsvText } from './csv';
import { readTableFile, tableFromArrowBytes } from './files';
import { AnalysisInputError, AnalysisLimitError } from './table';
import { arrowMutation, csvMutation, random, VALID_CSV } from './fuzz-mutations';

const SEED = 20261130;
const ARROW_MUTATIONS = 2500;
const CSV_MUTATIONS = 1500;
const PARQUET_MUTATIONS = 600;
/** A budget, not an assertion: on a slow machine fewer mutations run, never a failure. */
const TIME_BUDGET_MS = 25_000;
const MAX_BYTES = 256 * 2 ** 20;

const FIXTURES = join(__dirname, 'arrow-check/fixtures');
const ARROW = ['valid.arrows', 'valid.arrow'].map(
  f => new Uint8Array(readFileSync(join(FIXTURES, f)))
);

function spec(slices: unknown[], extra: object = {}): ResolvedAnalysisSpec {
  const checked = validateAnalysisSpec({
    source: { arrow: 'AA==' },
    label: 'y',
    prediction: 'p',
    slices,
    bootstrap: { samples: 100 },
    ...extra
  });
  if (!checked.ok) {
    throw new Error(JSON.stringify(checked.fields));
  }
  return checked.value;
}

const SPECS = [
  spec(['g', 'note']),
  spec([{ feature: 'w', buckets: { quantiles: 4 } }, { cross: ['g', 'note'] }], { weights: 'w' }),
  spec(['g'], { task: 'regression' }),
  spec(['note'], { task: 'multiclass', label: 'g', prediction: 'g' })
];

type Outcome = 'ok' | 'refused' | 'limit';

function settle(run: () => void): Outcome {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      return 'refused';
    }
    if (error instanceof AnalysisLimitError) {
      return 'limit';
    }
    throw error;
  }
}

describe('seeded fuzz of analysis inputs (issue 12)', () => {
  it('reads mutated Arrow payloads into a result or a refusal, never another error', () => {
    const rand = random(SEED);
    const started = Date.now();
    const seen: Record<Outcome, number> = { ok: 0, refused: 0, limit: 0 };
    for (let i = 0; i < ARROW_MUTATIONS && Date.now() - started < TIME_BUDGET_MS; i++) {
      const bytes = arrowMutation(ARROW[i % 2], rand);
      const analysisSpec = SPECS[i % SPECS.length];
      try {
        seen[
          settle(() =>
            analyze(
              tableFromArrowBytes(bytes, 'source.arrow', { maxBytes: MAX_BYTES }),
              analysisSpec
            )
          )
        ]++;
      } catch (error) {
        throw new Error(`mutation ${i}: ${(error as Error).stack}`);
      }
    }
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  });

  it('reads mutated CSV text into a result or a refusal, never another error', async () => {
    const rand = random(SEED + 1);
    const started = Date.now();
    const seen: Record<Outcome, number> = { ok: 0, refused: 0, limit: 0 };
    for (let i = 0; i < CSV_MUTATIONS && Date.now() - started < TIME_BUDGET_MS; i++) {
      const text = csvMutation(VALID_CSV, rand);
      const analysisSpec = SPECS[i % SPECS.length];
      let table;
      try {
        table = await readCsvText(text);
      } catch (error) {
        if (!(error instanceof CsvProblem)) {
          throw new Error(`mutation ${i}: ${(error as Error).stack}\n${JSON.stringify(text)}`);
        }
        seen.refused++;
        continue;
      }
      try {
        seen[settle(() => analyze(table, analysisSpec))]++;
      } catch (error) {
        throw new Error(`mutation ${i}: ${(error as Error).stack}\n${JSON.stringify(text)}`);
      }
    }
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  });

  it('reads mutated Parquet files into a result or a refusal, never another error', async () => {
    const rand = random(SEED + 2);
    const valid = new Uint8Array(readFileSync(join(FIXTURES, 'valid.parquet')));
    const path = join(mkdtempSync(join(tmpdir(), 'kfwb-fuzz-parquet-')), 'm.parquet');
    const started = Date.now();
    const seen: Record<Outcome, number> = { ok: 0, refused: 0, limit: 0 };
    for (let i = 0; i < PARQUET_MUTATIONS && Date.now() - started < TIME_BUDGET_MS; i++) {
      writeFileSync(path, arrowMutation(valid, rand));
      const analysisSpec = SPECS[i % SPECS.length];
      try {
        const table = await readTableFile(path, 'parquet', undefined, { maxBytes: MAX_BYTES });
        seen[settle(() => analyze(table, analysisSpec))]++;
      } catch (error) {
        if (error instanceof AnalysisInputError || error instanceof AnalysisLimitError) {
          seen.refused++;
          continue;
        }
        throw new Error(`mutation ${i}: ${(error as Error).stack}`);
      }
    }
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  });
});
