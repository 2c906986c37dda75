/**
 * The pipelines plugin: the `.kfpipeline` file type and its editor (the default for it), "New pipeline" in the
 * launcher and the palette. Runs started from the editor open in the run view (src/runs).
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ABCWidgetFactory, DocumentRegistry } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { emptyPipeline } from '../../contract/pipeline-schema';
import { PIPELINE_FILE_EXTENSION } from '../../contract/pipeline';
import { IKubeflowPipelines, KfpCommandIDs } from '../kfp/tokens';
import { compileToYaml, validateDocument } from './compile-bridge';
import { pipelineIcon } from './icons';
import { serializeDocument } from './ops';
import { IPipelineActions, PipelineEditorWidget } from './widget';

export const PipelineCommandIDs = {
  newPipeline: 'kubeflow:new-pipeline',
  runPipeline: 'kubeflow:run-pipeline',
  openRun: 'kubeflow:open-run'
} as const;

export const FILE_TYPE = 'kfpipeline';
export const FACTORY = 'Pipeline Editor';

class PipelineEditorFactory extends ABCWidgetFactory<
  PipelineEditorWidget,
  DocumentRegistry.ICodeModel
> {
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<PipelineEditorWidget>,
    private readonly actions: IPipelineActions
  ) {
    super(options);
  }

  protected createNewWidget(context: DocumentRegistry.CodeContext): PipelineEditorWidget {
    return new PipelineEditorWidget(context, this.actions);
  }
}

/** The first `Untitled.kfpipeline`, `Untitled1.kfpipeline`, … not taken in `folder`. */
async function freeName(app: JupyterFrontEnd, folder: string): Promise<string> {
  const listing = await app.serviceManager.contents.get(folder, { content: true });
  const taken = new Set(
    ((listing.content as { name: string }[] | null) ?? []).map(item => item.name)
  );
  for (let i = 0; ; i++) {
    const name = `Untitled${i || ''}${PIPELINE_FILE_EXTENSION}`;
    if (!taken.has(name)) {
      return PathExt.join(folder, name);
    }
  }
}

export const pipelinesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'kubeflow-workbench:pipelines',
  description: 'Pipeline documents (.kfpipeline): the visual editor, New pipeline, Run locally.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette, IDefaultFileBrowser, IKubeflowPipelines],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null,
    kfp: IKubeflowPipelines | null
  ) => {
    const contents = app.serviceManager.contents;
    app.docRegistry.addFileType({
      name: FILE_TYPE,
      displayName: 'Kubeflow pipeline',
      extensions: [PIPELINE_FILE_EXTENSION],
      mimeTypes: ['application/json'],
      contentType: 'file',
      fileFormat: 'text',
      icon: pipelineIcon
    });

    const actions: IPipelineActions = {
      validate: (spec, path) => validateDocument(contents, spec, path),
      compileYaml: (spec, path) => compileToYaml(contents, spec, path),
      runLocally: async (spec, path) => {
        await app.commands.execute(PipelineCommandIDs.runPipeline, {
          path,
          spec: spec as never
        });
      },
      submitToKubeflow: async (spec, path) => {
        await app.commands.execute(KfpCommandIDs.submit, { path, spec: spec as never });
      },
      kfp: kfp?.connection,
      openFile: path => void app.commands.execute('docmanager:open', { path })
    };
    const factory = new PipelineEditorFactory(
      {
        name: FACTORY,
        label: 'Pipeline Editor',
        fileTypes: [FILE_TYPE],
        defaultFor: [FILE_TYPE],
        modelName: 'text',
        translator: undefined
      },
      actions
    );
    app.docRegistry.addWidgetFactory(factory);
    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = pipelineIcon;
    });

    app.commands.addCommand(PipelineCommandIDs.newPipeline, {
      label: 'New Pipeline',
      caption: 'A Kubeflow pipeline of notebooks, scripts, functions and containers',
      icon: args => (args.isPalette ? undefined : pipelineIcon),
      execute: async args => {
        const folder = (args.cwd as string | undefined) ?? browser?.model.path ?? '';
        try {
          const path = await freeName(app, folder);
          await contents.save(path, {
            type: 'file',
            format: 'text',
            content: serializeDocument(
              emptyPipeline(PathExt.basename(path, PIPELINE_FILE_EXTENSION))
            )
          });
          return app.commands.execute('docmanager:open', { path, factory: FACTORY });
        } catch (e) {
          await showErrorMessage('New pipeline', (e as Error).message);
        }
      }
    });
    launcher?.add({ command: PipelineCommandIDs.newPipeline, category: 'Kubeflow', rank: 1 });
    palette?.addItem({ command: PipelineCommandIDs.newPipeline, category: 'Kubeflow' });
  }
};

export default [pipelinesPlugin];
