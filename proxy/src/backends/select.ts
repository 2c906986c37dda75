/**
 * Backend selection: `auto` uses a reachable cluster and otherwise the local backend, saying why.
 * The holder lets "retry connection" swap the backend without restarting the proxy.
 */
import { BackendSelection, IBackendInfo } from '../../../contract/info';
import { BackendError, IBackend } from './types';

export interface ISelectOptions {
  selection: BackendSelection;
  stateDir: string;
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  impersonateUser?: string;
  /** The Jupyter root: working directory of locally run pipeline steps. */
  rootDir?: string;
}

export interface IBackendFactories {
  kubernetes(opts: ISelectOptions): Promise<IBackend>;
  local(opts: ISelectOptions): Promise<IBackend>;
}

/** When the chosen backend cannot be had, the info the UI shows instead of a working one. */
function unreachableInfo(opts: ISelectOptions, message: string): IBackendInfo {
  return {
    kind: 'kubernetes',
    selected: opts.selection,
    state: 'unreachable',
    message,
    namespace: opts.namespace ?? 'default'
  };
}

export class BackendHolder {
  private _backend: IBackend | undefined;
  private _note: string | undefined;
  private _failure: IBackendInfo | undefined;
  /** Told before a new selection replaces the backend: live streams of the old one must end. */
  private readonly _switching = new Set<() => void>();

  constructor(
    private readonly opts: ISelectOptions,
    private readonly factories: IBackendFactories
  ) {}

  /** The active backend; throws `unreachable` when `kubernetes` was forced and the cluster is down. */
  get current(): IBackend {
    if (!this._backend) {
      throw new BackendError('unreachable', this._failure?.message ?? 'No backend is connected.');
    }
    return this._backend;
  }

  info(): IBackendInfo {
    if (!this._backend) {
      return this._failure ?? unreachableInfo(this.opts, 'Not connected yet.');
    }
    const info = { ...this._backend.info(), selected: this.opts.selection };
    return this._note && !info.message ? { ...info, message: this._note } : info;
  }

  /** Calls `listener` whenever the backend is about to be replaced; returns how to stop listening. */
  onSwitch(listener: () => void): () => void {
    this._switching.add(listener);
    return () => this._switching.delete(listener);
  }

  kubernetesVersion(): string | undefined {
    return this._backend?.kubernetesVersion;
  }

  /** Picks the backend again; with `selection`, switches what is asked for first (the Backend setting). */
  async select(wanted?: BackendSelection): Promise<IBackendInfo> {
    if (wanted) {
      this.opts.selection = wanted;
    }
    const previous = this._backend;
    for (const listener of [...this._switching]) {
      listener();
    }
    this._backend = undefined;
    this._note = undefined;
    this._failure = undefined;
    await previous?.close();
    const { selection } = this.opts;
    if (selection === 'local') {
      this._backend = await this.factories.local(this.opts);
      return this.info();
    }
    try {
      this._backend = await this.factories.kubernetes(this.opts);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (selection === 'kubernetes') {
        this._failure = unreachableInfo(this.opts, reason);
        return this.info();
      }
      this._backend = await this.factories.local(this.opts);
      this._note = `No cluster reachable, running jobs on this machine. (${reason})`;
    }
    return this.info();
  }

  async close(): Promise<void> {
    await this._backend?.close();
    this._backend = undefined;
  }
}
