/**
 * Runs analyses on worker threads so the proxy's event loop keeps answering job lists, log streams and pings
 * whatever one analysis does. Bounded: at most `workers` run at once, at most `queue` wait; each worker has a
 * heap limit (resourceLimits) and a time limit (terminated when it passes). Every way a worker can end — a
 * reply, a crash, running out of memory, the time limit, the client going away — settles its request with a
 * clear error; none takes the proxy down. One fresh worker per analysis: memory goes back when it ends.
 */
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IAnalysisResult } from '../../contract/analysis';
import type { AnalysisReply, IAnalysisJob, IWorkerData } from '../../engine/worker/protocol';
import { BackendError } from './backends/types';

export interface IAnalysisLimits {
  /** Analyses running at once. */
  workers: number;
  /** Analyses waiting for a worker; one more is refused with 503. */
  queue: number;
  /** Heap limit of each worker, and the budget for the columns it reads. */
  memoryMb: number;
  /** An analysis still running after this is stopped. */
  timeoutMs: number;
}

const positive = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number (got "${raw}")`);
  }
  return value;
};

/** Half the memory this process may use (the container's limit when there is one), at least 1 GiB. */
function defaultMemoryMb(): number {
  const constrained = process.constrainedMemory?.() || Infinity;
  return Math.max(1024, Math.floor(Math.min(totalmem(), constrained) / 2 / 2 ** 20));
}

/** The limits from KFWB_ANALYSIS_* variables (docs/analysis.md), with defaults for a laptop or a notebook pod. */
export function analysisLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): IAnalysisLimits {
  return {
    workers: Math.floor(
      positive(
        env.KFWB_ANALYSIS_WORKERS,
        Math.min(2, availableParallelism()),
        'KFWB_ANALYSIS_WORKERS'
      )
    ),
    queue: Math.floor(positive(env.KFWB_ANALYSIS_QUEUE, 8, 'KFWB_ANALYSIS_QUEUE')),
    memoryMb: positive(env.KFWB_ANALYSIS_MEMORY_MB, defaultMemoryMb(), 'KFWB_ANALYSIS_MEMORY_MB'),
    timeoutMs: 1000 * positive(env.KFWB_ANALYSIS_TIMEOUT_S, 600, 'KFWB_ANALYSIS_TIMEOUT_S')
  };
}

// Set by the esbuild banner of the proxy bundle (proxy/build.mjs); absent under ts-jest.
declare const __kfwbBundleUrl: string | undefined;

/** The worker script: next to the proxy bundle (proxy_dist/analysis-worker.mjs), or KFWB_ANALYSIS_WORKER. */
export function defaultWorkerScript(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KFWB_ANALYSIS_WORKER) {
    return env.KFWB_ANALYSIS_WORKER;
  }
  return typeof __kfwbBundleUrl === 'string'
    ? fileURLToPath(new URL('./analysis-worker.mjs', __kfwbBundleUrl))
    : undefined;
}

interface IPending {
  job: IAnalysisJob;
  resolve: (result: IAnalysisResult) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
}

const busy = (message: string) => new BackendError('busy', message);

export class AnalysisPool {
  private running = 0;
  private readonly waiting: IPending[] = [];
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(
    readonly limits: IAnalysisLimits,
    private readonly script: string | undefined = defaultWorkerScript()
  ) {}

  /** Queues the analysis; rejects at once with 503 when the queue is full. */
  run(job: IAnalysisJob, signal?: AbortSignal): Promise<IAnalysisResult> {
    if (this.closed) {
      return Promise.reject(busy('The proxy is shutting down.'));
    }
    if (this.running >= this.limits.workers && this.waiting.length >= this.limits.queue) {
      return Promise.reject(
        busy(
          `The proxy is already running ${this.running} analyses with ${this.waiting.length} waiting ` +
            '(KFWB_ANALYSIS_WORKERS, KFWB_ANALYSIS_QUEUE): try again when one has finished.'
        )
      );
    }
    return new Promise((resolve, reject) => {
      const pending: IPending = { job, resolve, reject, signal };
      this.waiting.push(pending);
      signal?.addEventListener('abort', () => {
        const at = this.waiting.indexOf(pending);
        if (at >= 0) {
          this.waiting.splice(at, 1);
          reject(busy('The request was cancelled before its analysis started.'));
        }
      });
      this.next();
    });
  }

  /** Stops every worker and refuses what waits (proxy shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) {
      pending.reject(busy('The proxy is shutting down.'));
    }
    await Promise.all([...this.workers].map(worker => worker.terminate()));
  }

  private next(): void {
    while (this.running < this.limits.workers && this.waiting.length > 0) {
      const pending = this.waiting.shift()!;
      this.running++;
      this.start(pending).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private start({ job, resolve, reject, signal }: IPending): Promise<void> {
    if (!this.script) {
      reject(
        new BackendError(
          'internal',
          'The analysis worker script is missing (analysis-worker.mjs next to the proxy bundle).'
        )
      );
      return Promise.resolve();
    }
    const { memoryMb, timeoutMs } = this.limits;
    const transfer = 'arrow' in job.input ? [job.input.arrow.buffer as ArrayBuffer] : [];
    const worker = new Worker(this.script, {
      workerData: { ...job, maxBytes: memoryMb * 2 ** 20 } satisfies IWorkerData,
      transferList: transfer,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, stackSizeMb: 8 },
      stdout: false,
      stderr: false
    });
    this.workers.add(worker);
    return new Promise<void>(done => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          outcome();
          void worker.terminate();
        }
      };
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              busy(
                `The analysis did not finish within ${timeoutMs / 1000} s (KFWB_ANALYSIS_TIMEOUT_S) and was ` +
                  'stopped: analyse fewer rows or slices, or raise the limit.'
              )
            )
          ),
        timeoutMs
      );
      const onAbort = () => settle(() => reject(busy('The request was cancelled.')));
      signal?.addEventListener('abort', onAbort);
      worker.once('message', (reply: AnalysisReply) => settle(() => settleReply(reply)));
      worker.once('error', (error: Error & { code?: string }) =>
        settle(() => reject(errorOfWorker(error, memoryMb)))
      );
      worker.once('exit', code => {
        settle(() =>
          reject(
            new BackendError(
              'internal',
              `The analysis worker exited (code ${code}) without an answer.`
            )
          )
        );
        this.workers.delete(worker);
        done();
      });
      const settleReply = (reply: AnalysisReply) => {
        if (reply.ok) {
          resolve(reply.result);
        } else if (reply.kind === 'input') {
          const path = reply.field ?? '/source';
          reject(
            new BackendError('invalid_spec', reply.message, [{ path, message: reply.message }])
          );
        } else if (reply.kind === 'limit') {
          reject(new BackendError('too_large', reply.message));
        } else {
          reject(new BackendError('internal', `The analysis failed: ${reply.message}`));
        }
      };
    });
  }
}

function errorOfWorker(error: Error & { code?: string }, memoryMb: number): BackendError {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(error.message)) {
    return new BackendError(
      'too_large',
      `The analysis needed more than its memory limit of ${memoryMb} MiB (KFWB_ANALYSIS_MEMORY_MB) and was ` +
        'stopped: analyse fewer rows or columns, or raise the limit.'
    );
  }
  if (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'ERR_WORKER_PATH') {
    return new BackendError('internal', `The analysis worker could not start: ${error.message}`);
  }
  return new BackendError('internal', `The analysis worker failed: ${error.message}`);
}
