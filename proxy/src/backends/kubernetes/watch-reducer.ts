/**
 * The pure half of list+watch: decide what one watch event means for the objects we know (keyed by uid) and
 * what, if anything, the stream should emit. No I/O and no copying here (the caller applies an `emit` to its
 * own store, object-index.ts), so every case is a table row in the unit test and an event costs the same
 * whether the stream holds ten objects or twenty thousand.
 */

/** The fields of any Kubernetes object the reducer reads. */
export interface IKubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; kind?: string; name?: string }[];
    deletionTimestamp?: string;
  };
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface IWatchState {
  /** Objects by uid (a Map, or the stream's ObjectIndex). */
  objects: { get(uid: string): IKubeObject | undefined };
  /** Where a reconnect resumes: the newest resourceVersion seen on the stream (bookmarks included). */
  resourceVersion?: string;
}

export type WatchDecision =
  | {
      action: 'emit';
      change: 'added' | 'modified' | 'deleted';
      /** The event's object: store it under `uid` (added, modified) or forget `uid` (deleted). */
      object: IKubeObject;
      uid: string;
    }
  /** Nothing to tell the client: a bookmark, a stale or duplicate event. */
  | { action: 'none' }
  /** 410 Gone: our resourceVersion is too old; list again and send a fresh snapshot. */
  | { action: 'relist' }
  /** Another ERROR event: drop the stream and reconnect from the last good resourceVersion. */
  | { action: 'restart'; message: string };

/**
 * Orders resourceVersions. They are opaque by contract, but every apiserver backed by etcd hands out the
 * etcd revision as a decimal integer, and skipping replays after a reconnect needs an order. When either
 * value is not a plain integer we cannot order them and treat the event as new (emitting twice is better than
 * missing a change).
 */
export function compareResourceVersions(a: string | undefined, b: string | undefined): number {
  if (a === b) {
    return 0;
  }
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) {
    return Number.NaN;
  }
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function newer(candidate: string | undefined, current: string | undefined): string | undefined {
  if (candidate === undefined) {
    return current;
  }
  const order = compareResourceVersions(candidate, current);
  return Number.isNaN(order) || order > 0 ? candidate : current;
}

/** The state right after a list: every item, resuming from the list's resourceVersion. */
export function stateFromList(
  items: IKubeObject[],
  resourceVersion?: string
): { objects: Map<string, IKubeObject>; resourceVersion?: string } {
  const objects = new Map<string, IKubeObject>();
  for (const item of items) {
    const uid = item.metadata?.uid;
    if (uid) {
      objects.set(uid, item);
    }
  }
  return { objects, resourceVersion };
}

function errorStatus(object: unknown): {
  code?: number;
  reason?: string;
  message?: string;
} {
  return typeof object === 'object' && object !== null ? (object as { code?: number }) : {};
}

/** What one watch event means: where to resume from, and the decision. Never changes `state`. */
export function reduceWatchEvent(
  state: IWatchState,
  type: WatchEventType | string,
  object: IKubeObject
): { resourceVersion?: string; decision: WatchDecision } {
  const none = { action: 'none' } as const;
  if (type === 'ERROR') {
    const status = errorStatus(object);
    const resourceVersion = state.resourceVersion;
    if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
      return { resourceVersion, decision: { action: 'relist' } };
    }
    const message = status.message ?? `watch error ${status.code ?? ''}`.trim();
    return { resourceVersion, decision: { action: 'restart', message } };
  }
  const resourceVersion = newer(object.metadata?.resourceVersion, state.resourceVersion);
  const uid = object.metadata?.uid;
  if (type === 'BOOKMARK' || !uid || !['ADDED', 'MODIFIED', 'DELETED'].includes(type)) {
    return { resourceVersion, decision: none };
  }
  const known = state.objects.get(uid);
  // A replay after a reconnect (or a duplicate) carries a resourceVersion we already hold.
  const order = compareResourceVersions(
    object.metadata?.resourceVersion,
    known?.metadata?.resourceVersion
  );
  if (known && order <= 0) {
    return { resourceVersion, decision: none };
  }
  if (type === 'DELETED') {
    return known
      ? { resourceVersion, decision: { action: 'emit', change: 'deleted', object, uid } }
      : { resourceVersion, decision: none };
  }
  // Whether it is new to *us* decides added/modified, not the event type: after a resume the apiserver may
  // send ADDED for an object we already had.
  const change = known ? 'modified' : 'added';
  return { resourceVersion, decision: { action: 'emit', change, object, uid } };
}
