/** A KFP run (with its IR and step pods) as the workbench's `IRun`: `name` is the KFP run id. Pure. */
import { IKfpRunRef } from '../../../../contract/kfp';
import { derivedVersion } from '../../../../contract/live';
import { IPipelineSpec, IRun } from '../../../../contract/pipeline';
import { IPipelineIr } from '../local/pipelines/ir';
import { IKfpRun } from './api-types';
import { IRunPods, runPhase, stepsOfRun, time } from './steps';
import { canonicalJson } from './submit';

export interface IRunContext {
  namespace: string;
  ir?: Record<string, unknown>;
  experiment?: string;
  pods?: IRunPods;
  /** Remembered from the submission: the document (labels) and its path. */
  spec?: IPipelineSpec;
  pipelinePath?: string;
  /** The KFP UI, when its address is known: the run's page is `<ui>/#/runs/details/<id>`. */
  uiUrl?: string;
}

const FROM_DOCUMENT = /^From (.+) \(Kubeflow Workbench\)$/;

/** The KFP description of a run submitted from a document: KFP shows it, and it survives a proxy restart. */
export function describeSource(pipelinePath: string): string {
  return `From ${pipelinePath} (Kubeflow Workbench)`;
}

export function kfpRunRef(run: IKfpRun, context: IRunContext): IKfpRunRef {
  const ref = run.pipeline_version_reference;
  return {
    runId: run.run_id ?? '',
    ...(run.experiment_id ? { experimentId: run.experiment_id } : {}),
    ...(context.experiment ? { experiment: context.experiment } : {}),
    ...(ref?.pipeline_id ? { pipelineId: ref.pipeline_id } : {}),
    ...(ref?.pipeline_version_id ? { pipelineVersionId: ref.pipeline_version_id } : {}),
    ...(run.storage_state ? { storageState: run.storage_state } : {}),
    ...(context.uiUrl
      ? { url: `${context.uiUrl.replace(/\/+$/, '')}/#/runs/details/${run.run_id}` }
      : {})
  };
}

export function toRun(run: IKfpRun, context: IRunContext): IRun {
  const ir = context.ir as IPipelineIr | undefined;
  const labels = Object.fromEntries(
    (context.spec?.nodes ?? []).map(node => [node.id, node.label ?? node.id])
  );
  const steps = stepsOfRun(ir, run, context.pods, labels);
  const started = time(run.scheduled_at) ?? time(run.created_at);
  const finished = time(run.finished_at);
  const phase = runPhase(run.state);
  const pipelinePath = context.pipelinePath ?? FROM_DOCUMENT.exec(run.description ?? '')?.[1];
  const view: IRun = {
    name: run.run_id ?? '',
    namespace: context.namespace,
    created: time(run.created_at) ?? new Date(0).toISOString(),
    phase,
    ...(run.error?.message ? { reason: 'Error', message: run.error.message } : {}),
    backend: 'kfp',
    pipelineName: ir?.pipelineInfo?.name ?? run.display_name ?? '',
    ...(run.display_name ? { displayName: run.display_name } : {}),
    ...(pipelinePath ? { pipelinePath } : {}),
    parameters: run.runtime_config?.parameters ?? {},
    ...(started ? { started } : {}),
    ...(finished && !['Pending', 'Running', 'Cancelling'].includes(phase) ? { finished } : {}),
    steps,
    ...(context.ir ? { ir: context.ir } : {}),
    ...(context.spec ? { spec: context.spec } : {}),
    kfp: kfpRunRef(run, context)
  };
  const { steps: _steps, ir: _ir, spec: _spec, ...own } = view;
  view.version = derivedVersion(canonicalJson(own), steps.map(canonicalJson));
  return view;
}
