/**
 * The analysis plugins: the renderer of slice documents in outputs, and "Open with slice browser" on CSV,
 * Parquet and Arrow files in the file browser (asks for the columns, calls the proxy, opens a main-area tab).
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, MainAreaWidget, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { MIME } from '../../contract/mime';
import { requestAnalysis } from '../api/analysis';
import { ProxyClient } from '../api/client';
import { IKubeflowWorkbench } from '../tokens';
import { AnalysisForm } from './dialog';
import { SlicesRenderer, slicesRendererFactory, SLICES_RANK } from './mime';

export const OPEN_SLICE_BROWSER = 'kubeflow:open-slice-browser';
const DATA_FILE = /\.(csv|parquet|pq|arrow|feather|ipc)$/i;

export const slicesRendererPlugin: JupyterFrontEndPlugin<void> = {
  id: 'kubeflow-workbench:slices-renderer',
  description: 'Renders sliced model metrics (application/vnd.kubeflow.slices+json).',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (_app: JupyterFrontEnd, rendermime: IRenderMimeRegistry) => {
    rendermime.addFactory(slicesRendererFactory(rendermime), SLICES_RANK);
  }
};

export const openSliceBrowserPlugin: JupyterFrontEndPlugin<void> = {
  id: 'kubeflow-workbench:open-slice-browser',
  description: 'Adds "Open with slice browser" to data files in the file browser.',
  autoStart: true,
  requires: [IFileBrowserFactory, IRenderMimeRegistry],
  optional: [IKubeflowWorkbench],
  activate: (
    app: JupyterFrontEnd,
    browsers: IFileBrowserFactory,
    rendermime: IRenderMimeRegistry,
    workbench: IKubeflowWorkbench | null
  ) => {
    // The workbench's shared client when its sidebar plugin is there; the same kind of client otherwise.
    const client = workbench?.client ?? new ProxyClient(app.serviceManager.serverSettings);
    const clickedName = () =>
      app
        .contextMenuHitTest(node => node.classList.contains('jp-DirListing-item'))
        ?.querySelector('.jp-DirListing-itemText')?.textContent ?? undefined;
    const selected = () => {
      const item = browsers.tracker.currentWidget?.selectedItems().next();
      return item && !item.done && item.value.type !== 'directory' ? item.value : undefined;
    };
    app.commands.addCommand(OPEN_SLICE_BROWSER, {
      label: 'Open with Slice Browser',
      caption: 'Sliced model metrics of this CSV, Parquet or Arrow file',
      // The right-clicked row decides (the selection may still hold another file while the menu opens).
      isVisible: () => DATA_FILE.test(clickedName() ?? selected()?.name ?? ''),
      execute: async args => {
        const path = (args.path as string | undefined) ?? selected()?.path;
        if (!path) {
          return;
        }
        const name = path.split('/').pop()!;
        const form = new AnalysisForm(name);
        const answer = await showDialog({
          title: 'Open with Slice Browser',
          body: form,
          buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Analyse' })]
        });
        const fields = answer.button.accept ? form.getValue() : null;
        if (!answer.button.accept) {
          return;
        }
        if (!fields) {
          return showErrorMessage('Slice browser', 'Give the label and prediction columns.');
        }
        try {
          const doc = await requestAnalysis(client, { source: { path }, ...fields });
          const renderer = new SlicesRenderer(rendermime);
          await renderer.renderModel(new MimeModel({ data: { [MIME.slices]: doc as never } }));
          const widget = new MainAreaWidget({ content: renderer });
          widget.title.label = `Slices: ${name}`;
          widget.addClass('kf-slices-main');
          app.shell.add(widget, 'main');
        } catch (error) {
          const e = error as Error & {
            fields?: { path: string; message: string }[];
          };
          const details = (e.fields ?? [])
            .map(f => `${f.path}: ${f.message}`)
            .filter(line => !line.endsWith(e.message));
          await showErrorMessage('Slice browser', [e.message, ...details].join('\n'));
        }
      }
    });
    app.contextMenu.addItem({
      command: OPEN_SLICE_BROWSER,
      selector: '.jp-DirListing-item[data-isdir="false"]',
      rank: 60
    });
  }
};

export default [slicesRendererPlugin, openSliceBrowserPlugin];
