/** The main-area view of one job: status, why it is stuck, conditions, replicas, events, logs and YAML. */
import React from 'react';
import { IJob, IJobCondition, IJobEvent, IReplicaState } from '../../contract/training';
import { EventTable, formatTime } from '../live/EventTable';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { explainReason, isTroubled } from './explain';
import { DetailFrame, DetailPlaceholder } from '../live/DetailFrame';
import { LiveLogs } from '../live/LiveLogs';
import { ManifestYaml } from '../live/ManifestYaml';
import { FailureTail } from './FailureTail';
import { IFailureTail, JobViewModel } from './view-model';

export interface IJobViewProps {
  model: JobViewModel;
  onDelete: (job: IJob) => void;
  onClone: (job: IJob) => void;
  onRerun: (job: IJob) => void;
}

export function JobView({ model, onDelete, onClone, onRerun }: IJobViewProps): JSX.Element {
  useSignal(model.changed);
  const job = model.job;
  if (!job) {
    return <DetailPlaceholder name={model.name} error={model.error} />;
  }
  const canRerun = !!job.spec;
  return (
    <DetailFrame
      kind="Job"
      name={job.name}
      status={job.phase}
      meta={`${job.framework} · ${job.kind} · ${job.backend} backend · ${job.namespace}`}
      live={model.live}
      goneMessage={
        model.gone
          ? 'This job no longer exists in the cluster; the last state seen is shown.'
          : undefined
      }
      actions={
        <>
          <button
            type="button"
            className="jp-mod-styled"
            onClick={() => onClone(job)}
            disabled={!canRerun}
          >
            Clone
          </button>
          <button
            type="button"
            className="jp-mod-styled"
            onClick={() => onRerun(job)}
            disabled={!canRerun}
          >
            Re-run
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-mod-warn"
            onClick={() => onDelete(job)}
            disabled={model.gone}
          >
            Delete
          </button>
        </>
      }
      tabs={[
        {
          id: 'overview',
          label: 'Overview',
          render: () => <Overview job={job} events={model.events} failureTail={model.failureTail} />
        },
        {
          id: 'logs',
          label: 'Logs',
          render: () => (
            <LiveLogs
              logs={model.logs}
              sources={job.replicas.map(r => r.name)}
              sourceLabel="Replica"
              allLabel="all replicas (merged)"
              label="Job logs"
              fileStem={job.name}
            />
          )
        },
        {
          id: 'yaml',
          label: 'YAML',
          render: () => (
            <ManifestYaml
              name={job.name}
              manifest={job.manifest}
              spec={job.spec}
              manifestLabel={job.kind}
            />
          )
        }
      ]}
    />
  );
}

function Overview({
  job,
  events,
  failureTail
}: {
  job: IJob;
  events: IJobEvent[];
  failureTail?: IFailureTail;
}): JSX.Element {
  const troubled = job.replicas.filter(isTroubled);
  return (
    <>
      {troubled.length > 0 && (
        <section className="kf-why-stuck" aria-label="Why is it stuck">
          <h3>Why is it stuck or failing?</h3>
          <ul>
            {troubled.map(r => (
              <li key={r.name}>
                <strong>{r.name}</strong>: {r.reason ?? r.phase}
                {r.message ? ` — ${r.message}` : ''}
                {explainReason(r.reason) && (
                  <div className="kf-why-explain">{explainReason(r.reason)}</div>
                )}
              </li>
            ))}
          </ul>
          {failureTail?.text && <FailureTail tail={failureTail} />}
        </section>
      )}
      <h3>Replicas</h3>
      <ReplicaTable replicas={job.replicas} />
      <h3>Conditions</h3>
      <ConditionTimeline conditions={job.conditions} />
      <h3>Events</h3>
      <EventTable events={events} />
    </>
  );
}

function ReplicaTable({ replicas }: { replicas: IReplicaState[] }): JSX.Element {
  if (replicas.length === 0) {
    return <p className="kf-detail-note">No replicas yet.</p>;
  }
  return (
    <table className="kf-table" aria-label="Replicas">
      <thead>
        <tr>
          <th>Replica</th>
          <th>Phase</th>
          <th>Reason</th>
          <th>Message</th>
          <th>Exit code</th>
          <th>Restarts</th>
        </tr>
      </thead>
      <tbody>
        {replicas.map(r => (
          <tr key={r.name} className={isTroubled(r) ? 'kf-mod-troubled' : undefined}>
            <td>{r.name}</td>
            <td>
              <StatusBadge status={r.phase} />
            </td>
            <td title={explainReason(r.reason)}>{r.reason ?? ''}</td>
            <td>{r.message ?? ''}</td>
            <td>{r.exitCode ?? ''}</td>
            <td>{r.restarts ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ConditionTimeline({ conditions }: { conditions: IJobCondition[] }): JSX.Element {
  if (conditions.length === 0) {
    return <p className="kf-detail-note">No conditions reported yet.</p>;
  }
  return (
    <ol className="kf-timeline" aria-label="Conditions">
      {conditions.map((c, i) => (
        <li key={`${c.type}-${i}`} className={c.status === 'True' ? 'kf-mod-current' : undefined}>
          <time dateTime={c.lastTransitionTime}>{formatTime(c.lastTransitionTime)}</time>{' '}
          <strong>{c.type}</strong>
          {c.status !== 'True' ? ` (${c.status})` : ''}
          {c.reason ? ` · ${c.reason}` : ''}
          {c.message && <div className="kf-timeline-message">{c.message}</div>}
        </li>
      ))}
    </ol>
  );
}
