/**
 * Job logs: one pod log per replica, merged with `[replica] ` prefixes when no replica is asked for. Every
 * line read is kept in the `LogStore`, which answers instead once the pod log cannot be read (pod deleted by
 * `cleanPodPolicy`, node gone).
 */
import { BackendError, ILogOptions } from '../types';
import { IKubeClient } from './client';
import { JOB_KINDS } from './kinds';
import { IStampedLine, LogStore, parseStampedLines, stampKey } from './log-store';
import { explainLogError, LogError, logErrorLines } from './log-errors';
import { IPod, podsOfJob, replicaNameOfPod } from './pods';

export const DEFAULT_TAIL = 1000;
export const MAX_TAIL = 10000;
/** Per replica and read, so a chatty job cannot make the proxy hold hundreds of megabytes. */
export const LIMIT_BYTES = 8 * 1024 * 1024;

/** The main container of a pod: the one the operator injects into (Argo's `main` for pipeline steps), else the
 * first one. */
const MAIN_CONTAINERS = [...JOB_KINDS.map(kind => kind.container), 'main'];

/** A log to read: a name (replica, pipeline step) and its pod while there is one. */
export interface IReplicaSource {
  name: string;
  pod?: IPod;
}

interface ILogContext {
  client: IKubeClient;
  store: LogStore;
  namespace: string;
  job: string;
  tail: number;
}

export function clampTail(tail: number | undefined): number {
  if (tail === undefined || !Number.isFinite(tail) || tail < 1) {
    return DEFAULT_TAIL;
  }
  return Math.min(Math.floor(tail), MAX_TAIL);
}

/** Katib's StdOut collector redirects the training container's output (`1>/var/log/katib/… 2>&1`) to a file
 * this sidecar echoes, so in such a trial pod the training output is the sidecar's log (the Katib UI reads it
 * too). With the File collector the output stays on the training container. */
const KATIB_COLLECTOR = 'metrics-logger-and-collector';

type IContainerCommand = { name: string; command?: string[]; args?: string[] };

function redirectedByKatib(pod: IPod): boolean {
  return ((pod.spec?.containers ?? []) as IContainerCommand[]).some(c =>
    [...(c.command ?? []), ...(c.args ?? [])].join(' ').includes('1>/var/log/katib/')
  );
}

function containerOf(pod: IPod): string | undefined {
  const names = (pod.spec?.containers ?? []).map(c => c.name);
  if (names.includes(KATIB_COLLECTOR) && redirectedByKatib(pod)) {
    return KATIB_COLLECTOR;
  }
  return names.find(name => MAIN_CONTAINERS.includes(name)) ?? names[0];
}

/** Replicas with a pod now, plus those only the store remembers; sorted by name. */
async function replicaSources(context: ILogContext, wanted?: string): Promise<IReplicaSource[]> {
  const [pods, stored] = await Promise.all([
    podsOfJob(context.client, context.namespace, context.job),
    context.store.replicas(context.namespace, context.job)
  ]);
  const sources = new Map<string, IReplicaSource>(stored.map(name => [name, { name }]));
  for (const pod of pods) {
    sources.set(replicaNameOfPod(pod), { name: replicaNameOfPod(pod), pod });
  }
  const all = [...sources.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (wanted === undefined) {
    return all;
  }
  const match = all.filter(source => source.name === wanted);
  if (match.length === 0) {
    throw new BackendError(
      'not_found',
      `Job "${context.job}" has no replica "${wanted}" with a log.`
    );
  }
  return match;
}

function podLogPath(namespace: string, pod: IPod): string {
  return `/api/v1/namespaces/${namespace}/pods/${pod.metadata?.name}/log`;
}

const asBackendError = (e: unknown) =>
  e instanceof BackendError ? e : new BackendError('backend', String(e));

/** What the store kept for a replica (undefined when nothing, or when the store cannot be read). */
function kept(context: ILogContext, source: IReplicaSource): Promise<IStampedLine[] | undefined> {
  return context.store
    .read(context.namespace, context.job, source.name, context.tail)
    .catch(() => undefined);
}

/** Keeps `lines` and answers the ones not kept before; if the store fails, all of them (better shown twice). */
function keep(
  context: ILogContext,
  source: IReplicaSource,
  lines: IStampedLine[]
): Promise<IStampedLine[]> {
  return context.store
    .append(context.namespace, context.job, source.name, lines)
    .catch(() => lines);
}

/**
 * The last lines of one replica. The pod's log is read and kept, then the kept log is served: it also holds
 * what earlier pods of the replica printed (the operator recreates a failed pod under the same name, and a
 * pod without a node answers an empty log). When the pod log fails, the kept log answers alone.
 */
async function readReplica(
  context: ILogContext,
  source: IReplicaSource
): Promise<{ lines?: IStampedLine[]; error?: BackendError }> {
  let live: IStampedLine[] = [];
  let error: BackendError | undefined;
  if (source.pod) {
    try {
      const text = await context.client.request<string>(
        'GET',
        podLogPath(context.namespace, source.pod),
        {
          text: true,
          query: {
            container: containerOf(source.pod),
            tailLines: context.tail,
            limitBytes: LIMIT_BYTES,
            timestamps: true
          }
        }
      );
      live = parseStampedLines(text);
      await keep(context, source, live);
    } catch (e) {
      error = asBackendError(e);
    }
  } else {
    error = new BackendError(
      'not_found',
      `The pod of ${source.name} is gone and none of its log was kept.`
    );
  }
  const stored = await kept(context, source);
  if (stored) {
    return { lines: stored };
  }
  return error ? { error } : { lines: live.slice(-context.tail) };
}

const render = (lines: IStampedLine[], replica: string | undefined) =>
  lines
    .map(line => (replica === undefined ? line.text : `[${replica}] ${line.text}`) + '\n')
    .join('');

async function readAll(
  context: ILogContext,
  sources: IReplicaSource[],
  prefixed: boolean,
  sink: (s: string) => void
) {
  const results = await Promise.all(sources.map(source => readReplica(context, source)));
  const failures = results.flatMap((result, i) =>
    result.error ? [{ replica: sources[i].name, error: result.error }] : []
  );
  if (sources.length > 0 && failures.length === sources.length) {
    throw plainError(failures[0].replica, failures[0].error);
  }
  const tagged = results.flatMap((result, i) =>
    (result.lines ?? []).map((line, order) => ({
      line,
      order,
      replica: sources[i].name
    }))
  );
  // Interleave replicas by time (stamps only grow within a replica, so each keeps its own order).
  const byTime = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  tagged.sort(
    (a, b) =>
      byTime(stampKey(a.line.stamp), stampKey(b.line.stamp)) ||
      byTime(a.replica, b.replica) ||
      a.order - b.order
  );
  // Every replica is tried; those that fail say why in words, after the lines of the others.
  const notes = failures.map(f => logErrorLines(f.replica, f.error, prefixed));
  const text =
    tagged.map(t => render([t.line], prefixed ? t.replica : undefined)).join('') + notes.join('');
  if (text) {
    sink(text);
  }
}

/**
 * Follows one replica: first what was kept, then the live log (only lines not kept before) until it ends or
 * `signal` aborts. Answers the error when there was nothing at all to show.
 */
async function followReplica(
  context: ILogContext,
  source: IReplicaSource,
  prefix: string | undefined,
  sink: (s: string) => void,
  signal?: AbortSignal
): Promise<BackendError | undefined> {
  const history = await kept(context, source);
  if (history && history.length > 0) {
    sink(render(history, prefix));
  }
  // Lines go through the store one batch after the other, so they reach the sink in order.
  let written = Promise.resolve();
  let partial = '';
  const pass = (lines: IStampedLine[]) => {
    written = written.then(async () => {
      const fresh = await keep(context, source, lines);
      if (fresh.length > 0) {
        sink(render(fresh, prefix));
      }
    });
  };
  const onText = (text: string) => {
    const complete = (partial + text).split('\n');
    partial = complete.pop() ?? '';
    if (complete.length > 0) {
      pass(parseStampedLines(complete.join('\n')));
    }
  };
  try {
    if (!source.pod) {
      throw new BackendError(
        'not_found',
        `The pod of ${source.name} is gone and none of its log was kept.`
      );
    }
    await context.client.followLog(
      context.namespace,
      source.pod.metadata?.name ?? '',
      {
        container: containerOf(source.pod),
        tailLines: context.tail,
        timestamps: true
      },
      onText,
      signal
    );
    if (partial) {
      pass(parseStampedLines(partial));
    }
    await written;
    return undefined;
  } catch (e) {
    await written;
    return history ? undefined : asBackendError(e);
  }
}

async function followAll(
  context: ILogContext,
  sources: IReplicaSource[],
  prefixed: boolean,
  sink: (s: string) => void,
  signal?: AbortSignal
) {
  // Each replica is followed on its own: one that fails says why and the others go on.
  const errors = await Promise.all(
    sources.map(async source => {
      const error = await followReplica(
        context,
        source,
        prefixed ? source.name : undefined,
        sink,
        signal
      );
      if (error && sources.length > 1) {
        sink(logErrorLines(source.name, error, prefixed));
      }
      return error;
    })
  );
  const failed = errors.flatMap((e, i) => (e ? [{ replica: sources[i].name, error: e }] : []));
  if (sources.length > 0 && failed.length === sources.length) {
    throw plainError(failed[0].replica, failed[0].error);
  }
}

/** The error a route answers when no replica's log could be read: plain words, the cause as its detail. */
function plainError(replica: string, error: BackendError): LogError {
  const { message, detail } = explainLogError(replica, error);
  return new LogError(error.code, message, detail === message ? undefined : detail);
}

export async function writeJobLogs(
  client: IKubeClient,
  store: LogStore,
  namespace: string,
  job: string,
  options: ILogOptions,
  sink: (chunk: string) => void
): Promise<void> {
  const context: ILogContext = {
    client,
    store,
    namespace,
    job,
    tail: clampTail(options.tail)
  };
  const sources = await replicaSources(context, options.replica);
  await writeSourceLogs(context, sources, options.replica === undefined, options, sink);
}

/**
 * Logs of named sources kept under `job` in the store (a pipeline run's steps use this too: the pod log while
 * it is readable, what was kept once the pod is gone).
 */
export async function writeKeptLogs(
  client: IKubeClient,
  store: LogStore,
  namespace: string,
  key: string,
  sources: IReplicaSource[],
  options: ILogOptions,
  sink: (chunk: string) => void
): Promise<void> {
  const context: ILogContext = {
    client,
    store,
    namespace,
    job: key,
    tail: clampTail(options.tail)
  };
  await writeSourceLogs(context, sources, false, options, sink);
}

async function writeSourceLogs(
  context: ILogContext,
  sources: IReplicaSource[],
  prefixed: boolean,
  options: ILogOptions,
  sink: (chunk: string) => void
): Promise<void> {
  if (options.follow) {
    await followAll(context, sources, prefixed, sink, options.signal);
  } else {
    await readAll(context, sources, prefixed, sink);
  }
}
