/**
 * The "Kubeflow" left sidebar and the services every feature plugin shares (proxy client, cluster model).
 * Feature plugins add their sections through `IKubeflowWorkbench.addSection`.
 */
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { SidePanel } from '@jupyterlab/ui-components';
import { MessageLoop } from '@lumino/messaging';
import { AccordionPanel, Widget } from '@lumino/widgets';
import React from 'react';
import { ProxyClient } from '../api/client';
import { kubeflowIcon } from '../icons';
import { CommandIDs, IKubeflowWorkbench, SIDEBAR_ID } from '../tokens';
import { ClusterSection } from './ClusterSection';
import { ClusterModel } from './model';

const PLUGIN_ID = 'kubeflow-workbench:plugin';
const CLUSTER_SECTION_ID = 'kubeflow-workbench:cluster';

function clusterSection(model: ClusterModel): Widget {
  const widget = ReactWidget.create(
    React.createElement(UseSignal, {
      signal: model.stateChanged,
      children: () =>
        React.createElement(UseSignal, {
          signal: model.namespaceChanged,
          children: () =>
            React.createElement(ClusterSection, {
              state: model.state,
              namespace: model.namespace,
              onNamespace: (ns: string) => model.setNamespace(ns),
              onRetry: () => void model.retry()
            })
        })
    })
  );
  widget.id = CLUSTER_SECTION_ID;
  widget.title.label = 'Cluster';
  widget.addClass('kf-section');
  return widget;
}

/** The cluster section needs a few lines; the lists below it get the rest of the height. */
function fitSections(panel: SidePanel): void {
  for (const widget of panel.widgets) {
    AccordionPanel.setStretch(widget, widget.id === CLUSTER_SECTION_ID ? 0 : 1);
  }
  (panel.content as AccordionPanel).setRelativeSizes(
    panel.widgets.map(w => (w.id === CLUSTER_SECTION_ID ? 1 : 4))
  );
}

export const workbenchPlugin: JupyterFrontEndPlugin<IKubeflowWorkbench> = {
  id: PLUGIN_ID,
  description: 'The Kubeflow sidebar: active backend, context, namespace; shared proxy client.',
  autoStart: true,
  provides: IKubeflowWorkbench,
  requires: [ILabShell],
  optional: [ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    palette: ICommandPalette | null,
    settings: ISettingRegistry | null
  ): IKubeflowWorkbench => {
    const client = new ProxyClient(app.serviceManager.serverSettings);
    const cluster = new ClusterModel(client);

    const panel = new SidePanel();
    panel.id = SIDEBAR_ID;
    panel.title.icon = kubeflowIcon;
    panel.title.caption = 'Kubeflow: cluster, training jobs, studies, pipeline runs';
    panel.addClass('kf-sidebar');
    panel.addWidget(clusterSection(cluster));
    shell.add(panel, 'left', { rank: 450 });
    // Sizes set while the sidebar is hidden are lost; set them again the first time it is shown.
    MessageLoop.installMessageHook(panel, (_, msg) => {
      if (msg.type === 'after-show') {
        requestAnimationFrame(() => fitSections(panel));
      }
      return true;
    });

    const commands: [string, string, () => unknown][] = [
      [CommandIDs.openSidebar, 'Open the Kubeflow sidebar', () => shell.activateById(SIDEBAR_ID)],
      [CommandIDs.retryConnection, 'Retry the Kubeflow connection', () => cluster.retry()],
      [CommandIDs.refresh, 'Refresh Kubeflow cluster information', () => cluster.start()]
    ];
    for (const [id, label, execute] of commands) {
      app.commands.addCommand(id, { label, execute });
      palette?.addItem({ command: id, category: 'Kubeflow' });
    }

    // The namespace chosen in the Settings Editor wins over the backend's default, once known.
    const start = async () => {
      const loaded = await settings?.load(PLUGIN_ID).catch(() => undefined);
      cluster.preferNamespace(
        (loaded?.get('defaultNamespace').composite as string | undefined) ?? ''
      );
      const showSystem = () =>
        cluster.showSystemNamespaces(loaded?.get('showSystemNamespaces').composite === true);
      showSystem();
      loaded?.changed.connect(showSystem);
      await cluster.start();
    };
    void start();

    return {
      client,
      cluster,
      addSection: (widget: Widget, rank: number) => {
        widget.addClass('kf-section');
        const sections = panel.widgets;
        const at = sections.findIndex(w => Number(w.dataset.kfRank ?? 0) > rank);
        widget.dataset.kfRank = String(rank);
        if (at < 0) {
          panel.addWidget(widget);
        } else {
          panel.insertWidget(at, widget);
        }
        fitSections(panel);
      }
    };
  }
};
