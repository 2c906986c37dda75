/**
 * The proxy as the browser and the magics reach it, for tests: the real fastify app on a loopback port over the
 * backends a test chose, a request helper carrying the per-launch token, and streams closed with it.
 */
import { AddressInfo } from 'node:net';
import { TOKEN_HEADER } from '../../contract/routes';
import { createApp } from '../../proxy/src/app';
import { BackendHolder } from '../../proxy/src/backends/select';

export interface ITestResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface ITestProxy {
  url: string;
  /** The token header every request needs (for a test's own SSE readers). */
  headers: Record<string, string>;
  /** `body` is the parsed JSON answer (undefined when it is none), `text` the raw one. */
  request(method: string, path: string, body?: unknown): Promise<ITestResponse>;
  /** Closes `stream` with the proxy. */
  follow<S extends { close(): void }>(stream: S): S;
  close(): Promise<void>;
}

export async function serveTestProxy(
  backends: BackendHolder,
  token: string,
  rootDir?: string
): Promise<ITestProxy> {
  await backends.select();
  const app = createApp({
    token,
    backends,
    ...(rootDir ? { rootDir } : {}),
    versions: { proxy: '0.0.0-test', node: process.version, clientNode: '1.4.0' }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const headers = { [TOKEN_HEADER]: token };
  const streams: { close(): void }[] = [];
  return {
    url,
    headers,
    async request(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, text };
    },
    follow(stream) {
      streams.push(stream);
      return stream;
    },
    async close() {
      streams.forEach(s => s.close());
      await backends.close();
      await app.close();
    }
  };
}
