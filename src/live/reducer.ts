/**
 * The pure part of every live list (jobs, studies, runs): applying stream events to a map keyed by
 * namespace/name, and the newest-first view of it. No signals, no I/O, so it is tested with plain tables.
 */
import { ILiveResource, ResourceEvent } from '../../contract/live';

export type ResourceMap<T extends ILiveResource> = ReadonlyMap<string, T>;

export const resourceKey = (item: Pick<ILiveResource, 'namespace' | 'name'>): string =>
  `${item.namespace}/${item.name}`;

/**
 * Returns the map after `event`, or the same map object when nothing changed (callers compare by identity
 * to decide whether to emit). Only `version` decides "unchanged": it covers children (pods, trials, steps),
 * so a pod that turns Unschedulable under an unchanged job object is never dropped.
 */
export function applyResourceEvent<T extends ILiveResource>(
  items: ResourceMap<T>,
  event: ResourceEvent<T>
): ResourceMap<T> {
  switch (event.type) {
    case 'snapshot':
      return new Map(event.items.map(item => [resourceKey(item), item]));
    case 'added':
    case 'modified': {
      const key = resourceKey(event.object);
      const old = items.get(key);
      if (old && sameVersion(old, event.object)) {
        return items;
      }
      const next = new Map(items);
      next.set(key, event.object);
      return next;
    }
    case 'deleted': {
      const key = resourceKey(event.object);
      if (!items.has(key)) {
        return items;
      }
      const next = new Map(items);
      next.delete(key);
      return next;
    }
    default:
      return items;
  }
}

function sameVersion(a: ILiveResource, b: ILiveResource): boolean {
  if (a.version && b.version) {
    return a.version === b.version;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Items passing `keep`, newest first (ties by name so the order is stable). */
export function newestFirst<T extends ILiveResource>(
  items: ResourceMap<T>,
  keep: (item: T) => boolean = () => true
): T[] {
  const result: T[] = [];
  for (const item of items.values()) {
    if (keep(item)) {
      result.push(item);
    }
  }
  return result.sort((a, b) => created(b) - created(a) || a.name.localeCompare(b.name));
}

const created = (item: ILiveResource): number => Date.parse(item.created) || 0;
