/// <reference types="node" />
/**
 * Worker thread entry (bundled as proxy_dist/analysis-worker.mjs): reads the input and runs the engine off the
 * proxy's event loop (its kernels on engine/threads.ts, nested workers that end with this one), then posts one
 * reply and is terminated. The proxy bounds its heap (resourceLimits) and its time
 * (terminate); the row budget here bounds the typed arrays the heap limit does not see.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeInTurns } from '../analyze';
import { readTableFile, tableFromArrowBytes } from '../files';
import { AnalysisInputError, AnalysisLimitError } from '../table';
import { engineThreads } from '../threads';
import type { AnalysisReply, IWorkerData } from './protocol';

async function run(job: IWorkerData): Promise<AnalysisReply> {
  const limits = { maxBytes: job.maxBytes };
  try {
    const table =
      'file' in job.input
        ? await readTableFile(
            job.input.file,
            job.input.format,
            job.input.columns,
            limits,
            job.input.name
          )
        : tableFromArrowBytes(job.input.arrow, 'source.arrow', limits);
    // No pause between steps (nothing else runs on this thread); the kernels use the engine's own threads.
    const noPause = async () => undefined;
    const result = await analyzeInTurns(
      table,
      job.spec,
      job.source,
      noPause,
      Date.now,
      engineThreads()
    );
    return { ok: true, result };
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      return { ok: false, kind: 'input', message: error.message, field: error.field };
    }
    if (error instanceof AnalysisLimitError) {
      return { ok: false, kind: 'limit', message: error.message };
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, kind: 'internal', message };
  }
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as IWorkerData).then(reply => port.postMessage(reply));
}
