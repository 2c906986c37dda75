/**
 * List+watch of a set of streams (a path, maybe a label selector) that together make one live list, such as
 * the jobs of a namespace with their pods. Each stream resumes from its last resourceVersion with exponential
 * backoff after it ends, and restarts after an ERROR event. A 410 Gone (the resourceVersion is too old:
 * compaction, a restarted apiserver) resyncs: every stream is listed again and the owner is told once.
 * Never polls. What the objects mean and what is sent is the owner's business (watch.ts, study-watch.ts).
 *
 * Objects are kept per stream in an ObjectIndex; a stream may name secondary indexes (`keys`) so the owner
 * finds related objects (a job's pods, an experiment's trials) without scanning: see `find`.
 */
import { BackendError } from '../types';
import { IKubeClient } from './client';
import { KeyOf, ObjectIndex } from './object-index';
import { IKubeObject, reduceWatchEvent } from './watch-reducer';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;

/**
 * What is kept of a listed or watched object: normalised, without `managedFields` (server-side apply's
 * bookkeeping, often the largest part of the metadata; no view shows it), so 30,000 held objects cost less
 * memory and garbage collection. The object is freshly parsed JSON that only this watch holds.
 */
function kept<Tag>(stream: IStreamSpec<Tag>, object: IKubeObject): IKubeObject {
  const result = stream.normalize?.(object) ?? object;
  if (result.metadata && 'managedFields' in result.metadata) {
    delete (result.metadata as { managedFields?: unknown }).managedFields;
  }
  return result;
}

export function retryDelay(failures: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

export interface IStreamSpec<Tag> {
  /** What the owner calls this stream's objects (a job kind, 'pod'…). */
  tag: Tag;
  path: string;
  labelSelector?: string;
  /**
   * The error code of a list that means "nothing here" rather than "try again": not_found for a kind whose
   * CRD is not installed, forbidden for pods a user may not read.
   */
  unserved: 'not_found' | 'forbidden';
  /** Fills in what the apiserver leaves out of listed and watched objects (e.g. apiVersion and kind). */
  normalize?: (object: IKubeObject) => IKubeObject;
  /** Secondary indexes by name (e.g. `job`: a pod's job name), looked up with `MultiWatch.find`. */
  keys?: Record<string, KeyOf>;
}

export interface IMultiWatchHandlers<Tag> {
  /** Every stream was (re)listed: the objects are all fresh, send one snapshot. */
  onSnapshot(): void;
  /** One object of a stream was added, modified or deleted. */
  onChange(tag: Tag, change: 'added' | 'modified' | 'deleted', object: IKubeObject): void;
}

interface IStream<Tag> extends IStreamSpec<Tag> {
  objects: ObjectIndex;
  /** Where a reconnect resumes: the newest resourceVersion seen (list, events, bookmarks). */
  resourceVersion?: string;
  /** False when the list said `unserved`: nothing to watch. */
  served: boolean;
  failures: number;
  /** Bumped on every (re)connect so callbacks of an abandoned connection are ignored. */
  generation: number;
  stop?: () => void;
  timer?: NodeJS.Timeout;
}

export class MultiWatch<Tag> {
  private readonly streams: IStream<Tag>[];
  private closed = false;
  private started = false;
  private resyncing = false;
  private listRetry?: NodeJS.Timeout;

  constructor(
    private readonly client: IKubeClient,
    specs: IStreamSpec<Tag>[],
    private readonly handlers: IMultiWatchHandlers<Tag>
  ) {
    this.streams = specs.map(spec => ({
      ...spec,
      objects: new ObjectIndex(spec.keys),
      served: true,
      failures: 0,
      generation: 0
    }));
  }

  /** True once the first lists were sent and until close. */
  get running(): boolean {
    return this.started && !this.closed;
  }

  start(): void {
    this.resync();
  }

  /** The objects currently known on the streams whose tag matches. */
  objects(matches: (tag: Tag) => boolean): IKubeObject[] {
    const result: IKubeObject[] = [];
    for (const stream of this.streams) {
      if (matches(stream.tag)) {
        result.push(...stream.objects.values());
      }
    }
    return result;
  }

  /**
   * The objects of the matching streams whose key in index `index` is `key` (each uid once: two pod streams
   * with different selectors may both hold a pod). Streams without that index are skipped.
   */
  find(matches: (tag: Tag) => boolean, index: string, key: string): IKubeObject[] {
    const found: IKubeObject[] = [];
    const seen = new Set<string>();
    for (const stream of this.streams) {
      if (!matches(stream.tag) || !stream.objects.hasIndex(index)) {
        continue;
      }
      for (const object of stream.objects.find(index, key)) {
        const uid = object.metadata?.uid ?? '';
        if (!seen.has(uid)) {
          seen.add(uid);
          found.push(object);
        }
      }
    }
    return found;
  }

  /** The resourceVersion each matching stream would resume from. */
  resourceVersions(matches: (tag: Tag) => boolean): (string | undefined)[] {
    return this.streams.filter(s => matches(s.tag)).map(s => s.resourceVersion);
  }

  /**
   * Lists every stream, tells the owner, then watches from the lists' resourceVersions; retries with backoff
   * until the lists succeed. All streams at once: when one stream's version expired (apiserver restarted, etcd
   * compacted) the others' did too, and one snapshot is better than one per stream.
   */
  private resync(): void {
    if (this.resyncing || this.closed) {
      return;
    }
    this.resyncing = true;
    for (const stream of this.streams) {
      clearTimeout(stream.timer);
      this.disconnect(stream);
    }
    void this.listAll(0);
  }

  private async listAll(failures: number): Promise<void> {
    try {
      await Promise.all(this.streams.map(stream => this.list(stream)));
    } catch {
      if (!this.closed) {
        this.listRetry = setTimeout(
          () => void this.listAll(failures + 1),
          retryDelay(failures + 1)
        );
        this.listRetry.unref();
      }
      return;
    }
    this.resyncing = false;
    if (this.closed) {
      return;
    }
    this.started = true;
    this.handlers.onSnapshot();
    for (const stream of this.streams.filter(s => s.served)) {
      stream.failures = 0;
      void this.connect(stream);
    }
  }

  private async list(stream: IStream<Tag>): Promise<void> {
    try {
      const query = { labelSelector: stream.labelSelector };
      const list = await this.client.request<{
        items?: IKubeObject[];
        metadata?: { resourceVersion?: string };
      }>('GET', stream.path, { query });
      const items = (list.items ?? []).map(item => kept(stream, item));
      stream.objects.reset(items);
      stream.resourceVersion = list.metadata?.resourceVersion;
      stream.served = true;
    } catch (e) {
      if (e instanceof BackendError && e.code === stream.unserved) {
        stream.objects.reset([]);
        stream.resourceVersion = undefined;
        stream.served = false;
        return;
      }
      throw e;
    }
  }

  private async connect(stream: IStream<Tag>): Promise<void> {
    if (this.closed) {
      return;
    }
    const generation = ++stream.generation;
    const current = () => !this.closed && stream.generation === generation;
    const query = {
      resourceVersion: stream.resourceVersion,
      allowWatchBookmarks: true,
      labelSelector: stream.labelSelector
    };
    const stop = await this.client.watch(
      stream.path,
      query,
      (type, object) => current() && this.apply(stream, type, object as IKubeObject),
      (_error, httpStatus) => current() && this.reconnect(stream, httpStatus)
    );
    if (current()) {
      stream.stop = stop;
    } else {
      stop();
    }
  }

  private apply(stream: IStream<Tag>, type: string, raw: IKubeObject): void {
    const object = type !== 'ERROR' && type !== 'BOOKMARK' ? kept(stream, raw) : raw;
    const { resourceVersion, decision } = reduceWatchEvent(stream, type, object);
    stream.resourceVersion = resourceVersion;
    if (decision.action !== 'restart') {
      stream.failures = 0;
    }
    switch (decision.action) {
      case 'emit':
        if (decision.change === 'deleted') {
          stream.objects.delete(decision.uid);
        } else {
          stream.objects.set(decision.object);
        }
        this.handlers.onChange(stream.tag, decision.change, decision.object);
        return;
      case 'relist':
        this.resync();
        return;
      case 'restart':
        this.disconnect(stream);
        this.reconnect(stream);
        return;
    }
  }

  private disconnect(stream: IStream<Tag>): void {
    stream.generation += 1;
    stream.stop?.();
    stream.stop = undefined;
  }

  /** The stream ended (server timeout, apiserver restart, network): resume from where it was. */
  private reconnect(stream: IStream<Tag>, httpStatus?: number): void {
    stream.stop = undefined;
    stream.failures += 1;
    if (httpStatus === 410) {
      this.resync();
      return;
    }
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => void this.connect(stream), retryDelay(stream.failures));
    stream.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.listRetry);
    for (const stream of this.streams) {
      clearTimeout(stream.timer);
      this.disconnect(stream);
    }
  }
}
