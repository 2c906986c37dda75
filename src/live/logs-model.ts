/**
 * Logs of one live resource (a job's replicas, a study's trials, a run's steps): which source, how many
 * lines, and whether to follow. Following is cancelled with an AbortController when the options change or the
 * view closes. Each feature supplies an `ILogSource` over its own routes.
 */
import { ISignal, Signal } from '@lumino/signaling';

/** `source` is a replica, trial or step name; '' means all of them merged (where the feature allows it). */
export interface ILogSource {
  read(source: string, tail: number): Promise<string>;
  follow(
    source: string,
    tail: number,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void>;
}

/** Keep at most this many characters while following, so a chatty job cannot exhaust the tab's memory. */
const MAX_CHARS = 5_000_000;

export class LogsModel {
  private _source = '';
  private _tail = 1000;
  private _follow = false;
  private _text = '';
  private _loading = false;
  private _error = '';
  private _abort: AbortController | null = null;
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly logSource: ILogSource,
    initialSource = '',
    tail = 1000
  ) {
    this._source = initialSource;
    this._tail = tail;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get source(): string {
    return this._source;
  }
  get tail(): number {
    return this._tail;
  }
  get follow(): boolean {
    return this._follow;
  }
  get text(): string {
    return this._text;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): string {
    return this._error;
  }

  setSource(source: string): void {
    this._source = source;
    void this.reload();
  }
  /** A new tail reloads only what is already shown (a closed Logs tab loads when first opened). */
  setTail(tail: number): void {
    if (tail === this._tail) {
      return;
    }
    this._tail = tail;
    if (this._text || this._loading || this._follow) {
      void this.reload();
    } else {
      this._changed.emit();
    }
  }
  setFollow(follow: boolean): void {
    this._follow = follow;
    void this.reload();
  }

  /** Fetches (or starts following) with the current options, replacing what is shown. */
  async reload(): Promise<void> {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._text = '';
    this._error = '';
    this._loading = true;
    this._changed.emit();
    try {
      if (this._follow) {
        await this.logSource.follow(
          this._source,
          this._tail,
          text => this.append(text, abort),
          abort.signal
        );
      } else {
        const text = await this.logSource.read(this._source, this._tail);
        if (!abort.signal.aborted) {
          this._text = text;
        }
      }
    } catch (e) {
      if (!abort.signal.aborted) {
        this._error = `Could not read the logs: ${(e as Error).message}`;
      }
    }
    if (!abort.signal.aborted) {
      this._loading = false;
      this._changed.emit();
    }
  }

  dispose(): void {
    this._abort?.abort();
    Signal.clearData(this);
  }

  private append(text: string, abort: AbortController): void {
    if (abort.signal.aborted) {
      return;
    }
    this._text = (this._text + text).slice(-MAX_CHARS);
    this._loading = false;
    this._changed.emit();
  }
}
