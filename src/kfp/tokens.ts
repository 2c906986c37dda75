/** The Kubeflow Pipelines service the editor, the run views and the IR graph share, and its command ids. */
import { Token } from '@lumino/coreutils';
import type { KfpConnectionModel } from './connection';

export interface IKubeflowPipelines {
  /** How the proxy reaches KFP (the sidebar badge, whether submission is on and why not). */
  readonly connection: KfpConnectionModel;
}

export const IKubeflowPipelines = new Token<IKubeflowPipelines>(
  'kubeflow-workbench:IKubeflowPipelines',
  'The Kubeflow Pipelines connection of the workbench proxy.'
);

export const KfpCommandIDs = {
  /** Args: `{spec, path}` (a document) or `{ir, platformSpec?, path?}` (a compiled IR); none: the current tab. */
  submit: 'kubeflow:submit-pipeline-kfp',
  /** Args: `{path}` of a kfp-compiled IR YAML; none: the file browser's selection. */
  openGraph: 'kubeflow:open-pipeline-graph',
  lookAgain: 'kubeflow:kfp-look-again'
} as const;

/** A main-area widget that can submit what it shows (the pipeline editor, the IR graph). */
export interface ISubmittable {
  submitToKubeflow(): Promise<void>;
}

export function isSubmittable(widget: unknown): widget is ISubmittable {
  return typeof (widget as ISubmittable | null)?.submitToKubeflow === 'function';
}
