/**
 * The runs plugin: the "Pipeline runs" sidebar section, run views, the run output renderer (`%kf pipeline
 * run`), and the commands that start and open runs (the editor's "Run locally" goes through them).
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ICreateRunRequest, IPipelineSpec, IRun } from '../../contract/pipeline';
import { IKubeflowPipelines } from '../kfp/tokens';
import { confirmAction, LiveViews, reportingErrors } from '../live/views';
import { PipelineCommandIDs } from '../pipelines/plugin';
import { IKubeflowWorkbench } from '../tokens';
import { runRendererFactory, RUN_RANK } from './mime';
import { RunsModel, RunsModelPool } from './model';
import type { IRunActions } from './RunView';
import { RunViewModel } from './view-model';
import { RunListSection, RunViewWidget, runViewId } from './widgets';

interface IRunArgs {
  namespace?: string;
  name?: string;
}

export const runsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'kubeflow-workbench:runs',
  description: 'Pipeline runs: sidebar list, live run views, the run output renderer.',
  autoStart: true,
  requires: [IKubeflowWorkbench, IRenderMimeRegistry],
  optional: [IKubeflowPipelines],
  activate: (
    app: JupyterFrontEnd,
    workbench: IKubeflowWorkbench,
    rendermime: IRenderMimeRegistry,
    kfp: IKubeflowPipelines | null
  ) => {
    const { client, cluster } = workbench;
    const pool = new RunsModelPool(client);
    const views = new LiveViews<RunViewWidget>(app.shell, {
      kind: 'Pipeline run',
      viewId: runViewId
    });

    const actions: IRunActions = {
      onRerun: (run, request) => void rerun(run, request),
      onCancel: run =>
        void reportingErrors('Cancel run', () => client.cancelRun(run.namespace, run.name)),
      onDelete: run => void deleteRun(run),
      onOpenPath: path => void app.commands.execute('docmanager:open', { path }),
      onOpenNotebook: (run, task, text) => void openNotebook(run, task, text),
      downloadUrl: (run, task, artifact) =>
        client.stepOutputDownloadUrl(run.namespace, run.name, task, artifact),
      onRetry: run =>
        void reportingErrors('Retry run', () => client.retryRun(run.namespace, run.name)),
      onArchive: (run, archive) =>
        void reportingErrors(archive ? 'Archive run' : 'Unarchive run', () =>
          (archive ? client.archiveRun : client.unarchiveRun)(run.namespace, run.name)
        ),
      kfpPolled: () => !!kfp?.connection.polled
    };

    const openRun = (namespace: string, name: string) =>
      views.show(namespace, name, () => {
        const model = new RunViewModel(client, pool, namespace, name);
        const content = new RunViewWidget(model, actions);
        // A KFP run's name is its id: the tab shows the run's own name once it is known.
        model.changed.connect(() => {
          const run = model.run;
          if (run?.backend === 'kfp' && run.displayName) {
            content.title.label = run.displayName;
          }
        });
        return content;
      });

    const rerun = async (run: IRun, request: { fromTask?: string; onlyTask?: string }) => {
      const created = await reportingErrors('Re-run pipeline', () =>
        client.rerun(run.namespace, run.name, request)
      );
      if (created) {
        openRun(created.namespace, created.name);
      }
    };

    const deleteRun = async (run: IRun) => {
      const confirmed =
        !workbench.settings.values.confirmDelete ||
        (await confirmAction(
          'Delete pipeline run',
          run.backend === 'kfp'
            ? `Delete ${run.name} from Kubeflow Pipelines? KFP deletes the run and its record; this cannot be undone.`
            : `Delete ${run.name}? Its logs and outputs are deleted with it.`,
          'Delete'
        ));
      if (confirmed) {
        await reportingErrors('Delete pipeline run', () =>
          client.deleteRun(run.namespace, run.name)
        );
      }
    };

    /** The executed notebook is copied next to the pipeline (JupyterLab opens files of its root only). */
    const openNotebook = async (run: IRun, task: string, text: string) => {
      const folder = run.pipelinePath ? PathExt.dirname(run.pipelinePath) : '';
      const path = PathExt.join(folder, `${run.name}-${task}.executed.ipynb`);
      try {
        await app.serviceManager.contents.save(path, {
          type: 'notebook',
          format: 'json',
          content: JSON.parse(text)
        });
        await app.commands.execute('docmanager:open', { path });
      } catch (e) {
        await showErrorMessage('Open executed notebook', (e as Error).message);
      }
    };

    app.commands.addCommand(PipelineCommandIDs.runPipeline, {
      label: 'Run Pipeline Locally',
      execute: async args => {
        const { spec, path, ir, platformSpec } = args as {
          spec?: IPipelineSpec;
          path?: string;
          ir?: Record<string, unknown>;
          platformSpec?: Record<string, unknown>;
        };
        // A document (compiled by the proxy) or an IR compiled by the kfp SDK (the IR graph's Run locally).
        let request: ICreateRunRequest;
        if (spec) {
          request = { spec, path, backend: 'local' };
        } else if (ir) {
          request = { ir, ...(platformSpec ? { platformSpec } : {}), backend: 'local' };
        } else {
          return;
        }
        const run = await client.createRun(cluster.namespace, request);
        openRun(run.namespace, run.name);
        return run.name;
      }
    });
    app.commands.addCommand(PipelineCommandIDs.openRun, {
      label: args => `Open Pipeline Run ${(args as IRunArgs).name ?? ''}`.trim(),
      execute: args => {
        const { namespace, name } = args as IRunArgs;
        if (namespace && name) {
          openRun(namespace, name);
        }
      }
    });

    const section = new RunListSection(
      new RunsModel(client, cluster),
      {
        onOpen: run => openRun(run.namespace, run.name),
        onNew: () => void app.commands.execute(PipelineCommandIDs.newPipeline)
      },
      kfp?.connection
    );
    workbench.addSection(section, 40);

    rendermime.addFactory(
      runRendererFactory({
        pool,
        openRun: (namespace, name) =>
          void app.commands.execute(PipelineCommandIDs.openRun, { namespace, name })
      }),
      RUN_RANK
    );
  }
};

export default [runsPlugin];
