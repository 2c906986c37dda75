/**
 * The live job list of the current namespace: follows the namespace source (the cluster model), keeps one
 * watch stream open for it, applies its events with the pure reducer and emits `changed` only on real change.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IJob, JobStreamEvent } from '../../contract/training';
import { StreamState } from '../api/job-stream';
import { applyJobEvent, IJobFilter, JobMap, NO_FILTER, visibleJobs } from './reducer';

/** What the model needs of a `JobStream` (tests pass a fake). */
export interface IJobStreamLike {
  readonly state: StreamState;
  readonly event: ISignal<unknown, JobStreamEvent>;
  readonly stateChanged: ISignal<unknown, StreamState>;
  start(): void;
  dispose(): void;
}

/** What the model needs of `ProxyClient`. */
export interface IWatchClient {
  watchJobs(namespace: string): IJobStreamLike;
}

/** `ClusterModel` or a fixed namespace (`namespaceChanged` absent). */
export interface INamespaceSource {
  readonly namespace: string;
  readonly namespaceChanged?: ISignal<unknown, string>;
}

/** `live` once the stream is open; `reconnecting` after a drop (the list shown is the last one received). */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting';

const LIVE_STATE: Record<StreamState, LiveState> = {
  connecting: 'connecting',
  open: 'live',
  retrying: 'reconnecting',
  closed: 'idle'
};

export class JobsModel {
  private _jobs: JobMap = new Map();
  private _filter: IJobFilter = NO_FILTER;
  private _visible: IJob[] | null = null;
  private _stream: IJobStreamLike | null = null;
  private _namespace = '';
  private _liveState: LiveState = 'idle';
  private _hasSnapshot = false;
  private _disposed = false;
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly client: IWatchClient,
    private readonly source: INamespaceSource
  ) {
    source.namespaceChanged?.connect(this.onNamespaceChanged, this);
    this.subscribe(source.namespace);
  }

  /** Emitted after the jobs, the filter, the namespace or the live state changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get namespace(): string {
    return this._namespace;
  }
  get jobs(): JobMap {
    return this._jobs;
  }
  get filter(): IJobFilter {
    return this._filter;
  }
  get liveState(): LiveState {
    return this._liveState;
  }
  /** True once the first snapshot of the current namespace arrived (before that "no jobs" would be a lie). */
  get hasSnapshot(): boolean {
    return this._hasSnapshot;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The filtered list, newest first; computed once per change. */
  get visible(): IJob[] {
    if (!this._visible) {
      this._visible = visibleJobs(this._jobs, this._filter);
    }
    return this._visible;
  }

  get(name: string): IJob | undefined {
    return this._jobs.get(`${this._namespace}/${name}`);
  }

  setFilter(change: Partial<IJobFilter>): void {
    const next = { ...this._filter, ...change };
    if (
      Object.keys(next).every(
        k => next[k as keyof IJobFilter] === this._filter[k as keyof IJobFilter]
      )
    ) {
      return;
    }
    this._filter = next;
    this._visible = null;
    this._changed.emit();
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
    this._jobs = new Map();
    this._visible = null;
    this._hasSnapshot = false;
    if (!namespace) {
      this._liveState = 'idle';
      this._changed.emit();
      return;
    }
    const stream = this.client.watchJobs(namespace);
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

  private onEvent(_: unknown, event: JobStreamEvent): void {
    const next = applyJobEvent(this._jobs, event);
    const firstSnapshot = event.type === 'snapshot' && !this._hasSnapshot;
    this._hasSnapshot ||= event.type === 'snapshot';
    // A snapshot also proves the stream is up, even if `onopen` has not been seen (some proxies delay it).
    const liveChanged = event.type === 'snapshot' && this._liveState !== 'live';
    if (liveChanged) {
      this._liveState = 'live';
    }
    if (next !== this._jobs) {
      this._jobs = next;
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
 * One `JobsModel` per namespace shared by the job views and output cards, so ten cards of one notebook open
 * one stream, not ten. Reference-counted: the stream closes when the last user releases it.
 */
export class JobsModelPool {
  private readonly entries = new Map<string, { model: JobsModel; users: number }>();

  constructor(private readonly client: IWatchClient) {}

  acquire(namespace: string): JobsModel {
    let entry = this.entries.get(namespace);
    if (!entry) {
      entry = { model: new JobsModel(this.client, { namespace }), users: 0 };
      this.entries.set(namespace, entry);
    }
    entry.users++;
    return entry.model;
  }

  release(model: JobsModel): void {
    const entry = this.entries.get(model.namespace);
    if (entry?.model === model && --entry.users <= 0) {
      this.entries.delete(model.namespace);
      model.dispose();
    }
  }
}
