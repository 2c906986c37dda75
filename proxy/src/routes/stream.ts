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

const HEARTBEAT_MS = 15000;

/** Takes the response over for server-sent events; returns a sender and registers cleanup on disconnect. */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  onClose: () => void
): (event: string, data: unknown) => void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive'
  });
  reply.raw.write(': connected\n\n');
  const heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), HEARTBEAT_MS);
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    onClose();
  });
  return (event, data) => {
    reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
 * may not read fails as a JSON error before the stream opens, not as a stream that never starts.
 */
export function registerWatchRoute<T extends ILiveResource>(
  app: FastifyInstance,
  deps: IAppDeps,
  kind: string,
  source: () => IWatchable<T>
): void {
  app.get<{ Params: { ns: string } }>(
    `${API}/namespaces/:ns/watch/${kind}`,
    async (request, reply) => {
      const ns = checkNamespace(deps, request.params.ns);
      const backend = source();
      await backend.checkAccess(ns);
      const live: { subscription?: ISubscription } = {};
      // A backend switch (retry, the Backend setting) ends the stream: the browser's EventSource reconnects
      // and gets a fresh snapshot from the new backend instead of silence from the old one.
      const stopListening = deps.backends.onSwitch(() => reply.raw.end());
      const send = openEventStream(request, reply, () => {
        stopListening();
        live.subscription?.close();
      });
      live.subscription = backend.watch(ns, event => send(event.type, event));
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
