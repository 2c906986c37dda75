/**
 * One resource's detail view (a job, a study, a run): the item followed live through the shared list model of
 * its namespace, with one fetch so the view has something before the stream's first snapshot, and the last
 * state seen kept after the item is deleted (a view never goes backwards).
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ILiveResource } from '../../contract/live';
import { LiveListModel, LiveModelPool } from './model';

// The filter type does not matter to a single item.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyList<T extends ILiveResource> = LiveListModel<T, any>;

export class LiveItemModel<T extends ILiveResource, L extends AnyList<T> = AnyList<T>> {
  private readonly list: L;
  private _fetched: T | undefined;
  private _lastKnown: T | undefined;
  private _error = '';
  private _lastSeen: { item: T | undefined; live: boolean; gone: boolean } = {
    item: undefined,
    live: false,
    gone: false
  };
  private readonly _changed = new Signal<this, void>(this);
  private readonly _versionChanged = new Signal<this, void>(this);

  constructor(
    private readonly pool: LiveModelPool<L>,
    fetch: () => Promise<T>,
    readonly namespace: string,
    readonly name: string
  ) {
    this.list = pool.acquire(namespace);
    this.list.changed.connect(this.onListChanged, this);
    void this.fetchOnce(fetch);
  }

  /** Any change worth a re-render. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The item itself changed (its `version`): a cue to refresh what is fetched beside it (events). */
  get versionChanged(): ISignal<this, void> {
    return this._versionChanged;
  }

  /** The live item; else the last one seen (deleted since), or the one fetched at open. */
  get item(): T | undefined {
    return this.list.get(this.name) ?? this._lastKnown ?? this._fetched;
  }
  /** True when the live list no longer has the item (deleted here or elsewhere). */
  get gone(): boolean {
    return this.list.hasSnapshot && !this.list.get(this.name);
  }
  get error(): string {
    return this._error;
  }
  get live(): boolean {
    return this.list.liveState === 'live';
  }

  dispose(): void {
    this.list.changed.disconnect(this.onListChanged, this);
    this.pool.release(this.list);
    Signal.clearData(this);
  }

  /** For subclasses that hold more state than the item (events, logs). */
  protected emitChanged(): void {
    this._changed.emit();
  }

  private async fetchOnce(fetch: () => Promise<T>): Promise<void> {
    try {
      this._fetched = await fetch();
    } catch (e) {
      this._error = (e as Error).message;
    }
    this._changed.emit();
  }

  private onListChanged(): void {
    // The namespace's list changes for every item in it; re-render only when this one (or liveness) did.
    this._lastKnown = this.list.get(this.name) ?? this._lastKnown;
    const seen = { item: this.item, live: this.live, gone: this.gone };
    const last = this._lastSeen;
    if (seen.item === last.item && seen.live === last.live && seen.gone === last.gone) {
      return;
    }
    if (seen.item?.version !== last.item?.version || seen.item !== last.item) {
      this._lastSeen = seen;
      this._versionChanged.emit();
    }
    this._lastSeen = seen;
    this._changed.emit();
  }
}
