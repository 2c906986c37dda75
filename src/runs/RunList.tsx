/** The "Pipeline runs" sidebar section: the shared live list with run filters and row cells. */
import React from 'react';
import { IRun, RunPhase } from '../../contract/pipeline';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { ChoiceFilter, NameFilter } from '../live/filters';
import { LiveList } from '../live/LiveList';
import { experimentsOf, whereLabel } from '../kfp/selectors';
import { formatAge } from '../training/explain';
import { RunsModel } from './model';

export const RUN_PHASES: RunPhase[] = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Cancelling',
  'Cancelled'
];

export interface IRunListProps {
  model: RunsModel;
  onOpen: (run: IRun) => void;
  onNew: () => void;
  now?: number;
  /** Above the list (the Kubeflow Pipelines connection). */
  header?: React.ReactNode;
}

/** `3/4 steps` while running; the failed step's name when one failed. */
export function runProgress(run: IRun): string {
  const failed = run.steps.find(s => s.phase === 'Failed');
  if (failed) {
    return `${failed.task} failed`;
  }
  const done = run.steps.filter(s => s.phase === 'Succeeded' || s.phase === 'Cached').length;
  return `${done}/${run.steps.length} steps`;
}

export function RunList({ model, onOpen, onNew, now, header }: IRunListProps): JSX.Element {
  // The experiment choices come from the items: re-rendered with them, not only the list below.
  useSignal(model.changed);
  const experiments = experimentsOf(model.items.values());
  // The filter's own value stays offered while no run of it is listed (it was just deleted, say).
  const chosen = model.filter.experiment;
  if (chosen && !experiments.includes(chosen)) {
    experiments.push(chosen);
  }
  const list = (
    <LiveList
      model={model}
      noun="pipeline runs"
      newLabel="New pipeline"
      onNew={onNew}
      onOpen={onOpen}
      now={now}
      className="kf-run-list"
      emptyHint="Open a pipeline and press Run locally."
      filters={filter => (
        <>
          <ChoiceFilter
            label="Status"
            value={filter.phase}
            choices={RUN_PHASES}
            onChange={value => model.setFilter({ phase: value as RunPhase | '' })}
          />
          {experiments.length > 0 && (
            // Only KFP runs have experiments: without any, the filter would offer nothing.
            <ChoiceFilter
              label="Experiment"
              value={filter.experiment}
              choices={experiments}
              onChange={experiment => model.setFilter({ experiment })}
            />
          )}
          <NameFilter
            noun="runs"
            value={filter.text}
            onChange={text => model.setFilter({ text })}
          />
        </>
      )}
      renderRow={(run, clock) => (
        <>
          {run.backend === 'kfp' ? (
            <span className="kf-live-row-name" title={`KFP run ${run.name} of ${run.pipelineName}`}>
              {run.displayName ?? run.name}
            </span>
          ) : (
            <span className="kf-live-row-name" title={run.displayName ?? run.pipelineName}>
              {run.name}
            </span>
          )}
          <span
            className={`kf-run-where kf-run-where-${run.backend}`}
            title={
              run.backend === 'kfp'
                ? `On Kubeflow Pipelines${run.kfp?.experiment ? `, experiment ${run.kfp.experiment}` : ''}`
                : 'On this machine (local backend)'
            }
          >
            {whereLabel(run)}
          </span>
          <span className="kf-live-row-detail">{runProgress(run)}</span>
          <StatusBadge status={run.phase} />
          <span className="kf-live-row-age" title={run.created}>
            {formatAge(run.created, clock)}
          </span>
        </>
      )}
    />
  );
  return header ? (
    <div className="kf-run-list-with-header">
      {header}
      {list}
    </div>
  ) : (
    list
  );
}
