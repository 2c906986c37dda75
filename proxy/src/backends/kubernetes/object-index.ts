/**
 * The objects of a watched stream by uid, plus named secondary indexes (a pod's job, a trial's experiment), so
 * "the pods of job X" costs the size of the answer instead of a scan of the namespace: a snapshot of N jobs is
 * linear and one pod event costs the same with 10 jobs or 10,000.
 */
import { IKubeObject } from './watch-reducer';

/** The key an object is found by in one index (a label value, an owner's name); none: not in that index. */
export type KeyOf = (object: IKubeObject) => string | undefined;

interface IIndex {
  keyOf: KeyOf;
  /** key → objects by uid (a map so that a change or delete is O(1) and order stays the arrival order). */
  groups: Map<string, Map<string, IKubeObject>>;
}

const NO_OBJECTS: readonly IKubeObject[] = Object.freeze([]);

export class ObjectIndex {
  private readonly byUid = new Map<string, IKubeObject>();
  private readonly indexes = new Map<string, IIndex>();

  constructor(keys: Record<string, KeyOf> = {}) {
    for (const [name, keyOf] of Object.entries(keys)) {
      this.indexes.set(name, { keyOf, groups: new Map() });
    }
  }

  get size(): number {
    return this.byUid.size;
  }

  get(uid: string): IKubeObject | undefined {
    return this.byUid.get(uid);
  }

  values(): IterableIterator<IKubeObject> {
    return this.byUid.values();
  }

  /** Replaces everything (after a list). Objects without uid are not kept, as the watch cannot track them. */
  reset(items: Iterable<IKubeObject>): void {
    this.byUid.clear();
    for (const index of this.indexes.values()) {
      index.groups.clear();
    }
    for (const item of items) {
      this.set(item);
    }
  }

  /** Adds or replaces an object (by uid), moving it between groups if its keys changed. */
  set(object: IKubeObject): void {
    const uid = object.metadata?.uid;
    if (!uid) {
      return;
    }
    this.delete(uid);
    this.byUid.set(uid, object);
    for (const index of this.indexes.values()) {
      const key = index.keyOf(object);
      if (key !== undefined) {
        let group = index.groups.get(key);
        if (!group) {
          group = new Map();
          index.groups.set(key, group);
        }
        group.set(uid, object);
      }
    }
  }

  delete(uid: string): void {
    const known = this.byUid.get(uid);
    if (!known) {
      return;
    }
    this.byUid.delete(uid);
    for (const index of this.indexes.values()) {
      const key = index.keyOf(known);
      const group = key === undefined ? undefined : index.groups.get(key);
      group?.delete(uid);
      if (group?.size === 0) {
        index.groups.delete(key!);
      }
    }
  }

  /** The objects whose key in index `name` is `key`, in arrival order. */
  find(name: string, key: string): readonly IKubeObject[] {
    const index = this.indexes.get(name);
    if (!index) {
      throw new Error(`no index "${name}" on this stream`);
    }
    const group = index.groups.get(key);
    return group ? [...group.values()] : NO_OBJECTS;
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }
}
