/** The study methods of the proxy client: the routes, methods and bodies the study views rely on. */
import { ServerConnection } from '@jupyterlab/services';
import { ProxyClient } from './client';
import { ResourceStream } from './resource-stream';

const settings = ServerConnection.makeSettings({ baseUrl: 'http://lab.example/' });
const BASE = 'http://lab.example/kubeflow-workbench/api/v1/namespaces/ns';

function answer(body: unknown, status = 200) {
  return jest.spyOn(ServerConnection, 'makeRequest').mockImplementation(
    async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' }
      })
  );
}

afterEach(() => jest.restoreAllMocks());

describe('ProxyClient studies', () => {
  it('calls each study route with its method and body', async () => {
    const spy = answer({ ok: true });
    const client = new ProxyClient(settings);
    const spec = {
      objective: { metricName: 'loss', type: 'minimize' as const },
      parameters: [{ name: 'lr', parameterType: 'double' as const, min: 0.01, max: 0.1 }],
      algorithm: { name: 'random' as const },
      maxTrialCount: 3,
      trial: { framework: 'pytorch' as const, replicas: { Master: { count: 1 } } }
    };
    await client.createStudy('ns', spec);
    await client.listStudies('ns');
    await client.getStudy('ns', 's1');
    await client.deleteStudy('ns', 's1');
    await client.stopStudy('ns', 's1');
    await client.editBudget('ns', 's1', { maxTrialCount: 9 });
    const calls = spy.mock.calls.map(([url, init]) => [url, init?.method ?? 'GET', init?.body]);
    expect(calls).toEqual([
      [`${BASE}/studies`, 'POST', JSON.stringify(spec)],
      [`${BASE}/studies`, 'GET', undefined],
      [`${BASE}/studies/s1`, 'GET', undefined],
      [`${BASE}/studies/s1`, 'DELETE', undefined],
      [`${BASE}/studies/s1/stop`, 'POST', '{}'],
      [`${BASE}/studies/s1/budget`, 'PATCH', JSON.stringify({ maxTrialCount: 9 })]
    ]);
  });

  it('reads a trial log with a tail and watches studies on the shared stream', async () => {
    const spy = jest
      .spyOn(ServerConnection, 'makeRequest')
      .mockResolvedValue(
        new Response('accuracy=0.9\n', { status: 200, headers: { 'content-type': 'text/plain' } })
      );
    const client = new ProxyClient(settings);
    await expect(client.trialLogs('ns', 's1', 's1-t0', { tail: 50 })).resolves.toBe(
      'accuracy=0.9\n'
    );
    expect(spy.mock.calls[0][0]).toBe(`${BASE}/studies/s1/trials/s1-t0/logs?tail=50`);
    const stream = client.watchStudies('ns');
    expect(stream).toBeInstanceOf(ResourceStream);
    expect(stream.url).toBe(`${BASE}/watch/studies`);
  });
});
