/**
 * The "Kubeflow" left sidebar and the services every feature plugin shares (proxy client, cluster model).
 * Feature plugins add their sections through `IKubeflowWorkbench.addSection`.
 */
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { SidePanel } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import React from 'react';
import { ProxyClient } from '../api/client';
import { kubeflowIcon } from '../icons';
import { CommandIDs, IKubeflowWorkbench, SIDEBAR_ID } from '../tokens';
import { ClusterSection } from './ClusterSection';
import { ClusterModel } from './model';

const PLUGIN_ID = 'kubeflow-workbench:plugin';

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
  widget.id = 'kubeflow-workbench:cluster';
  widget.title.label = 'Cluster';
  widget.addClass('kf-section');
  return widget;
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
    panel.title.caption = 'Kubeflow';
    panel.addClass('kf-sidebar');
    panel.addWidget(clusterSection(cluster));
    shell.add(panel, 'left', { rank: 450 });

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
      cluster.preferNamespace((loaded?.get('defaultNamespace').composite as string | undefined) ?? '');
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
      }
    };
  }
};
