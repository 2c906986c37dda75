/**
 * The live trials table: number, state with its reason (a stuck pod, lost metrics), objective, one column per
 * parameter; sortable by any column from the keyboard; the best trial marked. Props only.
 */
import React from 'react';
import { IStudy, ITrial } from '../../contract/study';
import { StatusBadge } from '../components/StatusBadge';
import { explainReason } from '../training/explain';
import {
  bestTrial,
  directionOf,
  formatParam,
  formatValue,
  ISort,
  isTroubledTrial,
  objectiveNameOf,
  sortTrials,
  SortKey,
  toggleSort,
  trialReason
} from './trials';

export interface ITrialsTableProps {
  study: IStudy;
  /** Compact: no reason column text, no actions (the notebook widget). */
  compact?: boolean;
  /** At most this many rows (best first when limited). */
  limit?: number;
  onLogs?: (trial: ITrial) => void;
  selected?: string;
  onSelect?: (trial: ITrial) => void;
}

export function TrialsTable(props: ITrialsTableProps): JSX.Element {
  const { study, compact } = props;
  const direction = directionOf(study);
  const [sort, setSort] = React.useState<ISort>(
    props.limit
      ? { key: 'objective', ascending: direction === 'minimize' }
      : { key: 'index', ascending: false }
  );
  const params = study.spec?.parameters.map(p => p.name) ?? paramNames(study.trials);
  const best = bestTrial(study);
  let rows = sortTrials(study.trials, sort);
  const hidden = props.limit && rows.length > props.limit ? rows.length - props.limit : 0;
  if (hidden) {
    rows = rows.slice(0, props.limit);
  }
  if (study.trials.length === 0) {
    return <p className="kf-study-note">No trials yet: the first ones start shortly.</p>;
  }
  const header = (key: SortKey, label: string, numeric = false) => {
    const active = sort.key === key;
    return (
      <th
        className={numeric ? 'kf-num' : undefined}
        aria-sort={active ? (sort.ascending ? 'ascending' : 'descending') : 'none'}
      >
        <button
          type="button"
          className="kf-sort-button"
          onClick={() => setSort(toggleSort(sort, key, direction))}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.ascending ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };
  return (
    <div className="kf-trials-table-scroll">
      <table className="kf-table kf-trials-table" aria-label={`Trials of ${study.name}`}>
        <thead>
          <tr>
            {header('index', '#')}
            {header('phase', 'State')}
            {header('objective', objectiveNameOf(study), true)}
            {params.map(p => (
              <React.Fragment key={p}>{header(`param:${p}`, p, true)}</React.Fragment>
            ))}
            {!compact && <th>Why</th>}
            {!compact && props.onLogs && (
              <th>
                <span className="kf-visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map(t => {
            const reason = trialReason(t);
            const classes = [
              t.name === best?.name ? 'kf-mod-best' : '',
              isTroubledTrial(t) ? 'kf-mod-troubled' : '',
              t.name === props.selected ? 'kf-mod-selected' : ''
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <tr
                key={t.name}
                className={classes || undefined}
                aria-label={`Trial ${t.index + 1}${t.name === best?.name ? ' (best)' : ''}`}
                onClick={props.onSelect ? () => props.onSelect!(t) : undefined}
                // Selectable from the keyboard too: Enter or Space marks the trial (its curve is highlighted).
                tabIndex={props.onSelect ? 0 : undefined}
                aria-selected={props.onSelect ? t.name === props.selected : undefined}
                onKeyDown={
                  props.onSelect
                    ? e => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          props.onSelect!(t);
                        }
                      }
                    : undefined
                }
              >
                <td title={t.name}>
                  {t.index + 1}
                  {t.name === best?.name && (
                    <span className="kf-best-mark" title="Best trial">
                      {' '}
                      ★
                    </span>
                  )}
                </td>
                <td>
                  <StatusBadge status={t.phase} />
                  {compact && t.reason ? <span className="kf-trial-reason"> {t.reason}</span> : ''}
                </td>
                <td className="kf-num">{formatValue(t.objective)}</td>
                {params.map(p => (
                  <td key={p} className="kf-num" title={t.params[p]}>
                    {formatParam(t.params[p])}
                  </td>
                ))}
                {!compact && (
                  <td className="kf-trial-reason" title={explainReason(t.reason)}>
                    {reason}
                  </td>
                )}
                {!compact && props.onLogs && (
                  <td>
                    <button
                      type="button"
                      className="jp-mod-styled"
                      aria-label={`Logs of trial ${t.index + 1}`}
                      onClick={e => {
                        e.stopPropagation();
                        props.onLogs!(t);
                      }}
                    >
                      Logs
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {hidden > 0 && (
        <p className="kf-study-note">
          {hidden} more trial{hidden === 1 ? '' : 's'} in the study view.
        </p>
      )}
    </div>
  );
}

function paramNames(trials: ITrial[]): string[] {
  return [...new Set(trials.flatMap(t => Object.keys(t.params)))];
}
