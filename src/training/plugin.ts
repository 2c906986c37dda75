/**
 * The training plugin: the "Training jobs" sidebar section, the launcher form, job views, the job output
 * renderer, and their commands.
 */
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { ILauncher } from '@jupyterlab/launcher';
import { trainingIcon } from '../icons';
import { confirmAction, LiveViews, reportingErrors } from '../live/views';
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
    const views = new LiveViews<JobViewWidget>(app.shell, {
      kind: 'Training job',
      viewId: jobViewId,
      icon: trainingIcon
    });
    // "Log lines to show" applies to open job views at once, and to those opened later.
    settings.changed.connect((_, values) => {
      for (const view of views.open) {
        view.content.model.logs.setTail(values.logTailLines);
      }
    });

    const openJob = (namespace: string, name: string) =>
      views.show(
        namespace,
        name,
        () =>
          new JobViewWidget(
            new JobViewModel(client, pool, namespace, name, settings.values.logTailLines),
            {
              onDelete: job => void deleteJob(job),
              onClone: job => openForm(job.spec, job.namespace),
              onRerun: job => void rerun(job)
            }
          )
      );

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
      widget.title.icon = trainingIcon;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    };

    const deleteJob = async (job: IJob) => {
      const confirmed =
        !settings.values.confirmDelete ||
        (await confirmAction(
          'Delete training job',
          `Delete ${job.name} in ${job.namespace}? Its replicas stop and their logs may be lost.`,
          'Delete'
        ));
      if (confirmed) {
        await reportingErrors('Delete training job', () =>
          client.deleteJob(job.namespace, job.name)
        );
      }
    };

    const rerun = async (job: IJob) => {
      const spec = job.spec;
      const created =
        spec &&
        (await reportingErrors('Re-run training job', () =>
          client.createJob(job.namespace, { ...spec, name: rerunName(job.name) })
        ));
      if (created) {
        openJob(created.namespace, created.name);
      }
    };

    app.commands.addCommand(CommandIDs.newTrainingJob, {
      label: 'New Training Job',
      icon: args => (args.isPalette ? undefined : trainingIcon),
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
        const job = await reportingErrors('Clone training job', () =>
          client.getJob(namespace, name)
        );
        if (job) {
          openForm(job.spec ?? { framework: job.framework, replicas: {} }, job.namespace);
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
