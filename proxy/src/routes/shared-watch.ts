/**
 * Fan-out of one live stream to many clients: every browser watching a namespace's jobs (studies, runs) shares
 * ONE upstream watch of the backend, opened by the first client and closed when the last one leaves. The
 * shared state (each item's JSON) is what a late joiner's snapshot is built from, so joining never lists again.
 *
 * Each event is serialised once into one Buffer written to every client (a socket keeps a reference, not a
 * copy). A client that cannot keep up (its socket buffer is full) is not written to until it drains; what
 * changed meanwhile is remembered per item name (at most one entry per item) and sent as the items' latest
 * state once it drains: memory per slow client is bounded by the item count, never by the event rate.
 */
import { ILiveResource, ResourceEvent } from '../../../contract/live';
import type { ISubscription } from '../backends/types';

/** One client as the fan-out sees it: frames out, backpressure back. */
export interface IStreamClient {
  /** Writes one SSE frame; false when the client's buffer is full (the frame is kept; wait for `onDrain`). */
  write(frame: Buffer): boolean;
  /** Calls `listener` once, when the buffer has emptied after `write` returned false. */
  onDrain(listener: () => void): void;
}

type Change = 'added' | 'modified' | 'deleted';

interface IHeld {
  created: string;
  json: string;
}

interface IClientState {
  client: IStreamClient;
  /** Sent a snapshot (or owed one): changes before the first snapshot are part of it. */
  ready: boolean;
  congested: boolean;
  /** Owed a whole snapshot once drained (the upstream relisted while it was congested). */
  owesSnapshot: boolean;
  /** Items changed while congested, by name, with the change the client still has to see. */
  owed: Map<string, Change>;
}

export function sseFrame(type: string, json: string): Buffer {
  return Buffer.from(`event: ${type}\ndata: ${json}\n\n`);
}

/** Folds a new change of an item into what a congested client is owed for it. */
function merge(owed: Change | undefined, next: Change): Change | undefined {
  if (owed === 'added') {
    // The client never saw the item: still new, or never there at all.
    return next === 'deleted' ? undefined : 'added';
  }
  if (owed === 'deleted' && next !== 'deleted') {
    return 'modified';
  }
  return next;
}

const newestFirst = ([nameA, a]: [string, IHeld], [nameB, b]: [string, IHeld]) =>
  a.created < b.created ? 1 : a.created > b.created ? -1 : nameA.localeCompare(nameB);

/** One upstream subscription (one namespace of one kind of one backend) and its clients. */
export class SharedWatch<T extends ILiveResource> {
  private readonly clients = new Set<IClientState>();
  private readonly items = new Map<string, IHeld>();
  private namespace = '';
  /** The snapshot event's other fields (e.g. resourceVersion), kept for late joiners. */
  private snapshotExtras = '';
  private hasSnapshot = false;
  /** The snapshot frame of the current state, built once per change for any number of joiners. */
  private snapshotFrame?: Buffer;
  private subscription?: ISubscription;
  private closed = false;

  constructor(
    private readonly open: (onEvent: (event: ResourceEvent<T>) => void) => ISubscription,
    private readonly onIdle: () => void
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** True once the upstream sent its first snapshot (the namespace was readable) and until closed. */
  get live(): boolean {
    return this.hasSnapshot && !this.closed;
  }

  /** Adds a client; it gets a snapshot of the shared state (now, or when the first one arrives). */
  join(client: IStreamClient): () => void {
    const state: IClientState = {
      client,
      ready: false,
      congested: false,
      owesSnapshot: false,
      owed: new Map()
    };
    this.clients.add(state);
    if (this.hasSnapshot) {
      state.ready = true;
      this.send(state, this.currentSnapshot());
    }
    if (!this.subscription && !this.closed) {
      this.subscription = this.open(event => this.onUpstream(event));
    }
    return () => this.leave(state);
  }

  private leave(state: IClientState): void {
    if (!this.clients.delete(state) || this.clients.size > 0) {
      return;
    }
    this.closed = true;
    this.subscription?.close();
    this.subscription = undefined;
    this.onIdle();
  }

  private onUpstream(event: ResourceEvent<T>): void {
    if (this.closed) {
      return;
    }
    if (event.type === 'snapshot') {
      this.takeSnapshot(event);
      return;
    }
    const name = event.object.name;
    this.namespace = event.object.namespace || this.namespace;
    let frame: Buffer;
    if (event.type === 'deleted') {
      if (!this.items.delete(name)) {
        return;
      }
      frame = sseFrame('deleted', JSON.stringify(event));
    } else {
      const json = JSON.stringify(event.object);
      if (this.items.get(name)?.json === json) {
        return; // nothing a client would see changed
      }
      this.items.set(name, { created: event.object.created, json });
      frame = sseFrame(event.type, `{"type":${JSON.stringify(event.type)},"object":${json}}`);
    }
    this.snapshotFrame = undefined;
    for (const state of this.clients) {
      if (!state.ready) {
        continue; // its snapshot is still to come and will include this
      }
      if (state.congested || state.owesSnapshot) {
        const owed = merge(state.owed.get(name), event.type);
        if (owed) {
          state.owed.set(name, owed);
        } else {
          state.owed.delete(name);
        }
      } else {
        this.send(state, frame);
      }
    }
  }

  private takeSnapshot(event: Extract<ResourceEvent<T>, { type: 'snapshot' }>): void {
    this.items.clear();
    for (const item of event.items) {
      this.items.set(item.name, { created: item.created, json: JSON.stringify(item) });
      this.namespace = item.namespace || this.namespace;
    }
    const { type: _type, items: _items, ...extras } = event;
    this.snapshotExtras = Object.entries(extras)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
      .join('');
    this.hasSnapshot = true;
    // The upstream order (newest first) is kept as is for this frame.
    this.snapshotFrame = this.buildSnapshot([...this.items.values()]);
    for (const state of this.clients) {
      state.ready = true;
      state.owed.clear();
      if (state.congested) {
        state.owesSnapshot = true;
      } else {
        this.send(state, this.snapshotFrame);
      }
    }
  }

  private currentSnapshot(): Buffer {
    if (!this.snapshotFrame) {
      this.snapshotFrame = this.buildSnapshot(
        [...this.items].sort(newestFirst).map(([, held]) => held)
      );
    }
    return this.snapshotFrame;
  }

  private buildSnapshot(held: IHeld[]): Buffer {
    const items = held.map(h => h.json).join(',');
    return sseFrame('snapshot', `{"type":"snapshot","items":[${items}]${this.snapshotExtras}}`);
  }

  private send(state: IClientState, frame: Buffer): void {
    if (!state.client.write(frame)) {
      state.congested = true;
      state.client.onDrain(() => this.drained(state));
    }
  }

  /** The client caught up: send what it is owed, as the items are now, until it is congested again. */
  private drained(state: IClientState): void {
    state.congested = false;
    if (!this.clients.has(state)) {
      return;
    }
    if (state.owesSnapshot) {
      state.owesSnapshot = false;
      state.owed.clear();
      this.send(state, this.currentSnapshot());
    }
    for (const [name, change] of state.owed) {
      if (state.congested) {
        return;
      }
      state.owed.delete(name);
      const held = this.items.get(name);
      if (change === 'deleted' || !held) {
        const gone = { type: 'deleted', object: { name, namespace: this.namespace } };
        this.send(state, sseFrame('deleted', JSON.stringify(gone)));
      } else {
        this.send(state, sseFrame(change, `{"type":"${change}","object":${held.json}}`));
      }
    }
  }
}

/**
 * The shared watches of one kind, by source (a backend's jobs, studies or runs: a switched backend is a new
 * source, so its clients never meet the old one's stream) and namespace.
 */
export class WatchHub<T extends ILiveResource> {
  private readonly shared = new WeakMap<object, Map<string, SharedWatch<T>>>();

  /** The open shared watch of a source's namespace, if a client holds one. */
  get(source: object, namespace: string): SharedWatch<T> | undefined {
    return this.shared.get(source)?.get(namespace);
  }

  join(
    source: object,
    namespace: string,
    open: (onEvent: (event: ResourceEvent<T>) => void) => ISubscription,
    client: IStreamClient
  ): () => void {
    let byNamespace = this.shared.get(source);
    if (!byNamespace) {
      byNamespace = new Map();
      this.shared.set(source, byNamespace);
    }
    let watch = byNamespace.get(namespace);
    if (!watch) {
      const namespaces = byNamespace;
      const created: SharedWatch<T> = new SharedWatch<T>(open, () => {
        if (namespaces.get(namespace) === created) {
          namespaces.delete(namespace);
        }
      });
      watch = created;
      byNamespace.set(namespace, watch);
    }
    return watch.join(client);
  }
}
