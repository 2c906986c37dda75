/**
 * The `.kfpipeline` document widget: JupyterLab's DocumentWidget (save, revert, rename, dirty mark) around the
 * editor, whose canvas chunk (React Flow, dagre) loads on first open. The toolbar runs, previews and exports.
 */
import React from 'react';
import { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { ReactWidget, ToolbarButton } from '@jupyterlab/ui-components';
import { IPipelineProblem, IPipelineSpec } from '../../contract/pipeline';
import { useSignal } from '../components/useSignal';
import { ISubmitState, NO_KFP, submitToolbarButton } from '../kfp/SubmitButton';
import type { ISubmittable } from '../kfp/tokens';
import type { IIrPreview } from './editor/Editor';
import { PipelineEditorModel } from './editor-model';

/** What the editor needs from the rest of the workbench (the plugin provides it). */
export interface IPipelineActions {
  /** Problems of a document in plain words, with JSON pointers and node ids. */
  validate(spec: IPipelineSpec, path: string): Promise<IPipelineProblem[]>;
  /** The compiled IR as YAML (throws with the proxy's message). */
  compileYaml(spec: IPipelineSpec, path: string): Promise<string>;
  /** Starts a local run and opens its view. */
  runLocally(spec: IPipelineSpec, path: string): Promise<void>;
  /** Asks for run name, experiment and parameters, submits to Kubeflow Pipelines, opens the run view. */
  submitToKubeflow(spec: IPipelineSpec, path: string): Promise<void>;
  /** Whether KFP submission is on (and why not); absent without KFP support. */
  kfp?: ISubmitState;
  openFile(path: string): void;
}

type EditorModule = typeof import('./editor/Editor');
let editorModule: Promise<EditorModule> | null = null;
/** The editor with the canvas libraries: one chunk, fetched the first time a pipeline opens. */
export const loadEditor = (): Promise<EditorModule> =>
  (editorModule ??= import(/* webpackChunkName: "kf-pipeline-editor" */ './editor/Editor'));

export class PipelineEditorContent extends ReactWidget {
  constructor(readonly model: PipelineEditorModel) {
    super();
    this.addClass('kf-pipeline-editor-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <EditorHost model={this.model} />;
  }
}

function EditorHost({ model }: { model: PipelineEditorModel }): JSX.Element {
  useSignal(model.changed);
  const [mod, setMod] = React.useState<EditorModule | null>(null);
  const [error, setError] = React.useState('');
  React.useEffect(() => {
    loadEditor().then(setMod, e => setError(`The editor could not load: ${(e as Error).message}`));
  }, []);
  if (error) {
    return <div className="kf-error-banner">{error}</div>;
  }
  if (!mod || !model.ready) {
    return <p className="kf-pipeline-loading">Loading the pipeline editor…</p>;
  }
  const Editor = mod.Editor;
  return (
    <Editor
      doc={model.doc}
      path={model.path}
      problems={model.problems}
      ir={model.ir as IIrPreview | null}
      onCloseIr={() => model.closeIr()}
      onOpenFile={file => model.openFile(file)}
    />
  );
}

export class PipelineEditorWidget
  extends DocumentWidget<PipelineEditorContent, DocumentRegistry.ICodeModel>
  implements ISubmittable
{
  constructor(context: DocumentRegistry.CodeContext, actions: IPipelineActions) {
    const model = new PipelineEditorModel(context, actions);
    super({ context, content: new PipelineEditorContent(model) });
    this.addClass('kf-pipeline-document');
    const buttons: [string, string, string, () => void][] = [
      ['run', 'Run locally', 'Run this pipeline on this machine', () => void model.run()],
      ['preview-ir', 'Preview IR', 'Show the compiled KFP v2 YAML', () => void model.previewIr()],
      ['export-ir', 'Export IR', 'Download the compiled KFP v2 YAML', () => void model.exportIr()]
    ];
    for (const [name, label, tooltip, onClick] of buttons) {
      this.toolbar.addItem(name, new ToolbarButton({ label, tooltip, onClick }));
    }
    this.toolbar.insertItem(
      1,
      'submit',
      submitToolbarButton(actions.kfp ?? NO_KFP, () => void model.submit())
    );
  }

  /** The palette's "Submit Pipeline to Kubeflow" on this tab. */
  submitToKubeflow(): Promise<void> {
    return this.content.model.submit();
  }
}
