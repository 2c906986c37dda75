/** Long-lived responses (server-sent events, followed logs) written straight to the socket. */
import type { FastifyReply, FastifyRequest } from 'fastify';

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
