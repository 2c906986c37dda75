/**
 * Every kernel a thread can run (engine/threads.ts starts workers from their source text), and a job: a kernel
 * and its argument. Jobs of one phase are independent; the engine yields them phase by phase.
 */
import { countKernel, ICountArgs } from './metrics/count-kernel';
import { IPrepareArgs, IWalkArgs, prepareKernel, walkKernel } from './metrics/binary-walk';
import { IScatterArgs, ISortRangesArgs, scatterKernel, sortRangesKernel } from './sort-kernels';

export const KERNELS = {
  scatter: scatterKernel,
  sortRanges: sortRangesKernel,
  prepare: prepareKernel,
  walk: walkKernel,
  count: countKernel
};

export type KernelJob =
  | { kernel: 'scatter'; args: IScatterArgs }
  | { kernel: 'sortRanges'; args: ISortRangesArgs }
  | { kernel: 'prepare'; args: IPrepareArgs }
  | { kernel: 'walk'; args: IWalkArgs }
  | { kernel: 'count'; args: ICountArgs };

/** Runs a phase's jobs one after the other on this thread. */
export function runHere(jobs: KernelJob[]): void {
  for (const job of jobs) {
    (KERNELS[job.kernel] as (args: unknown) => void)(job.args);
  }
}

/** Drives a generator of job phases on this thread to its result. */
export function runAllHere<T>(steps: Generator<KernelJob[], T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) {
      return step.value;
    }
    runHere(step.value);
  }
}
