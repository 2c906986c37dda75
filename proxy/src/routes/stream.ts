/** Long-lived responses (server-sent events, followed logs) written straight to the socket. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ILiveResource,
  LOG_DETAILS_TAG,
  LOG_NOTE_TAG,
  ResourceEvent
} from '../../../contract/live';
import { API } from '../../../contract/routes';
import type { IAppDeps } from '../app';
import type { ISubscription } from '../backends/types';
import { checkNamespace } from './params';
import { IStreamClient, WatchHub } from './shared-watch';

const HEARTBEAT_MS = 15000;

/**
 * Takes the response over for server-sent events and returns it as a fan-out client (shared-watch.ts);
 * `onClose` runs when the browser goes away. Heartbeats keep proxies from closing an idle stream; a client
 * whose buffer is full gets none (it is not idle, and a ping would only grow its buffer).
 */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  onClose: () => void
): IStreamClient {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive'
  });
  res.write(': connected\n\n');
  const heartbeat = setInterval(() => {
    if (!res.writableNeedDrain) {
      res.write(': ping\n\n');
    }
  }, HEARTBEAT_MS);
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      clearInterval(heartbeat);
      onClose();
    }
  };
  // Either side may go first: the browser leaves (request), or we end the stream (response, backend switch).
  request.raw.on('close', close);
  res.on('close', close);
  return {
    write: frame => res.write(frame),
    onDrain: listener => res.once('drain', listener)
  };
}

/** Takes the response over for plain text written in chunks (logs). */
export function openTextStream(reply: FastifyReply): (chunk: string) => void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no'
  });
  // Sent now, not with the first line: the browser learns the stream is open (a quiet log is not "loading").
  reply.raw.flushHeaders();
  return chunk => {
    reply.raw.write(chunk);
  };
}

/** What a live kind (jobs, studies, runs) of a backend offers the shared watch route. */
export interface IWatchable<T extends ILiveResource> {
  /** Fails (forbidden, unreachable…) when the kind cannot be read in the namespace; cheap, unlike a list. */
  checkAccess(namespace: string): Promise<void>;
  watch(namespace: string, onEvent: (event: ResourceEvent<T>) => void): ISubscription;
}

/**
 * `GET /api/v1/namespaces/{ns}/watch/{kind}`: the one live stream route of every kind. A namespace the user
 * may not read fails as a JSON error before the stream opens, not as a stream that never starts. All clients
 * of a namespace share one upstream watch (shared-watch.ts); a client joining a live one gets its snapshot
 * from the shared state, without asking the cluster again (the proxy has one identity for every client, and
 * the shared watch's own lists proved it may read the namespace).
 */
export function registerWatchRoute<T extends ILiveResource>(
  app: FastifyInstance,
  deps: IAppDeps,
  kind: string,
  source: () => IWatchable<T>
): void {
  const hub = new WatchHub<T>();
  app.get<{ Params: { ns: string } }>(
    `${API}/namespaces/:ns/watch/${kind}`,
    async (request, reply) => {
      const ns = checkNamespace(deps, request.params.ns);
      const backend = source();
      if (!hub.get(backend, ns)?.live) {
        await backend.checkAccess(ns);
      }
      if (request.raw.socket.destroyed) {
        return; // the browser left while access was checked: open nothing it would never close
      }
      const live: { leave?: () => void } = {};
      // A backend switch (retry, the Backend setting) ends the stream: the browser's EventSource reconnects
      // and gets a fresh snapshot from the new backend instead of silence from the old one.
      const stopListening = deps.backends.onSwitch(() => reply.raw.end());
      const client = openEventStream(request, reply, () => {
        stopListening();
        live.leave?.();
      });
      live.leave = hub.join(backend, ns, onEvent => backend.watch(ns, onEvent), client);
    }
  );
}

/** The last lines of a log stream that ended on an error: the words, then the upstream detail if any. */
export function logEndLines(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const detail = (e as { detail?: unknown } | null)?.detail;
  return (
    `\n${LOG_NOTE_TAG} ${message}\n` +
    (typeof detail === 'string' && detail ? `${LOG_DETAILS_TAG} ${detail}\n` : '')
  );
}
