import { ServerConnection } from '@jupyterlab/services';
import { ProxyClient } from './client';
import { ProxyError } from './errors';
import { IEventSourceLike, ResourceStream } from './resource-stream';

const settings = ServerConnection.makeSettings({ baseUrl: 'http://lab.example/user/u/' });

function answer(status: number, body: string, type = 'application/json') {
  jest
    .spyOn(ServerConnection, 'makeRequest')
    .mockResolvedValue(new Response(body, { status, headers: { 'content-type': type } }));
}

afterEach(() => jest.restoreAllMocks());

describe('ProxyClient', () => {
  it('builds URLs under the server-proxy prefix', () => {
    const client = new ProxyClient(settings);
    expect(client.url('/api/v1/info')).toBe(
      'http://lab.example/user/u/kubeflow-workbench/api/v1/info'
    );
    expect(client.url('/api/v1/x', { tail: 10, replica: undefined })).toBe(
      'http://lab.example/user/u/kubeflow-workbench/api/v1/x?tail=10'
    );
  });

  it('returns typed JSON and sends specs as JSON', async () => {
    answer(201, JSON.stringify({ name: 'j', namespace: 'ns' }));
    const client = new ProxyClient(settings);
    await expect(
      client.createJob('ns', { framework: 'pytorch', replicas: { Worker: { count: 1 } } })
    ).resolves.toEqual({
      name: 'j',
      namespace: 'ns'
    });
    const [url, init] = (ServerConnection.makeRequest as jest.Mock).mock.calls[0];
    expect(url).toBe('http://lab.example/user/u/kubeflow-workbench/api/v1/namespaces/ns/jobs');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('keeps the proxy error code, message and field paths', async () => {
    answer(
      400,
      JSON.stringify({
        error: { code: 'invalid_spec', message: 'bad', fields: [{ path: '/name', message: 'no' }] }
      })
    );
    const error = await new ProxyClient(settings).info().catch(e => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_spec',
      message: 'bad',
      fields: [{ path: '/name', message: 'no' }]
    });
  });

  it('explains an HTML error page briefly when the proxy is missing', async () => {
    answer(404, `<html><body><h1>404 Not Found</h1>${'x'.repeat(5000)}</body></html>`, 'text/html');
    const error = await new ProxyClient(settings).info().catch(e => e);
    expect(error.code).toBe('proxy_missing');
    expect(error.message).toContain('404 Not Found');
    expect(error.message.length).toBeLessThan(500);
  });

  it('turns a network failure into an unreachable error', async () => {
    jest.spyOn(ServerConnection, 'makeRequest').mockRejectedValue(new TypeError('Failed to fetch'));
    const error = await new ProxyClient(settings).namespaces().catch(e => e);
    expect(error).toMatchObject({ code: 'unreachable', status: 0 });
    expect(error.message).toContain('Failed to fetch');
  });

  it('follows logs as a stream with the header that makes jupyter-server-proxy stream', async () => {
    const chunks = ['[worker-0] a\n', '[worker-0] b\n'];
    // jsdom has no ReadableStream: a reader that hands out the chunks is what the client uses.
    const queue = chunks.map(c => new TextEncoder().encode(c));
    const reader = {
      read: async () => (queue.length ? { done: false, value: queue.shift() } : { done: true })
    };
    const response = {
      ok: true,
      status: 200,
      body: { getReader: () => reader }
    } as unknown as Response;
    jest.spyOn(ServerConnection, 'makeRequest').mockResolvedValue(response);
    const seen: string[] = [];
    await new ProxyClient(settings).followLogs(
      'ns',
      'j',
      { tail: 5 },
      t => seen.push(t),
      new AbortController().signal
    );
    expect(seen.join('')).toBe(chunks.join(''));
    // First an empty chunk: the stream is open (a quiet log shows "no lines yet", not "loading").
    expect(seen[0]).toBe('');
    const [url, init] = (ServerConnection.makeRequest as jest.Mock).mock.calls[0];
    expect(url).toContain('follow=1');
    expect(init.headers).toEqual({ Accept: 'text/event-stream' });
  });
});

class FakeSource implements IEventSourceLike {
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  listeners = new Map<string, (e: MessageEvent) => void>();
  closed = false;
  addEventListener(type: string, listener: (e: MessageEvent) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
  }
  send(type: string, data: unknown) {
    this.listeners.get(type)!({ data: JSON.stringify(data) } as MessageEvent);
  }
}

describe('ResourceStream', () => {
  it('emits parsed events and reconnects with backoff when the source gives up', () => {
    jest.useFakeTimers();
    const sources: FakeSource[] = [];
    const stream = new ResourceStream('u', () => {
      const s = new FakeSource();
      sources.push(s);
      return s;
    });
    const events: unknown[] = [];
    const states: string[] = [];
    stream.event.connect((_, e) => events.push(e));
    stream.stateChanged.connect((_, s) => states.push(s));
    stream.start();
    sources[0].onopen!(new Event('open'));
    sources[0].send('snapshot', { type: 'snapshot', items: [] });
    sources[0].listeners.get('added')!({ data: 'not json' } as MessageEvent);
    expect(events).toEqual([{ type: 'snapshot', items: [] }]);
    sources[0].readyState = 2;
    sources[0].onerror!(new Event('error'));
    expect(sources[0].closed).toBe(true);
    jest.advanceTimersByTime(999);
    expect(sources).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(sources).toHaveLength(2);
    expect(states).toEqual(['open', 'retrying']);
    stream.dispose();
    expect(sources[1].closed).toBe(true);
    jest.useRealTimers();
  });
});
