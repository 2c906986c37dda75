/**
 * The live list of one kind (jobs, studies, runs) in one namespace over server-sent events. EventSource reconnects by itself after a dropped
 * connection; we add backoff for the case where it gives up (HTTP error), and announce each new snapshot.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ILiveResource, RESOURCE_EVENT_TYPES, ResourceEvent } from '../../contract/live';

export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed';

const MAX_BACKOFF_MS = 30000;

/** What the stream needs of EventSource; tests pass a fake. */
export interface IEventSourceLike {
  readyState: number;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
  addEventListener(type: string, listener: (e: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => IEventSourceLike;

export class ResourceStream<T extends ILiveResource> {
  private _source: IEventSourceLike | undefined;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _attempt = 0;
  private _state: StreamState = 'connecting';
  private readonly _event = new Signal<this, ResourceEvent<T>>(this);
  private readonly _stateChanged = new Signal<this, StreamState>(this);

  constructor(
    readonly url: string,
    private readonly factory: EventSourceFactory = u =>
      new EventSource(u, { withCredentials: true })
  ) {}

  get event(): ISignal<this, ResourceEvent<T>> {
    return this._event;
  }
  get stateChanged(): ISignal<this, StreamState> {
    return this._stateChanged;
  }
  get state(): StreamState {
    return this._state;
  }

  start(): void {
    if (this._state === 'closed' || this._source) {
      return;
    }
    const source = this.factory(this.url);
    this._source = source;
    source.onopen = () => {
      this._attempt = 0;
      this.setState('open');
    };
    source.onerror = () => {
      // CLOSED (2) means EventSource gave up (e.g. a 4xx/5xx answer): retry ourselves, with backoff.
      if (source.readyState === 2) {
        this.retryLater();
      } else {
        this.setState('retrying');
      }
    };
    for (const type of RESOURCE_EVENT_TYPES) {
      source.addEventListener(type, e => this.receive(e.data));
    }
  }

  dispose(): void {
    this.setState('closed');
    clearTimeout(this._timer);
    this._source?.close();
    this._source = undefined;
    Signal.clearData(this);
  }

  private receive(data: string): void {
    try {
      this._event.emit(JSON.parse(data) as ResourceEvent<T>);
    } catch {
      // A malformed message is dropped; the next snapshot repairs the state.
    }
  }

  private retryLater(): void {
    this._source?.close();
    this._source = undefined;
    if (this._state === 'closed') {
      return;
    }
    this.setState('retrying');
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this._attempt++);
    this._timer = setTimeout(() => this.start(), delay);
  }

  private setState(state: StreamState): void {
    if (this._state !== state && this._state !== 'closed') {
      this._state = state;
      this._stateChanged.emit(state);
    }
  }
}
