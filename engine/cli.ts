/// <reference types="node" />
/**
 * `node cli.mjs <spec.json>`: runs the engine on the spec's source (a local path, or inline base64 Arrow) and
 * prints the result document. For tests and benchmarks that check the engine from Python; no root-dir
 * restriction — it reads what its caller could read anyway. Exit 2 with `{"error": …}` on bad input.
 */
import { readFile } from 'node:fs/promises';
import { validateAnalysisSpec } from '../contract/analysis';
import { analyzeInTurns } from './analyze';
import { readTableFile, tableFromArrowBytes } from './files';
import { AnalysisInputError } from './table';
import { EngineThreads, engineThreads } from './threads';

async function main(specPath: string): Promise<void> {
  const checked = validateAnalysisSpec(JSON.parse(await readFile(specPath, 'utf8')));
  if (!checked.ok) {
    throw Object.assign(new Error('The analysis spec is invalid.'), {
      fields: checked.fields
    });
  }
  const spec = checked.value;
  const started = process.hrtime.bigint();
  const table =
    'path' in spec.source
      ? await readTableFile(spec.source.path, spec.source.format)
      : tableFromArrowBytes(Buffer.from(spec.source.arrow, 'base64'), 'source.arrow');
  const loaded = process.hrtime.bigint();
  const cpu = process.cpuUsage(); // the whole process: worker threads included
  // KFWB_ENGINE_THREADS=1 runs everything on this thread (benchmarks compare the two).
  const count = Number(process.env.KFWB_ENGINE_THREADS ?? 0);
  const threads = count > 0 ? new EngineThreads(count) : engineThreads();
  const document = await analyzeInTurns(table, spec, undefined, async () => {}, Date.now, threads);
  const done = process.hrtime.bigint();
  const used = process.cpuUsage(cpu);
  if (process.env.KFWB_ENGINE_TIMING) {
    process.stderr.write(
      JSON.stringify({
        readMs: Number(loaded - started) / 1e6,
        analyzeMs: Number(done - loaded) / 1e6,
        analyzeCpuMs: (used.user + used.system) / 1000
      }) + '\n'
    );
  }
  process.stdout.write(JSON.stringify(document));
}

main(process.argv[2]).catch((error: Error & { fields?: unknown }) => {
  const field =
    error instanceof AnalysisInputError
      ? [{ path: error.field, message: error.message }]
      : error.fields;
  process.stderr.write(JSON.stringify({ error: { message: error.message, fields: field } }) + '\n');
  process.exit(2);
});
