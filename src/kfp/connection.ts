/**
 * How the proxy reaches Kubeflow Pipelines, for the sidebar badge, the "Submit to Kubeflow" buttons and the
 * run view's note. Applies the `kfpEndpoint` setting (POST /api/v1/kfp), looks again while not connected
 * (with backoff) and whenever the cluster backend changes. Emits `changed` only on real change.
 */
import { JSONExt } from '@lumino/coreutils';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { IKfpConnection } from '../../contract/kfp';
import { submitDisabledReason } from './selectors';

/** What the model needs of `ProxyClient`. */
export interface IKfpClient {
  kfp(): Promise<IKfpConnection>;
  setKfpEndpoint(endpoint: string | null): Promise<IKfpConnection>;
}

export type KfpView =
  | { status: 'loading' }
  | { status: 'ready'; connection: IKfpConnection }
  /** The proxy itself did not answer (or is older than the KFP routes). */
  | { status: 'error'; message: string };

export class KfpConnectionModel {
  private _view: KfpView = { status: 'loading' };
  private _endpoint: string | null = null;
  private _ticket = 0;
  private readonly _changed = new Signal<this, KfpView>(this);
  private readonly _poll: Poll;

  constructor(private readonly client: IKfpClient) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 15000, backoff: true, max: 300000 },
      standby: 'when-hidden',
      auto: false
    });
  }

  get view(): KfpView {
    return this._view;
  }
  get changed(): ISignal<this, KfpView> {
    return this._changed;
  }
  get connection(): IKfpConnection | undefined {
    return this._view.status === 'ready' ? this._view.connection : undefined;
  }
  get connected(): boolean {
    return this.connection?.state === 'connected';
  }
  /** Why submission is off, in plain words ('' when connected). */
  get disabledReason(): string {
    return submitDisabledReason(
      this.connection,
      this._view.status === 'error' ? this._view.message : ''
    );
  }
  /** Whether KFP runs' updates are polled (the run view says so). */
  get polled(): boolean {
    return this.connection?.updates === 'poll';
  }

  /**
   * Applies the `kfpEndpoint` setting: a URL is sent as the configured endpoint; empty clears it, so the
   * proxy finds KFP itself again. The first call with an empty setting only reads (nothing to clear).
   */
  async setEndpoint(endpoint: string): Promise<void> {
    const next = endpoint.trim() || null;
    const first = this._view.status === 'loading' && this._endpoint === null;
    this._endpoint = next;
    await this.load(() =>
      first && next === null ? this.client.kfp() : this.client.setKfpEndpoint(next)
    );
  }

  /** Reads the connection again (Retry, a backend switch). */
  async refresh(): Promise<void> {
    await this.load(() => this.client.kfp());
  }

  /** Asks the proxy to detect again with the current setting (the badge's Retry). */
  async redetect(): Promise<void> {
    this.setView({ status: 'loading' });
    await this.load(() => this.client.setKfpEndpoint(this._endpoint));
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async load(read: () => Promise<IKfpConnection>): Promise<void> {
    // A slower, older answer (the first read, then the setting applied) must not overwrite a newer one.
    const ticket = ++this._ticket;
    let view: KfpView;
    try {
      view = { status: 'ready', connection: await read() };
    } catch (e) {
      view = { status: 'error', message: (e as Error).message };
    }
    if (ticket !== this._ticket) {
      return;
    }
    this.setView(view);
    // Looked for again while not connected (KFP installed later, a token mounted); idle once connected.
    if (this.connected) {
      void this._poll.stop();
    } else if (this._poll.state.phase === 'constructed' || this._poll.state.phase === 'stopped') {
      void this._poll.start();
    }
  }

  private setView(view: KfpView): void {
    if (!JSONExt.deepEqual(view as never, this._view as never)) {
      this._view = view;
      this._changed.emit(view);
    }
  }
}
