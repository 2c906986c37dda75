/** What the proxy sends an analysis worker thread (as workerData) and what the worker answers. */
import type { IAnalysisResult, ResolvedAnalysisSpec } from '../../contract/analysis';
import type { FileFormat } from '../files';

export type AnalysisInput =
  /** A file already resolved inside the Jupyter root dir; `columns` lets Parquet read only those. */
  | { file: string; name: string; format?: FileFormat; columns: string[] }
  /** Inline Arrow IPC bytes (their buffer is transferred, not copied). */
  | { arrow: Uint8Array };

export interface IAnalysisJob {
  spec: ResolvedAnalysisSpec;
  input: AnalysisInput;
  source: IAnalysisResult['spec']['source'];
}

/** The worker's workerData: the job and the pool's memory budget for it. */
export interface IWorkerData extends IAnalysisJob {
  /** Refuse inputs whose columns would need more (typed arrays are outside the heap limit). */
  maxBytes: number;
}

export type AnalysisReply =
  | { ok: true; result: IAnalysisResult }
  /** input: bad data (400, `field` is the spec path); limit: too large for the budget (413); internal: a bug. */
  | { ok: false; kind: 'input' | 'limit' | 'internal'; message: string; field?: string };
