/**
 * What the KFP backend may ask of the Kubernetes cluster the runs execute on. Implemented by the kubernetes
 * backend (kubernetes/kfp-access.ts); absent when KFP is reached without a kubeconfig (then steps have no pod
 * details, logs come from KFP's `executor-logs` artifact, and updates are polled).
 */
import { ILogOptions } from '../types';
import { IRunPods } from './steps';

export interface IRunWatch {
  /** Resolves once watching started (undefined) or with the reason it cannot (then the caller polls). */
  ready: Promise<string | undefined>;
  close(): void;
}

export interface IKfpCluster {
  /** The step pods (label `pipeline/runid`) and their events in a namespace, by run id. */
  runPods(namespace: string, runId?: string): Promise<Map<string, IRunPods>>;
  /** A step's log: its pod's `main` container while readable, what the proxy kept afterwards. */
  stepLog(
    namespace: string,
    runId: string,
    task: string,
    pod: string | undefined,
    options: ILogOptions,
    sink: (chunk: string) => void
  ): Promise<void>;
  /** Forgets the logs kept for a deleted run. */
  forget(namespace: string, runId: string): Promise<void>;
  /** Calls `onChange(runId)` when a run's Workflow or pods change; `undefined` means "anything may have". */
  watchRuns(namespace: string, onChange: (runId: string | undefined) => void): IRunWatch;
}
