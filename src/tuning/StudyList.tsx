/** The "Studies" sidebar section: the shared live list with status, best objective and trial counts per row. */
import React from 'react';
import { IStudy, StudyPhase } from '../../contract/study';
import { StatusBadge } from '../components/StatusBadge';
import { ChoiceFilter, NameFilter } from '../live/filters';
import { LiveList } from '../live/LiveList';
import { formatAge } from '../training/explain';
import { StudiesModel } from './model';
import { objectiveNameOf } from './trials';

export const STUDY_PHASES: StudyPhase[] = [
  'Created',
  'Running',
  'Restarting',
  'Succeeded',
  'Failed',
  'Stopped',
  'Unknown'
];

export interface IStudyListProps {
  model: StudiesModel;
  onOpen: (study: IStudy) => void;
  onNew: () => void;
  now?: number;
}

/** `7/12` trials done (finished of the budget), for a narrow row. */
export function trialProgress(study: IStudy): string {
  const c = study.counts;
  const done = c.succeeded + c.failed + c.killed + c.earlyStopped + c.metricsUnavailable;
  const max = study.spec?.maxTrialCount;
  return `${done}/${max ?? study.trials.length}`;
}

/** Three significant digits: enough to compare studies in a narrow row (the view has the full value). */
export function shortValue(value: number): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(1)
    : String(Number(value.toPrecision(3)));
}

export function StudyList({ model, onOpen, onNew, now }: IStudyListProps): JSX.Element {
  return (
    <LiveList
      model={model}
      noun="studies"
      newLabel="New study"
      onNew={onNew}
      onOpen={onOpen}
      now={now}
      className="kf-study-list"
      emptyHint="Tune a training script's hyperparameters from a form or a %%kf tune cell."
      filters={filter => (
        <>
          <ChoiceFilter
            label="Status"
            value={filter.status}
            choices={STUDY_PHASES}
            onChange={value => model.setFilter({ status: value as StudyPhase | '' })}
          />
          <NameFilter
            noun="studies"
            value={filter.text}
            onChange={text => model.setFilter({ text })}
          />
        </>
      )}
      // Narrow sidebar: name, one short summary (best and finished/budget), status; the age is in the tooltip.
      renderRow={(study, clock) => (
        <>
          <span
            className="kf-live-row-name"
            title={`${study.name} · created ${formatAge(study.created, clock)} ago`}
          >
            {study.name}
          </span>
          <span
            className="kf-live-row-detail kf-study-row-summary"
            title={
              (study.best
                ? `Best ${objectiveNameOf(study)} ${study.best.objective} (${study.best.trial})`
                : 'No best trial yet') +
              ` · ${study.counts.running} running, ${study.counts.failed} failed`
            }
          >
            {study.best ? `★${shortValue(study.best.objective)}` : '–'} {trialProgress(study)}
          </span>
          <StatusBadge status={study.phase} />
        </>
      )}
    />
  );
}
