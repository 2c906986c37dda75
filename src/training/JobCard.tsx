/**
 * The compact card of a `%%kf train` output: live through the namespace's job stream when the proxy answers,
 * else the snapshot saved in the notebook, clearly marked as such.
 */
import React from 'react';
import { IJob } from '../../contract/training';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { replicaSummary } from './explain';
import { JobsModel } from './model';

/** The output's data: what the magic saved when it created the job. */
export interface IJobOutput {
  name: string;
  namespace: string;
  job?: IJob;
}

export function isJobOutput(value: unknown): value is IJobOutput {
  const v = value as IJobOutput | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.namespace === 'string'
  );
}

export interface IJobCardProps {
  data: IJobOutput;
  /** The live list of the job's namespace; absent when there is nothing to follow. */
  jobs?: JobsModel;
  onOpen: () => void;
}

export function JobCard({ data, jobs, onOpen }: IJobCardProps): JSX.Element {
  useSignal(jobs?.changed ?? NEVER);
  const live = !!jobs && jobs.hasSnapshot && jobs.liveState === 'live';
  const liveJob = live ? jobs.get(data.name) : undefined;
  const job = liveJob ?? data.job;
  let note = '';
  if (!live) {
    note = data.job
      ? 'saved snapshot — not live'
      : 'not live: the Kubeflow Workbench proxy is not reachable';
  } else if (!liveJob) {
    note = `no longer in ${data.namespace}${data.job ? ' — saved snapshot' : ''}`;
  }
  const last = job?.conditions[job.conditions.length - 1];
  return (
    <div className="kf-job-card" role="group" aria-label={`Training job ${data.name}`}>
      <div className="kf-job-card-header">
        <strong>{data.name}</strong>
        {job && <StatusBadge status={job.phase} label="Job status" />}
        <span className="kf-job-card-meta">
          {job ? `${job.kind} · ` : ''}
          {data.namespace}
        </span>
        {note ? (
          <span className="kf-job-card-note">{note}</span>
        ) : (
          <span className="kf-live kf-live-live">live</span>
        )}
      </div>
      {job && <div className="kf-job-card-replicas">{replicaSummary(job)}</div>}
      {last && (
        <div className="kf-job-card-condition">
          {last.type}
          {last.reason ? ` · ${last.reason}` : ''}
          {last.message ? `: ${last.message}` : ''}
        </div>
      )}
      <button type="button" className="jp-mod-styled" onClick={onOpen}>
        Open job view
      </button>
    </div>
  );
}

/** A signal that never fires, so the hook is called the same way with or without a model. */
const NEVER = { connect: () => false, disconnect: () => false } as unknown as JobsModel['changed'];
