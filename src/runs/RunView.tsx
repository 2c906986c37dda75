/**
 * The main-area view of one run (loaded lazily with the canvas): the shared detail frame with the DAG in live
 * step colours, a flat step table for big graphs, the parameters; a step panel with why it is stuck or failed,
 * its logs, inputs, outputs and artifact previews; actions re-run, run from / only a step, cancel, delete.
 */
import React from 'react';
import { IPipelineSpec, IRun, IStep } from '../../contract/pipeline';
import { StatusBadge } from '../components/StatusBadge';
import { useSignal } from '../components/useSignal';
import { DetailFrame, DetailPlaceholder } from '../live/DetailFrame';
import { useNow } from '../live/LiveList';
import { irToSpec } from '../kfp/ir';
import { isArchived } from '../kfp/selectors';
import { PipelineCanvas } from '../pipelines/canvas/PipelineCanvas';
import { autoLayout } from '../pipelines/layout';
import { StepPanel } from './StepPanel';
import { formatDuration, isActive, phaseCounts, stepsByTask } from './selectors';
import { RunViewModel } from './view-model';

export interface IRunActions {
  onRerun: (run: IRun, request: { fromTask?: string; onlyTask?: string }) => void;
  onCancel: (run: IRun) => void;
  onDelete: (run: IRun) => void;
  /** Opens a file of the Jupyter root (the pipeline document). */
  onOpenPath: (path: string) => void;
  /** Opens an executed notebook (its JSON) in JupyterLab. */
  onOpenNotebook: (run: IRun, task: string, text: string) => void;
  /** The URL that downloads a step's output artifact. */
  downloadUrl: (run: IRun, task: string, artifact: string) => string;
  /** KFP runs: retry the failed steps of the same run. */
  onRetry: (run: IRun) => void;
  /** KFP runs: archive (`true`) or unarchive (`false`). */
  onArchive: (run: IRun, archive: boolean) => void;
  /** KFP runs: whether their updates are polled rather than pushed (the view says so). */
  kfpPolled: () => boolean;
}

export interface IRunViewProps extends IRunActions {
  model: RunViewModel;
  now?: number;
}

/**
 * A document for the canvas when the run has none: the IR's root DAG (a run of a kfp-compiled IR), else one
 * node per step.
 */
function specOf(
  run: IRun,
  spec: IPipelineSpec | undefined,
  ir: Record<string, unknown> | undefined
): IPipelineSpec {
  if (spec) {
    return spec;
  }
  if (ir) {
    const fromIr = irToSpec(ir);
    if (fromIr.nodes.length) {
      return fromIr;
    }
  }
  return {
    version: 1,
    name: run.displayName ?? run.pipelineName,
    parameters: [],
    nodes: run.steps.map(s => ({
      id: s.task,
      label: s.label,
      kind: 'container',
      inputs: [],
      outputs: []
    })),
    edges: []
  };
}

export function RunView(props: IRunViewProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const run = model.run;
  const ticking = useNow(!!run && isActive(run) && props.now === undefined);
  const now = props.now ?? ticking;
  const document = model.spec;
  const ir = model.ir;
  // Only the steps' names matter to the fallback document; a new run object must not lay it out again.
  const stepNames = run?.steps.map(s => s.task).join('|');
  const spec = React.useMemo(
    () => (run ? specOf(run, document, ir) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [document, stepNames, ir]
  );
  // Laid out once per document: the run's own positions when the editor saved them, dagre otherwise.
  const positions = React.useMemo(
    () => (spec && spec.nodes.some(n => !n.position) ? autoLayout(spec) : undefined),
    [spec]
  );
  const steps = React.useMemo(() => stepsByTask(run), [run]);
  const selected = React.useMemo(
    () => (model.step ? new Set([model.step]) : new Set<string>()),
    [model.step]
  );
  const selectRequest = React.useMemo(
    () => ({ ids: model.step ? [model.step] : [] }),
    [model.step]
  );
  if (!run || !spec) {
    return <DetailPlaceholder name={model.name} error={model.error} />;
  }
  const step = model.step ? steps.get(model.step) : undefined;
  const counts = phaseCounts(run)
    .map(c => `${c.count} ${c.phase}`)
    .join(' · ');
  const kfp = run.backend === 'kfp';
  const actions = kfp ? (
    <KfpActions run={run} gone={model.gone} {...props} />
  ) : (
    <>
      <button type="button" className="jp-mod-styled" onClick={() => props.onRerun(run, {})}>
        Re-run
      </button>
      <button
        type="button"
        className="jp-mod-styled"
        disabled={!step}
        title={
          step
            ? `Re-run ${step.task} and the steps after it; earlier outputs are reused`
            : 'Select a step first'
        }
        onClick={() => step && props.onRerun(run, { fromTask: step.task })}
      >
        Run from step
      </button>
      <button
        type="button"
        className="jp-mod-styled"
        disabled={!step}
        title={
          step
            ? `Run only ${step.task}, with the outputs of this run as its inputs`
            : 'Select a step first'
        }
        onClick={() => step && props.onRerun(run, { onlyTask: step.task })}
      >
        Run only step
      </button>
      <CancelDelete run={run} gone={model.gone} {...props} />
    </>
  );
  const stepPanel = step ? (
    <StepPanel
      key={step.task}
      run={run}
      step={step}
      model={model}
      now={now}
      onOpenNotebook={text => props.onOpenNotebook(run, step.task, text)}
      downloadUrl={artifact => props.downloadUrl(run, step.task, artifact)}
    />
  ) : (
    <p className="kf-muted kf-run-hint">Click a step for its logs, inputs and outputs.</p>
  );
  return (
    <DetailFrame
      kind="Run"
      className="kf-run-view"
      // A KFP run's name is its id: the title is what the user called it (the id is in Details).
      name={kfp ? (run.displayName ?? run.name) : run.name}
      status={run.phase}
      meta={[
        kfp ? run.pipelineName : (run.displayName ?? run.pipelineName),
        kfp
          ? `Kubeflow Pipelines${run.kfp?.experiment ? ` · experiment ${run.kfp.experiment}` : ''}`
          : `${run.backend} backend`,
        kfp && isArchived(run) ? 'archived' : '',
        run.namespace,
        formatDuration(run, now),
        counts
      ]
        .filter(Boolean)
        .join(' · ')}
      live={model.live}
      actions={actions}
      goneMessage={
        model.gone ? 'This run no longer exists; the last state seen is shown.' : undefined
      }
      tabs={[
        {
          id: 'graph',
          label: 'Graph',
          render: () => (
            <div className="kf-run-graph">
              {run.phase === 'Failed' && run.message && (
                <div className="kf-run-failure" role="alert">
                  {run.message}
                </div>
              )}
              <div className="kf-run-canvas">
                <PipelineCanvas
                  // Opened again (and fitted) when the run's document (or IR) arrives after the steps.
                  key={document ? 'document' : ir ? 'ir' : 'steps'}
                  spec={spec}
                  steps={steps}
                  now={now}
                  readOnly
                  positions={positions}
                  selected={selected}
                  selectRequest={selectRequest}
                  onSelect={({ nodes }) => nodes[0] && model.selectStep(nodes[0])}
                />
              </div>
              <div className="kf-run-step-side">
                {kfp && props.kfpPolled() && <PolledNote />}
                {stepPanel}
              </div>
            </div>
          )
        },
        {
          id: 'steps',
          label: 'Steps',
          render: () => (
            <>
              <StepTable
                steps={run.steps}
                now={now}
                selected={model.step}
                onSelect={t => model.selectStep(t)}
              />
              {stepPanel}
            </>
          )
        },
        {
          id: 'details',
          label: 'Details',
          render: () => <RunDetails run={run} onOpenPath={props.onOpenPath} />
        }
      ]}
    />
  );
}

function CancelDelete(props: IRunViewProps & { run: IRun; gone: boolean }): JSX.Element {
  const { run } = props;
  return (
    <>
      <button
        type="button"
        className="jp-mod-styled jp-mod-warn"
        disabled={!isActive(run) || run.phase === 'Cancelling'}
        onClick={() => props.onCancel(run)}
      >
        Cancel
      </button>
      <button
        type="button"
        className="jp-mod-styled jp-mod-warn"
        disabled={props.gone}
        onClick={() => props.onDelete(run)}
      >
        Delete
      </button>
    </>
  );
}

/** A KFP run: its page in the KFP UI, retry of the failed steps, archive, cancel, delete. */
function KfpActions(props: IRunViewProps & { run: IRun; gone: boolean }): JSX.Element {
  const { run } = props;
  const archived = isArchived(run);
  return (
    <>
      {run.kfp?.url && (
        <a
          className="jp-mod-styled kf-button-link"
          href={run.kfp.url}
          target="_blank"
          rel="noopener noreferrer"
        >
          Open in KFP UI
        </a>
      )}
      <button
        type="button"
        className="jp-mod-styled"
        disabled={run.phase !== 'Failed' || props.gone}
        title={
          run.phase === 'Failed'
            ? 'Run the failed steps of this run again (KFP retry)'
            : 'Only a failed run can be retried'
        }
        onClick={() => props.onRetry(run)}
      >
        Retry
      </button>
      <button
        type="button"
        className="jp-mod-styled"
        disabled={props.gone}
        title={archived ? 'Back to the active runs of KFP' : 'Hide from the active runs of KFP'}
        onClick={() => props.onArchive(run, !archived)}
      >
        {archived ? 'Unarchive' : 'Archive'}
      </button>
      <CancelDelete {...props} />
    </>
  );
}

function PolledNote(): JSX.Element {
  return (
    <p className="kf-note kf-run-polled" role="note">
      Updates are polled from Kubeflow Pipelines every few seconds: the proxy may not watch this
      namespace&apos;s Workflows and pods.
    </p>
  );
}

function StepTable(props: {
  steps: IStep[];
  now: number;
  selected: string;
  onSelect: (task: string) => void;
}): JSX.Element {
  const withPods = props.steps.some(s => s.pod);
  return (
    <table className="kf-table kf-run-steps" aria-label="Steps">
      <thead>
        <tr>
          <th>Step</th>
          <th>State</th>
          <th>Duration</th>
          <th>Reason</th>
          <th>Exit code</th>
          <th>Attempts</th>
          {withPods && <th>Pod</th>}
        </tr>
      </thead>
      <tbody>
        {props.steps.map(s => (
          <tr
            key={s.task}
            className={s.task === props.selected ? 'kf-mod-selected' : undefined}
            onClick={() => props.onSelect(s.task)}
            tabIndex={0}
            onKeyDown={e => e.key === 'Enter' && props.onSelect(s.task)}
          >
            <td>
              {s.label} <code>{s.task}</code>
            </td>
            <td>
              <StatusBadge status={s.phase} />
            </td>
            <td>{formatDuration(s, props.now)}</td>
            <td>{s.reason ?? ''}</td>
            <td>{s.exitCode ?? ''}</td>
            <td>{s.attempts ?? ''}</td>
            {withPods && (
              <td>
                <code>{s.pod ?? ''}</code>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunDetails({
  run,
  onOpenPath
}: {
  run: IRun;
  onOpenPath: (path: string) => void;
}): JSX.Element {
  const params = Object.entries(run.parameters);
  return (
    <div className="kf-run-details">
      <dl className="kf-run-facts">
        <dt>Pipeline</dt>
        <dd>
          {run.pipelinePath ? (
            <button type="button" className="kf-link" onClick={() => onOpenPath(run.pipelinePath!)}>
              {run.pipelinePath}
            </button>
          ) : (
            run.pipelineName
          )}
        </dd>
        <dt>Started</dt>
        <dd>{run.started ?? '—'}</dd>
        <dt>Finished</dt>
        <dd>{run.finished ?? '—'}</dd>
        {run.kfp && <KfpFacts run={run} />}
        {run.rerunOf && (
          <>
            <dt>Re-run of</dt>
            <dd>{run.rerunOf}</dd>
          </>
        )}
        {run.reason && (
          <>
            <dt>Reason</dt>
            <dd>
              {run.reason}
              {run.message ? `: ${run.message}` : ''}
            </dd>
          </>
        )}
      </dl>
      <h3>Parameters</h3>
      {params.length ? (
        <table className="kf-table" aria-label="Run parameters">
          <tbody>
            {params.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>
                  <code>{JSON.stringify(v)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="kf-muted">None.</p>
      )}
    </div>
  );
}

function KfpFacts({ run }: { run: IRun }): JSX.Element {
  const k = run.kfp!;
  const rows: [string, string | undefined][] = [
    ['Experiment', k.experiment],
    ['KFP run id', k.runId],
    ['Experiment id', k.experimentId],
    ['Pipeline id', k.pipelineId],
    ['Pipeline version', k.pipelineVersionId],
    ['Storage', k.storageState]
  ];
  return (
    <>
      {rows
        .filter(([, v]) => v)
        .map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>
              <code>{value}</code>
            </dd>
          </React.Fragment>
        ))}
    </>
  );
}

export default RunView;
