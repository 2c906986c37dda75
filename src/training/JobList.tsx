/** The "Training jobs" sidebar section: filters, a windowed list that stays fast for 10,000 jobs, and "New". */
import React from 'react';
import { IJob, JobPhase } from '../../contract/training';
import { EmptyState } from '../components/EmptyState';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { VirtualList } from '../components/VirtualList';
import { formatAge } from './explain';
import { JobsModel, LiveState } from './model';
import { jobKey } from './reducer';
import { FRAMEWORKS, PHASES } from './roles';

export const JOB_ROW_HEIGHT = 28;

export interface IJobListProps {
  model: JobsModel;
  onOpen: (job: IJob) => void;
  onNew: () => void;
  /** Fixed clock for tests; defaults to now at each render. */
  now?: number;
}

const LIVE_TEXT: Record<LiveState, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…'
};

export function JobList({ model, onOpen, onNew, now }: IJobListProps): JSX.Element {
  useSignal(model.changed);
  const filter = model.filter;
  const jobs = model.visible;
  const clock = now ?? Date.now();
  return (
    <div className="kf-job-list">
      <div className="kf-job-list-toolbar">
        <button type="button" className="jp-mod-styled jp-mod-accept" onClick={onNew}>
          New training job
        </button>
        <span className={`kf-live kf-live-${model.liveState}`} role="status">
          {LIVE_TEXT[model.liveState]}
        </span>
      </div>
      <div className="kf-job-list-filters">
        <label>
          Status{' '}
          <select
            value={filter.status}
            onChange={e => model.setFilter({ status: e.target.value as JobPhase | '' })}
          >
            <option value="">all</option>
            {PHASES.map(p => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Framework{' '}
          <select
            value={filter.framework}
            onChange={e => model.setFilter({ framework: e.target.value })}
          >
            <option value="">all</option>
            {FRAMEWORKS.map(f => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          aria-label="Filter jobs by name"
          placeholder="Filter by name"
          value={filter.text}
          onChange={e => model.setFilter({ text: e.target.value })}
        />
      </div>
      {jobs.length > 0 ? (
        <VirtualList
          items={jobs}
          rowHeight={JOB_ROW_HEIGHT}
          label={`Training jobs in ${model.namespace}`}
          itemKey={jobKey}
          rowLabel={job => job.name}
          rowClassName="kf-job-row"
          onOpen={onOpen}
          renderRow={job => (
            <>
              <span className="kf-job-row-name" title={job.name}>
                {job.name}
              </span>
              <span className="kf-job-row-framework">{job.framework}</span>
              <StatusBadge status={job.phase} />
              <span className="kf-job-row-age" title={job.created}>
                {formatAge(job.created, clock)}
              </span>
            </>
          )}
        />
      ) : (
        <ListEmptyState model={model} onNew={onNew} />
      )}
    </div>
  );
}

function ListEmptyState({ model, onNew }: { model: JobsModel; onNew: () => void }): JSX.Element {
  if (!model.namespace) {
    return (
      <EmptyState
        title="No namespace selected"
        hint="Choose a namespace in the cluster section above."
      />
    );
  }
  if (!model.hasSnapshot) {
    return (
      <EmptyState title="Loading jobs…" hint={`Waiting for the job list of ${model.namespace}.`} />
    );
  }
  if (model.jobs.size > 0) {
    return (
      <EmptyState
        title="No jobs match the filters"
        action={{
          label: 'Clear filters',
          onClick: () => model.setFilter({ status: '', framework: '', text: '' })
        }}
      />
    );
  }
  return (
    <EmptyState
      title={`No training jobs in ${model.namespace}`}
      hint="Start one from a script or notebook."
      action={{ label: 'New training job', onClick: onNew }}
    />
  );
}
