/**
 * The main-area view of one study: best trial, live trials table and plots, trial logs, and the YAML of the
 * exact Experiment (or the spec). Actions: stop, edit budget, delete, clone, train with the best parameters.
 */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStudy, ITrial } from '../../contract/study';
import { ErrorBanner } from '../components/ErrorBanner';
import { useSignal } from '../components/useSignal';
import { DetailFrame, DetailPlaceholder } from '../live/DetailFrame';
import { LiveLogs } from '../live/LiveLogs';
import { ManifestYaml } from '../live/ManifestYaml';
import { isActive } from './actions';
import { StudyViewModel } from './model';
import { CurvesPlot, ObjectivePlot, ParallelPlot } from './plots/StudyPlots';
import { TrialsTable } from './TrialsTable';
import {
  bestTrial,
  countsSummary,
  formatParam,
  formatValue,
  isTroubledTrial,
  objectiveNameOf,
  trialReason
} from './trials';

export interface IStudyActions {
  onStop: (study: IStudy) => void;
  onEditBudget: (study: IStudy) => void;
  onDelete: (study: IStudy) => void;
  onClone: (study: IStudy) => void;
  onTrainBest: (study: IStudy) => void;
}

export interface IStudyViewProps extends IStudyActions {
  model: StudyViewModel;
  rendermime?: IRenderMimeRegistry;
}

export function StudyView(props: IStudyViewProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const [tab, setTab] = React.useState('overview');
  const [selected, setSelected] = React.useState<string | undefined>(undefined);
  const study = model.study;
  if (!study) {
    return <DetailPlaceholder name={model.name} error={model.error} />;
  }
  const openLogs = (trial: ITrial) => {
    setSelected(trial.name);
    if (model.logs.source !== trial.name) {
      model.logs.setSource(trial.name);
    }
    setTab('logs');
  };
  const best = bestTrial(study);
  const total = study.spec?.maxTrialCount;
  const button = (label: string, onClick: () => void, disabled = false, warn = false) => (
    <button
      type="button"
      className={`jp-mod-styled${warn ? ' jp-mod-warn' : ''}`}
      onClick={onClick}
      disabled={disabled}
    >
      {label}
    </button>
  );
  return (
    <DetailFrame
      kind="Study"
      className="kf-study-view"
      name={study.name}
      status={study.phase}
      meta={
        `${study.spec?.algorithm.name ?? 'study'} · ${study.trials.length}` +
        `${total ? `/${total}` : ''} trials · ${study.backend} backend · ${study.namespace}`
      }
      live={model.live}
      goneMessage={
        model.gone ? 'This study no longer exists; the last state seen is shown.' : undefined
      }
      selected={tab}
      onSelect={setTab}
      actions={
        <>
          {button('Stop', () => props.onStop(study), model.gone || !isActive(study))}
          {button('Edit budget', () => props.onEditBudget(study), model.gone || !study.spec)}
          {button('Clone', () => props.onClone(study), !study.spec)}
          {button('Train with best', () => props.onTrainBest(study), !best || !study.spec)}
          {button('Delete', () => props.onDelete(study), model.gone, true)}
        </>
      }
      tabs={[
        {
          id: 'overview',
          label: 'Overview',
          render: () => (
            <>
              {study.message && study.phase === 'Failed' && (
                <ErrorBanner message={`${study.reason ?? 'Failed'}: ${study.message}`} />
              )}
              <StuckTrials study={study} />
              <MetricsLost study={study} />
              <BestTrialPanel study={study} onLogs={openLogs} />
              <ObjectivePlot study={study} rendermime={props.rendermime} />
              <h3>Trials</h3>
              <p className="kf-study-note">{countsSummary(study)}</p>
              <TrialsTable
                study={study}
                onLogs={openLogs}
                selected={selected}
                onSelect={t => setSelected(t.name)}
              />
            </>
          )
        },
        {
          id: 'plots',
          label: 'Plots',
          render: () => (
            <>
              <ParallelPlot study={study} rendermime={props.rendermime} />
              <CurvesPlot study={study} rendermime={props.rendermime} highlight={selected} />
            </>
          )
        },
        {
          id: 'logs',
          label: 'Trial logs',
          render: () => (
            <LiveLogs
              logs={model.logs}
              sources={study.trials.map(t => t.name)}
              sourceLabel="Trial"
              allLabel="choose a trial"
              label="Trial logs"
              fileStem={study.name}
            />
          )
        },
        {
          id: 'yaml',
          label: 'YAML',
          render: () => (
            <ManifestYaml
              name={study.name}
              manifest={study.manifest}
              spec={study.spec}
              manifestLabel="Katib Experiment"
            />
          )
        }
      ]}
    />
  );
}

function BestTrialPanel(props: { study: IStudy; onLogs: (t: ITrial) => void }): JSX.Element {
  const { study } = props;
  const best = bestTrial(study);
  const goal = study.spec?.objective.goal;
  if (!best) {
    return (
      <section className="kf-best-trial" aria-label="Best trial">
        <h3>Best trial</h3>
        <p className="kf-study-note">
          None yet: the best appears when a trial succeeds (running values are in the plots).
        </p>
      </section>
    );
  }
  const params = study.best?.trial === best.name ? study.best.params : best.params;
  return (
    <section className="kf-best-trial" aria-label="Best trial">
      <h3>
        Best trial: {best.name} (#{best.index + 1})
      </h3>
      <p>
        <strong>
          {objectiveNameOf(study)} = {formatValue(best.objective)}
        </strong>
        {goal !== undefined ? ` · goal ${formatValue(goal)}` : ''}
        {Object.entries(best.metrics)
          .filter(([name]) => name !== objectiveNameOf(study))
          .map(([name, m]) => ` · ${name} ${formatValue(m.latest)}`)}
      </p>
      <ul className="kf-best-params" aria-label="Best parameters">
        {Object.entries(params).map(([k, val]) => (
          <li key={k}>
            <code title={val}>
              {k} = {formatParam(val)}
            </code>
          </li>
        ))}
      </ul>
      <button type="button" className="jp-mod-styled" onClick={() => props.onLogs(best)}>
        Logs of the best trial
      </button>
    </section>
  );
}

/**
 * Trials that ended without the objective: the most common failure of Katib studies (the print format does
 * not match the collector's), said once with what to check, instead of a silent empty graph.
 */
function MetricsLost({ study }: { study: IStudy }): JSX.Element | null {
  const lost = study.trials.filter(t => t.phase === 'MetricsUnavailable');
  if (!lost.length) {
    return null;
  }
  const metric = objectiveNameOf(study);
  const format = study.spec?.metricsCollector?.format;
  return (
    <section className="kf-why-stuck" aria-label="Metrics not collected">
      <h3>
        {lost.length} trial{lost.length === 1 ? '' : 's'} ended without {metric}
      </h3>
      <p>
        {format ? (
          <>
            The collector reads lines matching <code>{format}</code>.
          </>
        ) : (
          <>
            The collector reads lines such as <code>{metric}=0.25</code> (name, <code>=</code>,
            value); <code>{metric}: 0.25</code> is not read.
          </>
        )}{' '}
        Check what the script prints in the trial logs, or test a line in the form (Clone).
      </p>
    </section>
  );
}

/** Trials that need a look, in plain words, above everything else (Katib hides these in controller logs). */
function StuckTrials({ study }: { study: IStudy }): JSX.Element | null {
  const troubled = study.trials.filter(
    t => isTroubledTrial(t) && (t.phase === 'Running' || t.phase === 'Pending')
  );
  if (!troubled.length) {
    return null;
  }
  return (
    <section className="kf-why-stuck" aria-label="Why is it stuck">
      <h3>Trials waiting on their pods</h3>
      <ul>
        {troubled.slice(0, 5).map(t => (
          <li key={t.name}>
            <strong>
              #{t.index + 1} {t.name}
            </strong>
            : {trialReason(t)}
          </li>
        ))}
      </ul>
      {troubled.length > 5 && <p>…and {troubled.length - 5} more.</p>}
    </section>
  );
}
