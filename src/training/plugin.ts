/**
 * The training plugin: the "Training jobs" sidebar section, the launcher form, job views, the job output
 * renderer, and their commands.
 */
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { ILauncher } from '@jupyterlab/launcher';
import { kubeflowIcon } from '../icons';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IJob, ITrainingJobSpec } from '../../contract/training';
import { CommandIDs, IKubeflowWorkbench } from '../tokens';
import { CurrentFileTracker } from './current-file';
import { FAILURE_TAIL_LINES } from './explain';
import { JobFormModel } from './form-model';
import { rerunName } from './form-values';
import { jobRendererFactory, JOB_RANK } from './mime';
import { JobsModel, JobsModelPool } from './model';
import { JobViewModel } from './view-model';
import { JobFormWidget, JobListSection, JobViewWidget, jobViewId } from './widgets';

export const CLONE_JOB = 'kubeflow:clone-job';

interface IJobArgs {
  namespace?: string;
  name?: string;
}

export const trainingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'kubeflow-workbench:training',
  description: 'Training jobs: sidebar list, launcher form, job views and the job output renderer.',
  autoStart: true,
  requires: [IKubeflowWorkbench, IRenderMimeRegistry],
  optional: [ICommandPalette, INotebookTracker, ILabShell, ILauncher, IEditorServices],
  activate: (
    app: JupyterFrontEnd,
    workbench: IKubeflowWorkbench,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    labShell: ILabShell | null,
    launcher: ILauncher | null,
    editors: IEditorServices | null
  ) => {
    const { client, cluster, settings } = workbench;
    const pool = new JobsModelPool(client);
    const currentFile = new CurrentFileTracker(labShell, notebooks);
    const views = new Map<string, MainAreaWidget<JobViewWidget>>();
    // "Log lines to show" applies to open job views at once, and to those opened later.
    settings.changed.connect((_, values) => {
      for (const view of views.values()) {
        view.content.model.logs.setTail(values.logTailLines);
      }
    });

    const openJob = (namespace: string, name: string) => {
      const id = jobViewId(namespace, name);
      const existing = views.get(id);
      if (existing && !existing.isDisposed) {
        app.shell.activateById(id);
        return existing;
      }
      const model = new JobViewModel(client, pool, namespace, name, settings.values.logTailLines);
      const content = new JobViewWidget(model, {
        onDelete: job => void deleteJob(job),
        onClone: job => openForm(job.spec, job.namespace),
        onRerun: job => void rerun(job)
      });
      const widget = new MainAreaWidget({ content });
      widget.id = id;
      widget.title.label = name;
      widget.title.caption = `Training job ${namespace}/${name}`;
      widget.disposed.connect(() => views.delete(id));
      views.set(id, widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(id);
      return widget;
    };

    /** `namespace` pins a clone to its source's namespace; a new job goes to the current one. */
    const openForm = (initial?: ITrainingJobSpec, namespace?: string) => {
      currentFile.remember(app.shell.currentWidget);
      const model = new JobFormModel({
        client,
        namespace: () => namespace ?? cluster.namespace,
        namespaceChanged: namespace ? undefined : cluster.namespaceChanged,
        initial,
        currentFile: currentFile.read,
        gracePeriodSeconds: () => settings.values.terminationGracePeriodSeconds,
        editorFactory: editors?.factoryService.newInlineEditor,
        onCreated: job => {
          widget.dispose();
          openJob(job.namespace, job.name);
        }
      });
      const widget = new MainAreaWidget({ content: new JobFormWidget(model) });
      widget.title.label = initial ? 'Clone training job' : 'New training job';
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    };

    const deleteJob = async (job: IJob) => {
      if (settings.values.confirmDelete) {
        const answer = await showDialog({
          title: 'Delete training job',
          body: `Delete ${job.name} in ${job.namespace}? Its replicas stop and their logs may be lost.`,
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
        });
        if (!answer.button.accept) {
          return;
        }
      }
      try {
        await client.deleteJob(job.namespace, job.name);
      } catch (e) {
        await showErrorMessage('Delete training job', (e as Error).message);
      }
    };

    const rerun = async (job: IJob) => {
      if (!job.spec) {
        return;
      }
      try {
        const created = await client.createJob(job.namespace, {
          ...job.spec,
          name: rerunName(job.name)
        });
        openJob(created.namespace, created.name);
      } catch (e) {
        await showErrorMessage('Re-run training job', (e as Error).message);
      }
    };

    app.commands.addCommand(CommandIDs.newTrainingJob, {
      label: args =>
        (args as { isLauncher?: boolean }).isLauncher ? 'Training Job' : 'New Training Job',
      icon: args => ((args as { isLauncher?: boolean }).isLauncher ? kubeflowIcon : undefined),
      caption:
        'Launch a distributed training job (PyTorch, TensorFlow, MPI, XGBoost, Paddle, JAX, TrainJob)',
      // `spec` and `namespace` prefill the form (e.g. a study's "train with best parameters").
      execute: args => {
        const { spec, namespace } = args as { spec?: ITrainingJobSpec; namespace?: string };
        openForm(spec, namespace);
      }
    });
    app.commands.addCommand(CommandIDs.openJob, {
      label: args => `Open Training Job ${(args as IJobArgs).name ?? ''}`.trim(),
      execute: args => {
        const { namespace, name } = args as IJobArgs;
        if (namespace && name) {
          openJob(namespace, name);
        }
      }
    });
    app.commands.addCommand(CLONE_JOB, {
      label: 'Clone Training Job',
      execute: async args => {
        const { namespace, name } = args as IJobArgs;
        if (!namespace || !name) {
          return;
        }
        try {
          const job = await client.getJob(namespace, name);
          openForm(job.spec ?? { framework: job.framework, replicas: {} }, job.namespace);
        } catch (e) {
          await showErrorMessage('Clone training job', (e as Error).message);
        }
      }
    });
    palette?.addItem({ command: CommandIDs.newTrainingJob, category: 'Kubeflow' });
    launcher?.add({ command: CommandIDs.newTrainingJob, category: 'Kubeflow', rank: 0 });

    const section = new JobListSection(new JobsModel(client, cluster), {
      onOpen: job => openJob(job.namespace, job.name),
      onNew: () => openForm()
    });
    workbench.addSection(section, 20);

    rendermime.addFactory(
      jobRendererFactory({
        pool,
        readTail: (namespace, name, replica) =>
          client.jobLogs(namespace, name, { replica, tail: FAILURE_TAIL_LINES }),
        openJob: (namespace, name) =>
          void app.commands.execute(CommandIDs.openJob, { namespace, name })
      }),
      JOB_RANK
    );
  }
};

export default [trainingPlugin];
