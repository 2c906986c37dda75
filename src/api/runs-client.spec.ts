/** The pipeline and run methods of ProxyClient: the route, the method and the body each one sends. */
import { ProxyClient } from './client';
import { ProxyError } from './errors';
import { answer, BASE, sent, settings } from './__tests__/fake-server';

afterEach(() => jest.restoreAllMocks());

describe('ProxyClient runs', () => {
  it.each<[string, (c: ProxyClient) => Promise<unknown>, string, string, string | undefined]>([
    [
      'compilePipeline',
      c =>
        c.compilePipeline({
          spec: { version: 1, name: 'p', parameters: [], nodes: [], edges: [] },
          path: 'a/p.kfpipeline'
        }),
      `${BASE}/pipelines/compile`,
      'POST',
      '{"spec":{"version":1,"name":"p","parameters":[],"nodes":[],"edges":[]},"path":"a/p.kfpipeline"}'
    ],
    [
      'createRun',
      c => c.createRun('ns', { ir: { a: 1 }, parameters: { n: 2 } }),
      `${BASE}/namespaces/ns/runs`,
      'POST',
      '{"ir":{"a":1},"parameters":{"n":2}}'
    ],
    ['listRuns', c => c.listRuns('ns'), `${BASE}/namespaces/ns/runs`, 'GET', undefined],
    ['getRun', c => c.getRun('ns', 'r 1'), `${BASE}/namespaces/ns/runs/r%201`, 'GET', undefined],
    ['deleteRun', c => c.deleteRun('ns', 'r'), `${BASE}/namespaces/ns/runs/r`, 'DELETE', undefined],
    ['cancelRun', c => c.cancelRun('ns', 'r'), `${BASE}/namespaces/ns/runs/r/cancel`, 'POST', '{}'],
    [
      'rerun',
      c => c.rerun('ns', 'r', { fromTask: 'train' }),
      `${BASE}/namespaces/ns/runs/r/rerun`,
      'POST',
      '{"fromTask":"train"}'
    ],
    [
      'stepOutput',
      c => c.stepOutput('ns', 'r', 'gen', 'data'),
      `${BASE}/namespaces/ns/runs/r/steps/gen/outputs/data`,
      'GET',
      undefined
    ]
  ])('%s', async (_name, call, url, method, body) => {
    answer(200, '{}');
    await call(new ProxyClient(settings));
    expect(sent()).toEqual([[url, method, body]]);
  });

  it('reads step logs as text, with a tail', async () => {
    answer(200, 'a\nb\n', 'text/plain');
    await expect(new ProxyClient(settings).stepLogs('ns', 'r', 'gen', 5)).resolves.toBe('a\nb\n');
    expect(sent()[0][0]).toBe(`${BASE}/namespaces/ns/runs/r/steps/gen/logs?tail=5`);
  });

  it('follows step logs chunk by chunk', async () => {
    answer(200, 'line 1\nline 2\n', 'text/plain');
    const chunks: string[] = [];
    await new ProxyClient(settings).followStepLogs(
      'ns',
      'r',
      'gen',
      t => chunks.push(t),
      new AbortController().signal
    );
    expect(chunks.join('')).toBe('line 1\nline 2\n');
    expect(sent()[0][0]).toBe(`${BASE}/namespaces/ns/runs/r/steps/gen/logs?follow=1`);
  });

  it('builds the download link and the live stream URL', () => {
    const client = new ProxyClient(settings);
    expect(client.stepOutputDownloadUrl('ns', 'r', 'gen', 'data')).toBe(
      `${BASE}/namespaces/ns/runs/r/steps/gen/outputs/data?download=1`
    );
    const stream = client.watchRuns('ns');
    expect(stream.url).toBe(`${BASE}/namespaces/ns/watch/runs`);
    stream.dispose();
  });

  it('keeps the node-named field errors of an invalid document', async () => {
    const fields = [{ path: '/nodes/1/file', message: "node 'stats': file 'x.py' does not exist" }];
    answer(
      400,
      JSON.stringify({
        error: { code: 'invalid_spec', message: 'The pipeline is invalid (nodes: stats).', fields }
      })
    );
    const error = await new ProxyClient(settings).createRun('ns', { ir: {} }).catch(e => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ status: 400, fields });
  });
});
