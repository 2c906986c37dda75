/**
 * One step of a run: why it is stuck or failed (reason in words, exit code, last log lines), its logs (the
 * shared log viewer: follow, search, download), its inputs and outputs with artifact previews.
 */
import React from 'react';
import { IArtifactRef, IRun, IStep } from '../../contract/pipeline';
import { StatusBadge } from '../components/StatusBadge';
import { EventTable } from '../live/EventTable';
import { LiveLogs } from '../live/LiveLogs';
import { explainStepReason, formatDuration } from './selectors';
import { IPreviewState, RunViewModel } from './view-model';

export interface IStepPanelProps {
  run: IRun;
  step: IStep;
  model: RunViewModel;
  now: number;
  onOpenNotebook: (text: string) => void;
  downloadUrl: (artifact: string) => string;
}

type Tab = 'logs' | 'io' | 'events';

export function StepPanel(props: IStepPanelProps): JSX.Element {
  const { step, model, run } = props;
  const [tab, setTab] = React.useState<Tab>('logs');
  const troubled = step.phase === 'Failed' || (step.phase !== 'Succeeded' && !!step.reason);
  return (
    <section className="kf-step-panel" aria-label={`Step ${step.task}`}>
      <header className="kf-step-panel-header">
        <h3>{step.label || step.task}</h3>
        <StatusBadge status={step.phase} label={`Step ${step.task}`} />
        <span className="kf-muted">
          {formatDuration(step, props.now)}
          {step.attempts && step.attempts > 1 ? ` · ${step.attempts} attempts` : ''}
        </span>
      </header>
      {step.pod && (
        <p className="kf-step-pod">
          Pod <code>{step.pod}</code>
        </p>
      )}
      {step.note && <p className="kf-step-note">{step.note}</p>}
      {troubled && <Why step={step} tail={model.tail(step.task)} />}
      <div role="tablist" aria-label="Step details" className="kf-tabs">
        {(
          [
            ['logs', 'Logs'],
            ['io', 'Inputs & outputs'],
            // KFP steps: the events of their pod (scheduling, image pulls, mounts).
            ...(step.events ? [['events', `Events (${step.events.length})`]] : [])
          ] as [Tab, string][]
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'kf-tab kf-mod-selected' : 'kf-tab'}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="kf-step-panel-body">
        {tab === 'events' ? (
          <EventTable events={step.events ?? []} />
        ) : tab === 'logs' ? (
          <LiveLogs
            logs={model.logs}
            sources={run.steps.map(s => s.task)}
            sourceLabel="Step"
            label={`Logs of step ${step.task}`}
            fileStem={run.name}
          />
        ) : (
          <InputsOutputs {...props} />
        )}
      </div>
    </section>
  );
}

function Why({ step, tail }: { step: IStep; tail?: string }): JSX.Element {
  const explained = explainStepReason(step.reason);
  return (
    <div className="kf-why-stuck" role="note" aria-label="Why is it stuck or failed">
      <strong>{step.phase === 'Failed' ? 'Why it failed' : 'Why it is not running'}:</strong>{' '}
      {step.reason ?? step.phase}
      {step.exitCode !== undefined ? ` (exit code ${step.exitCode})` : ''}
      {step.message ? ` — ${step.message}` : ''}
      {explained && <div className="kf-why-explain">{explained}</div>}
      {tail !== undefined && tail !== '' && (
        <pre className="kf-why-tail" aria-label="Last log lines">
          {tail}
        </pre>
      )}
    </div>
  );
}

function InputsOutputs(props: IStepPanelProps): JSX.Element {
  const { step } = props;
  const inputs = Object.entries(step.inputs?.parameters ?? {});
  const outputs = Object.entries(step.outputs.parameters);
  return (
    <div className="kf-step-io">
      <h4>Inputs</h4>
      <ValueTable label="Input parameters" values={inputs} />
      {(step.inputs?.artifacts ?? []).map(a => (
        <ArtifactRow key={`in-${a.name}`} artifact={a} {...props} />
      ))}
      <h4>Outputs</h4>
      <ValueTable label="Output parameters" values={outputs} />
      {step.outputs.artifacts.map(a => (
        <ArtifactRow key={`out-${a.name}`} artifact={a} {...props} />
      ))}
      {step.outputs.artifacts.length === 0 && outputs.length === 0 && (
        <p className="kf-muted">
          {step.phase === 'Succeeded' || step.phase === 'Cached'
            ? 'No outputs.'
            : 'No outputs yet.'}
        </p>
      )}
    </div>
  );
}

function ValueTable({
  label,
  values
}: {
  label: string;
  values: [string, unknown][];
}): JSX.Element | null {
  if (!values.length) {
    return null;
  }
  return (
    <table className="kf-table" aria-label={label}>
      <tbody>
        {values.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>
              <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ArtifactRow(props: IStepPanelProps & { artifact: IArtifactRef }): JSX.Element {
  const { artifact, model, step } = props;
  const state = model.preview(step.task, artifact.name);
  return (
    <div className="kf-artifact" aria-label={`Artifact ${artifact.name}`} role="group">
      <div className="kf-artifact-header">
        <strong>{artifact.name}</strong>
        <span className="kf-muted">
          {artifact.schemaTitle}
          {artifact.size !== undefined ? ` · ${formatBytes(artifact.size)}` : ''}
        </span>
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => void model.loadPreview(step.task, artifact.name)}
        >
          {state ? 'Refresh preview' : 'Preview'}
        </button>
        <a
          className="jp-mod-styled kf-button-link"
          href={props.downloadUrl(artifact.name)}
          download
        >
          Download
        </a>
      </div>
      {state && <Preview state={state} onOpenNotebook={props.onOpenNotebook} />}
    </div>
  );
}

function Preview({
  state,
  onOpenNotebook
}: {
  state: IPreviewState;
  onOpenNotebook: (text: string) => void;
}): JSX.Element {
  if (state.loading) {
    return <p className="kf-muted">Loading preview…</p>;
  }
  if (state.error || !state.preview) {
    return <div className="kf-error-banner">{state.error ?? 'No preview.'}</div>;
  }
  const p = state.preview;
  const note = p.truncated ? <p className="kf-muted">Only the beginning is shown.</p> : null;
  switch (p.kind) {
    case 'image':
      return (
        <img
          className="kf-artifact-image"
          alt={p.artifact.name}
          src={`data:${p.mime ?? 'image/png'};base64,${p.base64 ?? ''}`}
        />
      );
    case 'table':
      return (
        <div className="kf-artifact-table">
          <table className="kf-table" aria-label={`Table ${p.artifact.name}`}>
            <thead>
              <tr>
                {(p.table?.columns ?? []).map((c, i) => (
                  <th key={i}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(p.table?.rows ?? []).map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {note}
        </div>
      );
    case 'notebook':
      return (
        <div>
          <button
            type="button"
            className="jp-mod-styled jp-mod-accept"
            disabled={p.truncated || !p.text}
            onClick={() => onOpenNotebook(p.text ?? '')}
          >
            Open executed notebook
          </button>
          {p.truncated && <p className="kf-muted">Too large to open here; download it.</p>}
        </div>
      );
    case 'directory':
      return (
        <ul className="kf-artifact-entries">
          {(p.entries ?? []).map(e => (
            <li key={e.path}>
              {e.path} <span className="kf-muted">{formatBytes(e.size)}</span>
            </li>
          ))}
        </ul>
      );
    case 'missing':
    case 'binary':
      return (
        <p className="kf-muted">
          {p.message ?? (p.kind === 'missing' ? 'Not written.' : 'Binary file: download it.')}
        </p>
      );
    default:
      // Text, Markdown, JSON and HTML are shown as text: safe, and what was written is what is seen.
      return (
        <>
          <pre className="kf-artifact-text" aria-label={`Preview of ${p.artifact.name}`}>
            {p.text ?? ''}
          </pre>
          {note}
        </>
      );
  }
}

function formatBytes(n: number): string {
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return `${(n / 1024).toFixed(1)} KB`;
  }
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
