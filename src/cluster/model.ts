/**
 * Which backend is active, how it is connected, and which namespace the user is working in. Emits only on
 * real change; retries with backoff while the proxy or the cluster is unreachable.
 */
import { JSONExt } from '@lumino/coreutils';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { BackendSelection, IInfo } from '../../contract/info';
import { ProxyClient } from '../api/client';
import { ProxyError } from '../api/errors';

export type ClusterState =
  | { status: 'loading' }
  | { status: 'ready'; info: IInfo; namespaces: string[] }
  | { status: 'error'; message: string };

export class ClusterModel {
  private _state: ClusterState = { status: 'loading' };
  private _namespace = '';
  private _showSystemNamespaces = false;
  private readonly _stateChanged = new Signal<this, ClusterState>(this);
  private readonly _namespaceChanged = new Signal<this, string>(this);
  /** Reconnects with backoff after a failure; idle (no requests) while things work: live data is pushed. */
  private readonly _reconnect: Poll;

  constructor(
    readonly client: ProxyClient,
    private preferredNamespace = ''
  ) {
    this._reconnect = new Poll({
      factory: () => this.load(),
      frequency: { interval: 2000, backoff: true, max: 60000 },
      standby: 'when-hidden',
      auto: false
    });
  }

  get state(): ClusterState {
    return this._state;
  }
  get namespace(): string {
    return this._namespace;
  }
  get stateChanged(): ISignal<this, ClusterState> {
    return this._stateChanged;
  }
  get namespaceChanged(): ISignal<this, string> {
    return this._namespaceChanged;
  }

  /** First load; on failure keeps retrying in the background until it succeeds. */
  async start(): Promise<void> {
    try {
      await this.load();
    } catch {
      void this._reconnect.start();
    }
  }

  /**
   * Asks the proxy to pick its backend again (e.g. after fixing a kubeconfig), then reloads; with `backend`,
   * switches what it picks (the Backend setting).
   */
  async retry(backend?: BackendSelection): Promise<void> {
    this.setState({ status: 'loading' });
    try {
      await this.client.retry(backend);
      await this.load();
    } catch {
      void this._reconnect.start();
    }
  }

  /** Applies the Backend setting: switches the proxy when it runs another selection. */
  async useBackend(backend: BackendSelection): Promise<void> {
    const current = this._state.status === 'ready' ? this._state.info.backend.selected : undefined;
    if (backend !== current) {
      await this.retry(backend);
    }
  }

  /** The namespace to pick at the next load when the backend offers it (from the settings). */
  preferNamespace(namespace: string): void {
    this.preferredNamespace = namespace;
    // Already loaded: switch now when the backend offers it (the setting takes effect at once); a namespace
    // the list does not have yet (made since it was loaded) is looked for in a fresh list.
    if (namespace && this._state.status === 'ready') {
      if (this._state.namespaces.includes(namespace)) {
        this.setNamespace(namespace);
      } else {
        void this.load().catch(() => undefined);
      }
    }
  }

  /** Whether the picker offers the cluster's own namespaces (kube-*); reloads the list when it changes. */
  showSystemNamespaces(show: boolean): void {
    if (show !== this._showSystemNamespaces) {
      this._showSystemNamespaces = show;
      if (this._state.status === 'ready') {
        void this.load().catch(() => undefined);
      }
    }
  }

  setNamespace(namespace: string): void {
    if (namespace && namespace !== this._namespace) {
      this._namespace = namespace;
      this.preferredNamespace = namespace;
      this._namespaceChanged.emit(namespace);
    }
  }

  dispose(): void {
    this._reconnect.dispose();
    Signal.clearData(this);
  }

  private async load(): Promise<void> {
    try {
      const info = await this.client.info();
      const names =
        info.backend.state === 'connected'
          ? (await this.client.namespaces()).items
              .filter(n => this._showSystemNamespaces || !n.system)
              .map(n => n.name)
          : [];
      const preferred = [this.preferredNamespace, this._namespace, info.backend.namespace].find(
        n => n && (names.length === 0 || names.includes(n))
      );
      const namespaces = preferred && !names.includes(preferred) ? [preferred, ...names] : names;
      this.setState({ status: 'ready', info, namespaces });
      this.setNamespace(preferred ?? namespaces[0] ?? 'default');
      if (info.backend.state !== 'connected') {
        throw new Error(info.backend.message ?? 'The cluster is not reachable.');
      }
      void this._reconnect.stop();
    } catch (e) {
      if (this._state.status !== 'ready' || this._state.info.backend.state === 'connected') {
        this.setState({ status: 'error', message: plainMessage(e) });
      }
      throw e;
    }
  }

  private setState(state: ClusterState): void {
    if (!JSONExt.deepEqual(state as never, this._state as never)) {
      this._state = state;
      this._stateChanged.emit(state);
    }
  }
}

function plainMessage(e: unknown): string {
  if (e instanceof ProxyError || e instanceof Error) {
    return e.message;
  }
  return String(e);
}
