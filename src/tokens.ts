/** Tokens of the services the feature plugins share. */
import { Token } from '@lumino/coreutils';
import { ProxyClient } from './api/client';
import type { ClusterModel } from './cluster/model';
import type { WorkbenchSettings } from './cluster/settings';

export interface IKubeflowWorkbench {
  /** The typed client of the proxy: the only way to the cluster. */
  readonly client: ProxyClient;
  /** Active backend, connection state and current namespace. */
  readonly cluster: ClusterModel;
  /** The Settings Editor's values, followed live. */
  readonly settings: WorkbenchSettings;
  /** Adds a section (a widget with a title) to the Kubeflow sidebar, below the cluster section. */
  addSection(widget: import('@lumino/widgets').Widget, rank: number): void;
}

export const IKubeflowWorkbench = new Token<IKubeflowWorkbench>(
  'kubeflow-workbench:IKubeflowWorkbench',
  'The Kubeflow Workbench services: proxy client, cluster model and the sidebar to add sections to.'
);

/** Command ids, one place for the palette, menus and tests. */
export const CommandIDs = {
  openSidebar: 'kubeflow:open-sidebar',
  retryConnection: 'kubeflow:retry-connection',
  refresh: 'kubeflow:refresh',
  newTrainingJob: 'kubeflow:new-training-job',
  openJob: 'kubeflow:open-job'
} as const;

export const SIDEBAR_ID = 'kubeflow-workbench:sidebar';
