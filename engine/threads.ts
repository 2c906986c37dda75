/// <reference types="node" />
/**
 * Worker threads for the engine's kernels (Node only; the engine itself stays free of Node APIs). The kernels
 * are self-contained functions (engine/kernels.ts lists them), so each worker is started from their source text
 * (`eval`): no second bundle entry, no file to locate next to the proxy bundle. Jobs share the engine's
 * arrays through SharedArrayBuffers; the calling thread runs one job itself while the workers run the rest.
 *
 *     await analyzeInTurns(table, spec, source, pause, Date.now, engineThreads());
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IEngineThreads } from './analyze';
import { KERNELS, KernelJob } from './kernels';

const workerSource = `
const { parentPort } = require('node:worker_threads');
const kernels = { ${Object.entries(KERNELS)
  .map(([name, kernel]) => `${name}: (${kernel.toString()})`)
  .join(',\n')} };
parentPort.on('message', ({ id, kernel, args }) => {
  try {
    kernels[kernel](args);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;

/** A typed array outside shared memory would be copied into the worker, and its outputs lost: refuse it. */
function assertShared(value: unknown, path = 'args'): void {
  if (ArrayBuffer.isView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer)) {
      throw new Error(`engine worker job: ${path} is not in shared memory`);
    }
  } else if (value instanceof ArrayBuffer) {
    throw new Error(`engine worker job: ${path} is not in shared memory`);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      assertShared(item, `${path}.${key}`);
    }
  }
}

interface IPending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** One worker and the jobs it has in flight; a worker that dies fails them and is replaced next time. */
class KernelWorker {
  private readonly worker = new Worker(workerSource, { eval: true });
  private readonly pending = new Map<number, IPending>();
  private nextId = 0;
  dead = false;

  constructor() {
    this.worker.unref(); // an idle pool never keeps the process alive
    this.worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) {
        this.worker.unref();
      }
      if (error) {
        job?.reject(new Error(`engine worker: ${error}`));
      } else {
        job?.resolve();
      }
    });
    const fail = (error: Error) => {
      this.dead = true;
      for (const job of this.pending.values()) {
        job.reject(error);
      }
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', code => fail(new Error(`engine worker exited (code ${code})`)));
  }

  run(job: KernelJob): Promise<void> {
    assertShared(job.args);
    const id = this.nextId++;
    this.worker.ref(); // keep the process up while a job is running
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, kernel: job.kernel, args: job.args });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * A pool of `size - 1` workers plus the calling thread. Jobs are dealt in order: the first ones to the
 * workers, the last one to the caller (results do not depend on which thread ran what).
 */
export class EngineThreads implements IEngineThreads {
  private workers: KernelWorker[] = [];

  constructor(
    readonly size: number,
    readonly minRows = 0
  ) {}

  async run(jobs: KernelJob[]): Promise<void> {
    this.workers = this.workers.filter(w => !w.dead);
    const offloaded = jobs.slice(0, jobs.length - 1);
    while (this.workers.length < Math.min(offloaded.length, this.size - 1)) {
      this.workers.push(new KernelWorker());
    }
    const running =
      this.workers.length === 0
        ? []
        : offloaded.map((job, i) => this.workers[i % this.workers.length].run(job));
    const here = this.workers.length === 0 ? jobs : jobs.slice(jobs.length - 1);
    // Settle every job before answering, so no worker still writes into arrays the caller moves on with.
    const ran = Promise.allSettled(running);
    let failure: unknown;
    try {
      for (const job of here) {
        (KERNELS[job.kernel] as (args: unknown) => void)(job.args);
      }
    } catch (error) {
      failure = error;
    }
    const failed = (await ran).find(r => r.status === 'rejected');
    if (failed || failure) {
      throw failed ? (failed as PromiseRejectedResult).reason : failure;
    }
  }

  /** Stops the workers (tests; a server keeps its pool, which never holds the process open). */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map(w => w.terminate()));
  }
}

let shared: EngineThreads | undefined;

/**
 * The process's pool: one thread per core, the caller's included (at most 4: the walk has few jobs), used from
 * 2 M rows (below, a worker's start and its cold kernels cost about what they save).
 */
export function engineThreads(): EngineThreads {
  shared ??= new EngineThreads(Math.max(1, Math.min(4, availableParallelism())), 2_000_000);
  return shared;
}
