/**
 * The compact card of a `%%kf train` output: live through the namespace's job stream when the proxy answers,
 * else the last state saved in the notebook, clearly marked as such; why a job is stuck or failing, in words.
 */
import React from 'react';
import { IJob } from '../../contract/training';
import { StatusBadge } from '../components/StatusBadge';
import { FailureTail } from './FailureTail';
import { useSignal } from '../components/useSignal';
import { explainReason, isTroubled, replicaSummary } from './explain';
import { JobsModel } from './model';

/** The output's data: what the magic saved when it created the job, then the last state seen live. */
export interface IJobOutput {
  name: string;
  namespace: string;
  job?: IJob;
  /** Set once the live list no longer has the job: `job` is then the last state seen. */
  deleted?: boolean;
  /** The last lines of the replica that made the job fail (the exception). */
  failureTail?: { replica: string; text: string };
}

/**
 * The output to save after the live list changed: the live job when it differs from the saved one, the
 * saved one marked deleted when the job is gone; `saved` itself (same object) when nothing changed.
 */
export function nextSavedOutput(saved: IJobOutput, live: IJob | undefined): IJobOutput {
  if (live) {
    const same = saved.job && (live.version ?? '') === (saved.job.version ?? '') && live.version;
    return same && !saved.deleted
      ? saved
      : { name: saved.name, namespace: saved.namespace, job: live };
  }
  return saved.deleted ? saved : { ...saved, deleted: true };
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
  if (live && !liveJob) {
    note = `deleted from ${data.namespace}${data.job ? ' — last state seen' : ''}`;
  } else if (!live) {
    note = data.deleted
      ? 'deleted — last state seen'
      : data.job
        ? 'last state seen — not live'
        : 'not live: the Kubeflow Workbench proxy is not reachable';
  }
  const last = job?.conditions[job.conditions.length - 1];
  const troubled = job?.replicas.filter(isTroubled) ?? [];
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
      {troubled.length > 0 && (
        <ul className="kf-job-card-why" aria-label="Why is it stuck or failing">
          {troubled.map(r => (
            <li key={r.name}>
              <strong>{r.name}</strong>: {r.reason ?? r.phase}
              {r.message ? ` — ${r.message}` : ''}
              {explainReason(r.reason) && <div>{explainReason(r.reason)}</div>}
            </li>
          ))}
        </ul>
      )}
      {data.failureTail?.text && <FailureTail tail={data.failureTail} />}
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
