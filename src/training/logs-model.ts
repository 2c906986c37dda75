/**
 * Logs of one job: which replica, how many lines, and whether to follow. Following streams through
 * `client.followLogs` and is cancelled with an AbortController when the options change or the view closes.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ILogRequest } from '../api/client';

export interface ILogsClient {
  jobLogs(namespace: string, name: string, options?: ILogRequest): Promise<string>;
  followLogs(
    namespace: string,
    name: string,
    options: ILogRequest,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void>;
}

/** Keep at most this many characters while following, so a chatty job cannot exhaust the tab's memory. */
const MAX_CHARS = 5_000_000;

export class JobLogsModel {
  private _replica = '';
  private _tail = 1000;
  private _follow = false;
  private _text = '';
  private _loading = false;
  private _error = '';
  private _abort: AbortController | null = null;
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly client: ILogsClient,
    readonly namespace: string,
    readonly name: string
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get replica(): string {
    return this._replica;
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

  setReplica(replica: string): void {
    this._replica = replica;
    void this.reload();
  }
  setTail(tail: number): void {
    this._tail = tail;
    void this.reload();
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
    const options = { replica: this._replica || undefined, tail: this._tail };
    try {
      if (this._follow) {
        await this.client.followLogs(
          this.namespace,
          this.name,
          options,
          text => this.append(text, abort),
          abort.signal
        );
      } else {
        const text = await this.client.jobLogs(this.namespace, this.name, options);
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
