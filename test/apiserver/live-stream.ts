/**
 * Tests' readers of live resource events: `EventRecorder` keeps every event it is given and resolves waits on
 * them as they arrive (no polling); `LiveStream` feeds one from the proxy's server-sent events, read as the
 * browser's EventSource would.
 */
import { ILiveResource, ResourceEvent } from '../../contract/live';

const itemsOf = <T extends ILiveResource>(e: ResourceEvent<T>): T[] =>
  e.type === 'snapshot' ? e.items : e.type === 'added' || e.type === 'modified' ? [e.object] : [];

export class EventRecorder<T extends ILiveResource> {
  readonly events: ResourceEvent<T>[] = [];
  private waiters: {
    match: (e: ResourceEvent<T>) => boolean;
    resolve: (e: ResourceEvent<T>) => void;
  }[] = [];

  /** `kind` names the resources in failure messages ("job", "run"). */
  constructor(protected readonly kind: string) {}

  record(event: ResourceEvent<T>): void {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (w.match(event)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  }

  /** The first event (seen already or still to come) that matches; `describe` explains a timeout. */
  until(
    match: (e: ResourceEvent<T>) => boolean,
    what: string,
    timeoutMs = 20_000,
    describe: () => string = () => ''
  ): Promise<ResourceEvent<T>> {
    const seen = this.events.find(match);
    if (seen) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${what} within ${timeoutMs} ms${describe()}`)),
        timeoutMs
      );
      this.waiters.push({
        match,
        resolve: e => {
          clearTimeout(timer);
          resolve(e);
        }
      });
    });
  }

  /** The first state of `name` (seen already or still to come) for which `test` holds. */
  async item(
    name: string,
    test: (item: T) => boolean,
    what: string,
    timeoutMs: number
  ): Promise<T> {
    const hit = (e: ResourceEvent<T>) => itemsOf(e).some(i => i.name === name && test(i));
    const lastSeen = () => {
      const last = [...this.events]
        .reverse()
        .flatMap(itemsOf)
        .find(i => i.name === name);
      return `; ${this.kind} ${name} last seen ${JSON.stringify(last)}`;
    };
    const event = await this.until(hit, what, timeoutMs, lastSeen);
    return itemsOf(event).find(i => i.name === name && test(i))!;
  }
}

/** An `EventRecorder` of the proxy's SSE stream at `url`. */
export class LiveStream<T extends ILiveResource> extends EventRecorder<T> {
  private readonly abort = new AbortController();

  constructor(url: string, headers: Record<string, string>, kind: string) {
    super(kind);
    void this.read(url, headers).catch(() => undefined);
  }

  close(): void {
    this.abort.abort();
  }

  private async read(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, { headers, signal: this.abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter(l => l.startsWith('data: '))
          .map(l => l.slice(6))
          .join('\n');
        if (data) {
          this.record(JSON.parse(data));
        }
      }
    }
  }
}
