/**
 * What jobs, studies and pipeline runs have in common on the wire: each is a live resource of a namespace,
 * listed once and then followed over one server-sent-event stream per namespace and kind. One reducer, one
 * list model and one detail frame in the frontend serve all three (src/live/).
 */

/** The fields every live resource carries, whichever backend (kubernetes, local, KFP) produced it. */
export interface ILiveResource {
  name: string;
  namespace: string;
  /** ISO time of creation; lists show newest first. */
  created: string;
  /**
   * Changes whenever anything the user sees of the resource changes: the object itself AND what is derived
   * from its children (pods, trials, steps, events). Computed where the stream is assembled, so a pod that
   * turns Unschedulable under an unchanged job still gives a new `version`. The reducer compares only this.
   */
  version?: string;
}

/** One message of a live stream (server-sent events: the SSE event name is `type`, the data is the JSON). */
export type ResourceEvent<T extends ILiveResource> =
  | { type: 'snapshot'; items: T[]; resourceVersion?: string }
  | { type: 'added' | 'modified'; object: T }
  | { type: 'deleted'; object: Pick<T, 'name' | 'namespace'> };

export const RESOURCE_EVENT_TYPES = ['snapshot', 'added', 'modified', 'deleted'] as const;

/**
 * A version for a resource derived from its own version and its children's (sorted, so order does not
 * matter). Short, stable, cheap: a 53-bit FNV-1a style hash in base 36.
 */
export function derivedVersion(own: string | undefined, children: (string | undefined)[]): string {
  const parts = [own ?? '', ...children.map(c => c ?? '').sort()].join('|');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < parts.length; i++) {
    const c = parts.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * Log text the workbench itself writes into a log stream: a note in plain words, and its upstream details
 * (raw apiserver text), which the log viewer folds behind a toggle and `%kf logs` leaves out.
 */
export const LOG_NOTE_TAG = '[workbench]';
export const LOG_DETAILS_TAG = '[workbench:details]';
