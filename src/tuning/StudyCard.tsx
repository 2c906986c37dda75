/**
 * The live widget of a `%%kf tune` output: status, best value, a compact trials table and the objective plot,
 * following the study through the namespace's stream (no kernel needed); else the snapshot saved with the
 * notebook, clearly marked as such.
 */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStudy } from '../../contract/study';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { StudiesModel } from './model';
import { ObjectivePlot } from './plots/StudyPlots';
import { TrialsTable } from './TrialsTable';
import { countsSummary, formatParam, formatValue, objectiveNameOf } from './trials';

/** The output's data: what the magic saved when it created the study. */
export interface IStudyOutput {
  name: string;
  namespace: string;
  study?: IStudy;
}

export interface IStudyCardProps {
  data: IStudyOutput;
  studies?: StudiesModel;
  rendermime?: IRenderMimeRegistry;
  onOpen: () => void;
}

const NEVER = {
  connect: () => false,
  disconnect: () => false
} as unknown as StudiesModel['changed'];

export function StudyCard({ data, studies, rendermime, onOpen }: IStudyCardProps): JSX.Element {
  useSignal(studies?.changed ?? NEVER);
  const live = !!studies && studies.hasSnapshot && studies.liveState === 'live';
  const liveStudy = live ? studies.get(data.name) : undefined;
  const study = liveStudy ?? data.study;
  let note = '';
  if (!live) {
    note = data.study
      ? 'saved snapshot — not live'
      : 'not live: the Kubeflow Workbench proxy is not reachable';
  } else if (!liveStudy) {
    note = `no longer in ${data.namespace}${data.study ? ' — saved snapshot' : ''}`;
  }
  return (
    <div className="kf-study-card" role="group" aria-label={`Study ${data.name}`}>
      <div className="kf-job-card-header">
        <strong>{data.name}</strong>
        {study && <StatusBadge status={study.phase} label="Study status" />}
        <span className="kf-job-card-meta">
          {study?.spec ? `${study.spec.algorithm.name} · ` : ''}
          {data.namespace}
        </span>
        {note ? (
          <span className="kf-job-card-note">{note}</span>
        ) : (
          <span className="kf-live kf-live-live">live</span>
        )}
      </div>
      {study && (
        <>
          <div className="kf-study-card-summary">
            {countsSummary(study)}
            {study.best
              ? ` · best ${objectiveNameOf(study)} ${formatValue(study.best.objective)} (${Object.entries(
                  study.best.params
                )
                  .map(([k, v]) => `${k}=${formatParam(v)}`)
                  .join(', ')})`
              : ''}
          </div>
          <div className="kf-study-card-body">
            <TrialsTable study={study} compact limit={8} />
            <ObjectivePlot study={study} rendermime={rendermime} width={360} height={160} />
          </div>
        </>
      )}
      <button type="button" className="jp-mod-styled" onClick={onOpen}>
        Open study view
      </button>
    </div>
  );
}
