/** What `GET /api/v1/info` answers: which backend is active and how it is connected. */
export type BackendKind = 'local' | 'kubernetes';
export type BackendSelection = 'auto' | BackendKind;
export type ConnectionState = 'connected' | 'unreachable' | 'error';

export interface IBackendInfo {
  kind: BackendKind;
  selected: BackendSelection;
  state: ConnectionState;
  /** Plain words for the user: why `auto` fell back to local, why the cluster is unreachable, … */
  message?: string;
  context?: string;
  server?: string;
  namespace: string;
}

export interface IInfo {
  backend: IBackendInfo;
  versions: { proxy: string; node: string; clientNode: string; kubernetes?: string };
}

export interface INamespaceList {
  /** Kubeflow profile namespaces first, then the others; system namespaces (kube-*) last and marked. */
  items: { name: string; profile?: boolean; system?: boolean }[];
  default: string;
}

export interface IContextList {
  items: { name: string; cluster: string; namespace?: string }[];
  current?: string;
}
