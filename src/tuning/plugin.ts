/**
 * The tuning plugin: the "Studies" sidebar section, the study launcher form, study views, the `%%kf tune`
 * output widget, the launcher tile and the palette commands.
 */
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStudy, IStudySpec } from '../../contract/study';
import { ITrainingJobSpec } from '../../contract/training';
import { studyIcon } from '../icons';
import { confirmAction, LiveViews, reportingErrors } from '../live/views';
import { CommandIDs, IKubeflowWorkbench } from '../tokens';
import { CurrentFileTracker } from '../training/current-file';
import { bestTrainingSpec, checkBudget, IBudgetText } from './actions';
import { BudgetDialogBody } from './BudgetDialog';
import { TuningCommandIDs } from './commands';
import { StudyFormModel } from './form-model';
import { STUDY_RANK, studyRendererFactory } from './mime';
import { StudiesModel, StudiesModelPool, StudyViewModel } from './model';
import { StudyFormWidget, StudyListSection, StudyViewWidget, studyViewId } from './widgets';

interface IStudyArgs {
  namespace?: string;
  name?: string;
  /** New study: prefill the trial from this training job spec. */
  trial?: ITrainingJobSpec;
}

export const tuningPlugin: JupyterFrontEndPlugin<void> = {
  id: 'kubeflow-workbench:tuning',
  description:
    'Hyperparameter tuning: studies sidebar, launcher form, study views and the study output widget.',
  autoStart: true,
  requires: [IKubeflowWorkbench, IRenderMimeRegistry],
  optional: [ICommandPalette, ILauncher, INotebookTracker, ILabShell],
  activate: (
    app: JupyterFrontEnd,
    workbench: IKubeflowWorkbench,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    notebooks: INotebookTracker | null,
    labShell: ILabShell | null
  ) => {
    const { client, cluster, settings } = workbench;
    const pool = new StudiesModelPool(client);
    const currentFile = new CurrentFileTracker(labShell, notebooks);
    const views = new LiveViews<StudyViewWidget>(app.shell, {
      kind: 'Study',
      viewId: studyViewId,
      icon: studyIcon
    });
    // "Log lines to show" applies to open study views at once, and to those opened later.
    settings.changed.connect((_, values) => {
      for (const view of views.open) {
        view.content.model.logs.setTail(values.logTailLines);
      }
    });
    const backend = () =>
      cluster.state.status === 'ready' ? cluster.state.info.backend.kind : undefined;

    const openStudy = (namespace: string, name: string) =>
      views.show(
        namespace,
        name,
        () =>
          new StudyViewWidget(
            new StudyViewModel(client, pool, namespace, name, settings.values.logTailLines),
            {
              onStop: study => void stopStudy(study),
              onEditBudget: study => void editBudget(study),
              onDelete: study => void deleteStudy(study),
              onClone: study => study.spec && openForm({ initial: study.spec, namespace }),
              onTrainBest: study => void trainWithBest(study)
            },
            rendermime
          )
      );

    const openForm = (
      options: { initial?: IStudySpec; trial?: ITrainingJobSpec; namespace?: string } = {}
    ) => {
      currentFile.remember(app.shell.currentWidget);
      const model = new StudyFormModel({
        client,
        namespace: () => options.namespace ?? cluster.namespace,
        namespaceChanged: options.namespace ? undefined : cluster.namespaceChanged,
        initial: options.initial,
        initialTrial: options.trial,
        currentFile: currentFile.read,
        onCreated: created => {
          widget.dispose();
          openStudy(created.study.namespace, created.study.name);
          if (created.warnings.length) {
            void showDialog({
              title: 'Study created, with warnings',
              body: created.warnings.join('\n'),
              buttons: [Dialog.okButton()]
            });
          }
        }
      });
      const widget = new MainAreaWidget({ content: new StudyFormWidget(model, backend) });
      widget.title.label = options.initial ? 'Clone study' : 'New study';
      widget.title.icon = studyIcon;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    };

    const stopStudy = async (study: IStudy) => {
      const confirmed = await confirmAction(
        'Stop study',
        `Stop ${study.name}? No new trials start; running trials finish and keep their results.`,
        'Stop'
      );
      if (confirmed) {
        await reportingErrors('Stop study', () => client.stopStudy(study.namespace, study.name));
      }
    };

    const editBudget = async (study: IStudy) => {
      let text: IBudgetText | undefined;
      // Re-opened with the same text while it has problems (shown in the body), so nothing bad is sent.
      for (;;) {
        const body = new BudgetDialogBody(study, text);
        const answer = await showDialog({
          title: `Budget of ${study.name}`,
          body,
          buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Save' })],
          focusNodeSelector: 'input'
        });
        if (!answer.button.accept || !answer.value) {
          return;
        }
        text = answer.value;
        const checked = checkBudget(text, study);
        if ('budget' in checked) {
          if (Object.keys(checked.budget).length === 0) {
            return;
          }
          await reportingErrors('Edit budget', () =>
            client.editBudget(study.namespace, study.name, checked.budget)
          );
          return;
        }
      }
    };

    const deleteStudy = async (study: IStudy) => {
      const confirmed =
        !settings.values.confirmDelete ||
        (await confirmAction(
          'Delete study',
          `Delete ${study.name} in ${study.namespace}? Its running trials stop, and its trials and their logs are deleted.`,
          'Delete'
        ));
      if (confirmed) {
        await reportingErrors('Delete study', () =>
          client.deleteStudy(study.namespace, study.name)
        );
      }
    };

    const trainWithBest = async (study: IStudy) => {
      const spec = bestTrainingSpec(study);
      if (!spec) {
        await showErrorMessage('Train with best parameters', 'The study has no best trial yet.');
        return;
      }
      await app.commands.execute(CommandIDs.newTrainingJob, {
        spec: spec as never,
        namespace: study.namespace
      });
    };

    app.commands.addCommand(TuningCommandIDs.newStudy, {
      label: 'New Hyperparameter Study',
      caption:
        'Tune a training script: objective, search space, algorithm, early stopping and budget (Katib, or local)',
      icon: args => (args.isPalette ? undefined : studyIcon),
      execute: args => openForm({ trial: (args as IStudyArgs).trial })
    });
    app.commands.addCommand(TuningCommandIDs.openStudy, {
      label: args => `Open Study ${(args as IStudyArgs).name ?? ''}`.trim(),
      execute: args => {
        const { namespace, name } = args as IStudyArgs;
        if (namespace && name) {
          openStudy(namespace, name);
        }
      }
    });
    app.commands.addCommand(TuningCommandIDs.cloneStudy, {
      label: 'Clone Study',
      execute: async args => {
        const { namespace, name } = args as IStudyArgs;
        if (!namespace || !name) {
          return;
        }
        const study = await reportingErrors('Clone study', () => client.getStudy(namespace, name));
        if (study?.spec) {
          openForm({ initial: study.spec, namespace });
        }
      }
    });
    palette?.addItem({ command: TuningCommandIDs.newStudy, category: 'Kubeflow' });
    launcher?.add({ command: TuningCommandIDs.newStudy, category: 'Kubeflow', rank: 2 });

    const section = new StudyListSection(new StudiesModel(client, cluster), {
      onOpen: study => openStudy(study.namespace, study.name),
      onNew: () => openForm()
    });
    workbench.addSection(section, 30);

    rendermime.addFactory(
      studyRendererFactory({
        pool,
        rendermime,
        openStudy: (namespace, name) =>
          void app.commands.execute(TuningCommandIDs.openStudy, { namespace, name })
      }),
      STUDY_RANK
    );
  }
};

export default [tuningPlugin];
