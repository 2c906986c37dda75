/**
 * The live list of one kind (jobs, studies, runs) in the current namespace: follows the namespace source (the
 * cluster model), keeps one stream open for it, applies its events with the pure reducer and emits `changed`
 * only on real change. Each feature supplies how to open its stream and how its filter matches.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ILiveResource, ResourceEvent } from '../../contract/live';
import { StreamState } from '../api/resource-stream';
import { applyResourceEvent, newestFirst, ResourceMap, resourceKey } from './reducer';

/** What the model needs of a `ResourceStream` (tests pass a fake). */
export interface IResourceStreamLike<T extends ILiveResource> {
  readonly state: StreamState;
  readonly event: ISignal<unknown, ResourceEvent<T>>;
  readonly stateChanged: ISignal<unknown, StreamState>;
  start(): void;
  dispose(): void;
}

/** Opens the live stream of one namespace. */
export type OpenStream<T extends ILiveResource> = (namespace: string) => IResourceStreamLike<T>;

/** `ClusterModel` or a fixed namespace (`namespaceChanged` absent). */
export interface INamespaceSource {
  readonly namespace: string;
  readonly namespaceChanged?: ISignal<unknown, string>;
}

/** How a feature filters its list: the empty filter and whether an item passes a filter. */
export interface IFiltering<T, F extends object> {
  empty: F;
  keep(item: T, filter: F): boolean;
}

/** `live` once the stream is open; `reconnecting` after a drop (the list shown is the last one received). */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting';

const LIVE_STATE: Record<StreamState, LiveState> = {
  connecting: 'connecting',
  open: 'live',
  retrying: 'reconnecting',
  closed: 'idle'
};

export class LiveListModel<T extends ILiveResource, F extends object> {
  private _items: ResourceMap<T> = new Map();
  private _filter: F;
  private _visible: T[] | null = null;
  private _stream: IResourceStreamLike<T> | null = null;
  private _namespace = '';
  private _liveState: LiveState = 'idle';
  private _hasSnapshot = false;
  private _disposed = false;
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly open: OpenStream<T>,
    private readonly source: INamespaceSource,
    private readonly filtering: IFiltering<T, F>
  ) {
    this._filter = filtering.empty;
    source.namespaceChanged?.connect(this.onNamespaceChanged, this);
    this.subscribe(source.namespace);
  }

  /** Emitted after the items, the filter, the namespace or the live state changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get namespace(): string {
    return this._namespace;
  }
  get items(): ResourceMap<T> {
    return this._items;
  }
  get filter(): F {
    return this._filter;
  }
  get liveState(): LiveState {
    return this._liveState;
  }
  /** True once the first snapshot of the current namespace arrived (before that "none" would be a lie). */
  get hasSnapshot(): boolean {
    return this._hasSnapshot;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The filtered list, newest first; computed once per change. */
  get visible(): T[] {
    if (!this._visible) {
      this._visible = newestFirst(this._items, item => this.filtering.keep(item, this._filter));
    }
    return this._visible;
  }

  get(name: string): T | undefined {
    return this._items.get(resourceKey({ namespace: this._namespace, name }));
  }

  setFilter(change: Partial<F>): void {
    const next = { ...this._filter, ...change };
    if ((Object.keys(next) as (keyof F)[]).every(k => next[k] === this._filter[k])) {
      return;
    }
    this._filter = next;
    this._visible = null;
    this._changed.emit();
  }

  clearFilter(): void {
    this.setFilter(this.filtering.empty);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this.closeStream();
    this.source.namespaceChanged?.disconnect(this.onNamespaceChanged, this);
    Signal.clearData(this);
  }

  private onNamespaceChanged(_: unknown, namespace: string): void {
    if (namespace !== this._namespace) {
      this.subscribe(namespace);
    }
  }

  private subscribe(namespace: string): void {
    this.closeStream();
    this._namespace = namespace;
    this._items = new Map();
    this._visible = null;
    this._hasSnapshot = false;
    if (!namespace) {
      this._liveState = 'idle';
      this._changed.emit();
      return;
    }
    const stream = this.open(namespace);
    this._stream = stream;
    this._liveState = LIVE_STATE[stream.state];
    stream.event.connect(this.onEvent, this);
    stream.stateChanged.connect(this.onStreamState, this);
    stream.start();
    this._changed.emit();
  }

  private closeStream(): void {
    if (this._stream) {
      this._stream.event.disconnect(this.onEvent, this);
      this._stream.stateChanged.disconnect(this.onStreamState, this);
      this._stream.dispose();
      this._stream = null;
    }
  }

  private onEvent(_: unknown, event: ResourceEvent<T>): void {
    const next = applyResourceEvent(this._items, event);
    const firstSnapshot = event.type === 'snapshot' && !this._hasSnapshot;
    this._hasSnapshot ||= event.type === 'snapshot';
    // A snapshot also proves the stream is up, even if `onopen` has not been seen (some proxies delay it).
    const liveChanged = event.type === 'snapshot' && this._liveState !== 'live';
    if (liveChanged) {
      this._liveState = 'live';
    }
    if (next !== this._items) {
      this._items = next;
      this._visible = null;
      this._changed.emit();
    } else if (firstSnapshot || liveChanged) {
      this._changed.emit();
    }
  }

  private onStreamState(_: unknown, state: StreamState): void {
    const live = LIVE_STATE[state];
    if (live !== this._liveState) {
      this._liveState = live;
      this._changed.emit();
    }
  }
}

/**
 * One model per namespace shared by the views and output cards of a kind, so ten cards of one notebook open
 * one stream, not ten. Reference-counted: the stream closes when the last user releases it.
 */
export class LiveModelPool<M extends { readonly namespace: string; dispose(): void }> {
  private readonly entries = new Map<string, { model: M; users: number }>();

  constructor(private readonly create: (namespace: string) => M) {}

  acquire(namespace: string): M {
    let entry = this.entries.get(namespace);
    if (!entry) {
      entry = { model: this.create(namespace), users: 0 };
      this.entries.set(namespace, entry);
    }
    entry.users++;
    return entry.model;
  }

  release(model: M): void {
    const entry = this.entries.get(model.namespace);
    if (entry?.model === model && --entry.users <= 0) {
      this.entries.delete(model.namespace);
      model.dispose();
    }
  }
}
