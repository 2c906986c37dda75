/**
 * Kubeflow Pipelines in JupyterLab: the connection (applied from the `kfpEndpoint` setting, shown in the runs
 * section), "Submit to Kubeflow" (its dialog, for the editor, the IR graph and the palette), and "Open as
 * Pipeline Graph" for IR YAML files compiled by the kfp SDK.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ICreateRunRequest, IPipelineSpec } from '../../contract/pipeline';
import { ProxyError } from '../api/errors';
import { PipelineCommandIDs } from '../pipelines/plugin';
import { IKubeflowWorkbench } from '../tokens';
import { KfpConnectionModel } from './connection';
import { IIrFile, irName, irParameters } from './ir';
import { IrGraphWidget } from './ir-graph-widget';
import { DEFAULT_EXPERIMENT, experimentsOf, parameterValues } from './selectors';
import { initialValues, ISubmitError, SubmitDialogBody } from './SubmitDialog';
import { IKubeflowPipelines, isSubmittable, KfpCommandIDs } from './tokens';

/** What can be submitted: a document (compiled by the proxy) or an IR compiled by the kfp SDK. */
type SubmitSource = { spec: IPipelineSpec; path?: string } | (IIrFile & { spec?: undefined });

const IR_FILE = /\.ya?ml$/i;

export const kfpPlugin: JupyterFrontEndPlugin<IKubeflowPipelines> = {
  id: 'kubeflow-workbench:kfp',
  description:
    'Kubeflow Pipelines: the connection, Submit to Kubeflow, IR YAML as a pipeline graph.',
  autoStart: true,
  provides: IKubeflowPipelines,
  requires: [IKubeflowWorkbench],
  optional: [ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    workbench: IKubeflowWorkbench,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null
  ): IKubeflowPipelines => {
    const { client, cluster, settings } = workbench;
    const connection = new KfpConnectionModel(client);

    // The setting takes effect at once; a backend switch (another kubeconfig) may find another KFP.
    let applied: string | undefined;
    const apply = (endpoint: string) => {
      if (endpoint !== applied) {
        applied = endpoint;
        void connection.setEndpoint(endpoint);
      }
    };
    apply(settings.values.kfpEndpoint);
    settings.changed.connect((_, values) => apply(values.kfpEndpoint));
    cluster.stateChanged.connect((_, state) => {
      if (state.status === 'ready') {
        void connection.refresh();
      }
    });

    const submit = async (source: SubmitSource): Promise<string | undefined> => {
      if (!connection.connected) {
        await showErrorMessage('Submit to Kubeflow', connection.disabledReason);
        return;
      }
      const params = source.spec ? source.spec.parameters : irParameters(source.ir);
      const pipeline = source.spec ? source.spec.name : irName(source.ir);
      const namespace = cluster.namespace;
      // Cheap: one list the sidebar reads anyway; without it the experiment is free text.
      const experiments = await client.listRuns(namespace).then(
        r => experimentsOf(r.items),
        () => []
      );
      let values = initialValues(params);
      let error: ISubmitError | undefined;
      for (;;) {
        const result = await showDialog({
          title: 'Submit to Kubeflow Pipelines',
          body: new SubmitDialogBody({ pipeline, params, experiments, initial: values, error }),
          buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Submit' })],
          focusNodeSelector: '#kf-submit-name'
        });
        if (!result.button.accept || !result.value) {
          return;
        }
        values = result.value;
        const request: ICreateRunRequest = source.spec
          ? { spec: source.spec, path: source.path }
          : {
              ir: source.ir,
              ...(source.platformSpec ? { platformSpec: source.platformSpec } : {})
            };
        request.backend = 'kfp';
        request.experiment = values.experiment.trim() || DEFAULT_EXPERIMENT;
        const parameters = parameterValues(params, values.parameters);
        if (Object.keys(parameters).length) {
          request.parameters = parameters;
        }
        if (values.name.trim()) {
          request.name = values.name.trim();
        }
        try {
          const run = await client.createRun(namespace, request);
          await app.commands.execute(PipelineCommandIDs.openRun, {
            namespace: run.namespace,
            name: run.name
          });
          return run.name;
        } catch (e) {
          error = {
            message: (e as Error).message,
            fields: e instanceof ProxyError ? e.fields : []
          };
        }
      }
    };

    app.commands.addCommand(KfpCommandIDs.submit, {
      label: 'Submit Pipeline to Kubeflow',
      caption: 'Submit the open pipeline (or IR graph) to Kubeflow Pipelines',
      isEnabled: () => connection.connected,
      execute: async args => {
        const { spec, path, ir, platformSpec } = args as {
          spec?: IPipelineSpec;
          path?: string;
          ir?: Record<string, unknown>;
          platformSpec?: Record<string, unknown>;
        };
        if (spec) {
          return submit({ spec, path });
        }
        if (ir) {
          return submit({ ir, platformSpec });
        }
        const current = app.shell.currentWidget;
        if (isSubmittable(current)) {
          return current.submitToKubeflow();
        }
        await showErrorMessage(
          'Submit to Kubeflow',
          'Open a pipeline (.kfpipeline) or an IR YAML as a pipeline graph first.'
        );
      }
    });
    connection.changed.connect(() => app.commands.notifyCommandChanged(KfpCommandIDs.submit));

    const graphs = new Map<string, IrGraphWidget>();
    const openGraph = (path: string) => {
      const existing = graphs.get(path);
      if (existing && !existing.isDisposed) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const widget = new IrGraphWidget(app.serviceManager.contents, path, {
        kfp: connection,
        runLocally: async file => {
          try {
            await app.commands.execute(PipelineCommandIDs.runPipeline, {
              ir: file.ir,
              platformSpec: file.platformSpec
            } as never);
          } catch (e) {
            await showErrorMessage('Run pipeline', (e as Error).message);
          }
        },
        submit: async file => {
          await submit(file);
        }
      });
      widget.disposed.connect(() => graphs.delete(path));
      graphs.set(path, widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget;
    };
    /** The IR file to open: the one given, else the file browser's selection, else the current tab's file. */
    const irPath = (args: { path?: string }): string | undefined => {
      if (args.path) {
        return args.path;
      }
      const selected = browser ? [...browser.selectedItems()] : [];
      const file = selected.find(item => IR_FILE.test(item.path));
      if (file) {
        return file.path;
      }
      const current = app.shell.currentWidget;
      const path = (current as { context?: { path: string } } | null)?.context?.path;
      return path && IR_FILE.test(path) ? path : undefined;
    };
    app.commands.addCommand(KfpCommandIDs.openGraph, {
      label: 'Open as Pipeline Graph',
      caption: 'Show a KFP v2 IR YAML (compiled by the kfp SDK) as a read-only pipeline graph',
      execute: async args => {
        const path = irPath(args as { path?: string });
        if (!path) {
          await showErrorMessage(
            'Open as Pipeline Graph',
            'Select a .yaml or .yml file compiled by the kfp SDK in the file browser first.'
          );
          return;
        }
        return openGraph(path).id;
      }
    });
    app.contextMenu.addItem({
      command: KfpCommandIDs.openGraph,
      selector: '.jp-DirListing-item[data-file-type="yaml"]',
      rank: 3
    });
    app.commands.addCommand(KfpCommandIDs.lookAgain, {
      label: 'Look for Kubeflow Pipelines again',
      execute: () => connection.redetect()
    });
    for (const command of Object.values(KfpCommandIDs)) {
      palette?.addItem({ command, category: 'Kubeflow' });
    }

    return { connection };
  }
};

export default [kfpPlugin];
