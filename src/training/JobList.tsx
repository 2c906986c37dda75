/** The "Training jobs" sidebar section: the shared live list with the job filters and row cells. */
import React from 'react';
import { IJob, JobPhase } from '../../contract/training';
import { StatusBadge } from '../components/StatusBadge';
import { ChoiceFilter, NameFilter } from '../live/filters';
import { LiveList } from '../live/LiveList';
import { explainReason, formatAge, isTroubled } from './explain';
import { JobsModel } from './model';
import { FRAMEWORKS, PHASES } from './roles';

export interface IJobListProps {
  model: JobsModel;
  onOpen: (job: IJob) => void;
  onNew: () => void;
  /** Fixed clock for tests. */
  now?: number;
}

export function JobList({ model, onOpen, onNew, now }: IJobListProps): JSX.Element {
  return (
    <LiveList
      model={model}
      noun="training jobs"
      newLabel="New training job"
      onNew={onNew}
      onOpen={onOpen}
      now={now}
      emptyHint="Start one from a script or notebook."
      filters={filter => (
        <>
          <ChoiceFilter
            label="Status"
            value={filter.status}
            choices={PHASES}
            onChange={value => model.setFilter({ status: value as JobPhase | '' })}
          />
          <ChoiceFilter
            label="Framework"
            value={filter.framework}
            choices={FRAMEWORKS}
            onChange={framework => model.setFilter({ framework })}
          />
          <NameFilter
            noun="jobs"
            value={filter.text}
            onChange={text => model.setFilter({ text })}
          />
        </>
      )}
      renderRow={(job, clock) => (
        <>
          <span className="kf-live-row-name" title={job.name}>
            {job.name}
          </span>
          {/* A stuck or failing job shows why where the framework would be: the reason matters more. */}
          <StuckReason job={job} />
          <StatusBadge status={job.phase} />
          <span className="kf-live-row-age" title={job.created}>
            {formatAge(job.created, clock)}
          </span>
        </>
      )}
    />
  );
}

/** The first troubled replica's reason, short, beside the phase (the whole story is in the job view); else the framework. */
function StuckReason({ job }: { job: IJob }): JSX.Element {
  const replica = job.replicas.find(isTroubled);
  if (!replica?.reason) {
    return <span className="kf-live-row-detail">{job.framework}</span>;
  }
  return (
    <span
      className="kf-live-row-reason"
      title={`${replica.name}: ${replica.reason}${replica.message ? ` — ${replica.message}` : ''}. ${explainReason(replica.reason) ?? ''}`}
    >
      {replica.reason}
    </span>
  );
}
