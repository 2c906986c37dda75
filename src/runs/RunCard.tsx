/**
 * The card of a `%kf pipeline run` output: live through the namespace's run stream when the proxy answers
 * (no kernel needed), else the snapshot saved in the notebook, clearly marked as such.
 */
import React from 'react';
import { IRun } from '../../contract/pipeline';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { RunsModel } from './model';
import { formatDuration, isActive } from './selectors';
import { useNow } from '../live/LiveList';

/** The output's data: what the magic saved when it started the run. */
export interface IRunOutput {
  name: string;
  namespace: string;
  run?: IRun;
}

export interface IRunCardProps {
  data: IRunOutput;
  /** The live list of the run's namespace; absent when there is nothing to follow. */
  runs?: RunsModel;
  onOpen: () => void;
}

export function RunCard({ data, runs, onOpen }: IRunCardProps): JSX.Element {
  useSignal(runs?.changed ?? NEVER);
  const live = !!runs && runs.hasSnapshot && runs.liveState === 'live';
  const liveRun = live ? runs.get(data.name) : undefined;
  const run = liveRun ?? data.run;
  const now = useNow(!!run && isActive(run));
  let note = '';
  if (!live) {
    note = data.run
      ? 'saved snapshot — not live'
      : 'not live: the Kubeflow Workbench proxy is not reachable';
  } else if (!liveRun) {
    note = `no longer in ${data.namespace}${data.run ? ' — saved snapshot' : ''}`;
  }
  const failed = run?.steps.find(s => s.phase === 'Failed');
  return (
    <div className="kf-run-card" role="group" aria-label={`Pipeline run ${data.name}`}>
      <div className="kf-run-card-header">
        <strong title={data.name}>
          {run?.backend === 'kfp' ? (run.displayName ?? data.name) : data.name}
        </strong>
        {run && <StatusBadge status={run.phase} label="Run status" />}
        <span className="kf-muted">
          {run?.backend === 'kfp'
            ? `${run.pipelineName} · Kubeflow Pipelines${run.kfp?.experiment ? `, experiment ${run.kfp.experiment}` : ''} · `
            : run
              ? `${run.displayName ?? run.pipelineName} · `
              : ''}
          {data.namespace}
          {run ? ` · ${formatDuration(run, now)}` : ''}
        </span>
        {note ? (
          <span className="kf-job-card-note">{note}</span>
        ) : (
          <span className="kf-live kf-live-live">live</span>
        )}
      </div>
      {run && (
        <ol className="kf-run-card-steps" aria-label="Steps">
          {run.steps.map(s => (
            <li key={s.task} className={`kf-run-card-step kf-step-phase-${s.phase.toLowerCase()}`}>
              <StatusBadge status={s.phase} label={`Step ${s.task}`} />
              <span>{s.label || s.task}</span>
              <span className="kf-muted">{formatDuration(s, now)}</span>
            </li>
          ))}
        </ol>
      )}
      {failed && (
        <div className="kf-run-card-failure">
          {failed.task} failed: {failed.reason ?? ''}
          {failed.message ? ` — ${failed.message}` : ''}
        </div>
      )}
      <button type="button" className="jp-mod-styled" onClick={onOpen}>
        Open run view
      </button>
    </div>
  );
}

/** A signal that never fires, so the hook is called the same way with or without a model. */
const NEVER = { connect: () => false, disconnect: () => false } as unknown as RunsModel['changed'];
