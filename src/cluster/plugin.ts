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
import { IWorkbenchSettings, WorkbenchSettings } from './settings';
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

/** The least a list section gets (its button, filters and a row), so a long cluster message or a short window
 * cannot squeeze the lists away; above that, the cluster section's content comes first. */
const MIN_LIST_HEIGHT = 120;

/** The height a section's content takes, with the section's own padding. */
function neededHeight(node: HTMLElement): number {
  const content = node.firstElementChild as HTMLElement | null;
  if (!content) {
    return 0;
  }
  const style = getComputedStyle(node);
  const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  return Math.ceil(content.getBoundingClientRect().height + padding) + 2;
}

/** A list section whose list has loaded and holds nothing (`data-empty`, set by LiveList). */
const isEmptyList = (w: Widget) =>
  w.node.querySelector('.kf-live-list')?.getAttribute('data-empty') === 'true';

/**
 * The height an empty list section's content takes: down to the bottom of the list's last child (its
 * empty-state line), not the list box, which stretches to whatever the section is given.
 */
function neededEmptyHeight(node: HTMLElement): number {
  const last = node.querySelector('.kf-live-list')?.lastElementChild;
  if (!last) {
    return neededHeight(node);
  }
  const style = getComputedStyle(node);
  const bottom =
    last.getBoundingClientRect().bottom - node.getBoundingClientRect().top + node.scrollTop;
  return Math.ceil(bottom + parseFloat(style.paddingBottom)) + 2;
}

/**
 * The cluster section gets the height its content needs (the namespace picker is never hidden under the next
 * header); the list sections share the rest. An empty list gets what its content needs (its filters and its
 * "No … in <namespace>" line, never clipped), the lists with rows the rest; when every list is empty they also
 * share what is left. On a window too short for that, an empty list gets no more than the least a list gets.
 */
function fitSections(panel: SidePanel): void {
  const content = panel.content as AccordionPanel;
  const lists = panel.widgets.filter(w => w.id !== CLUSTER_SECTION_ID);
  for (const widget of panel.widgets) {
    AccordionPanel.setStretch(widget, widget.id === CLUSTER_SECTION_ID ? 0 : 1);
  }
  const cluster = panel.widgets.find(w => w.id === CLUSTER_SECTION_ID);
  const titles = content.titles.reduce((sum, title) => sum + title.offsetHeight, 0);
  const available = content.node.clientHeight - titles;
  const needed = cluster ? neededHeight(cluster.node) : 0;
  if (available <= 0 || needed <= 0) {
    return;
  }
  const forCluster = Math.max(0, Math.min(needed, available - lists.length * MIN_LIST_HEIGHT));
  const forLists = available - forCluster;
  const empties = new Map(
    lists.filter(isEmptyList).map(w => [w, neededEmptyHeight(w.node)] as const)
  );
  const full = lists.length - empties.size;
  const forEmpties = [...empties.values()].reduce((sum, h) => sum + h, 0);
  const room = forLists - forEmpties - full * MIN_LIST_HEIGHT;
  let sizeOf: (w: Widget) => number;
  if (empties.size && room >= 0) {
    const extraForEmpty = full ? 0 : room / empties.size;
    const forFull = full ? (forLists - forEmpties) / full : 0;
    sizeOf = w => (empties.has(w) ? empties.get(w)! + extraForEmpty : forFull);
  } else {
    const equal = forLists / Math.max(1, lists.length);
    const forEmpty = full > 0 ? Math.min(MIN_LIST_HEIGHT, equal) : equal;
    const forFull = full > 0 ? (forLists - empties.size * forEmpty) / full : equal;
    sizeOf = w => (empties.has(w) ? forEmpty : forFull);
  }
  content.setRelativeSizes(
    panel.widgets.map(w => (w.id === CLUSTER_SECTION_ID ? forCluster : sizeOf(w)))
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
    // The cluster section's content grows and shrinks with its state (a message, an error): refit then too.
    cluster.stateChanged.connect(() => requestAnimationFrame(() => fitSections(panel)));
    // A list that becomes empty (or gets its first row) changes how the height is shared.
    new MutationObserver(() => requestAnimationFrame(() => fitSections(panel))).observe(
      panel.node,
      {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-empty']
      }
    );
    MessageLoop.installMessageHook(panel, (_, msg) => {
      if (msg.type === 'after-show' || msg.type === 'resize') {
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

    // Settings apply live: the namespace chosen wins over the backend's default, the backend chosen in the
    // Settings Editor switches the proxy (over KFWB_BACKEND), the picker shows system namespaces on request.
    const workbenchSettings = new WorkbenchSettings();
    let defaultNamespace: string | undefined;
    const apply = (values: IWorkbenchSettings) => {
      if (values.defaultNamespace !== defaultNamespace) {
        defaultNamespace = values.defaultNamespace;
        cluster.preferNamespace(defaultNamespace);
      }
      cluster.showSystemNamespaces(values.showSystemNamespaces);
    };
    const start = async () => {
      const loaded = await settings?.load(PLUGIN_ID).catch(() => undefined);
      if (loaded) {
        workbenchSettings.follow(loaded);
      }
      apply(workbenchSettings.values);
      await cluster.start();
      // "auto" (the default) leaves the proxy's own choice (KFWB_BACKEND) alone; local or kubernetes wins over
      // it; a change made while JupyterLab runs is applied at once.
      let backend = workbenchSettings.values.backend;
      if (backend !== 'auto') {
        await cluster.useBackend(backend);
      }
      workbenchSettings.changed.connect((_, values) => {
        apply(values);
        if (values.backend !== backend) {
          backend = values.backend;
          void cluster.useBackend(backend);
        }
      });
    };
    void start();

    return {
      client,
      cluster,
      settings: workbenchSettings,
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
