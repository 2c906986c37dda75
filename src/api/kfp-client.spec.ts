/** The Kubeflow Pipelines methods of ProxyClient: the route, the method and the body each one sends. */
import { ProxyClient } from './client';
import { ProxyError } from './errors';
import { answer, BASE, sent, settings } from './__tests__/fake-server';

afterEach(() => jest.restoreAllMocks());

describe('ProxyClient and Kubeflow Pipelines', () => {
  it.each<[string, (c: ProxyClient) => Promise<unknown>, string, string, string | undefined]>([
    ['kfp', c => c.kfp(), `${BASE}/kfp`, 'GET', undefined],
    [
      'setKfpEndpoint',
      c => c.setKfpEndpoint('http://ml-pipeline.kubeflow:8888'),
      `${BASE}/kfp`,
      'POST',
      '{"endpoint":"http://ml-pipeline.kubeflow:8888"}'
    ],
    [
      'setKfpEndpoint(null)',
      c => c.setKfpEndpoint(null),
      `${BASE}/kfp`,
      'POST',
      '{"endpoint":null}'
    ],
    ['retryRun', c => c.retryRun('ns', 'r1'), `${BASE}/namespaces/ns/runs/r1/retry`, 'POST', '{}'],
    [
      'archiveRun',
      c => c.archiveRun('ns', 'r1'),
      `${BASE}/namespaces/ns/runs/r1/archive`,
      'POST',
      '{}'
    ],
    [
      'unarchiveRun',
      c => c.unarchiveRun('ns', 'r1'),
      `${BASE}/namespaces/ns/runs/r1/archive`,
      'DELETE',
      undefined
    ],
    [
      'createRun on KFP',
      c =>
        c.createRun('ns', {
          ir: { root: {} },
          platformSpec: { platforms: {} },
          backend: 'kfp',
          experiment: 'nightly',
          name: 'n1'
        }),
      `${BASE}/namespaces/ns/runs`,
      'POST',
      '{"ir":{"root":{}},"platformSpec":{"platforms":{}},"backend":"kfp","experiment":"nightly","name":"n1"}'
    ]
  ])('%s', async (_name, call, url, method, body) => {
    answer(200, '{}');
    await call(new ProxyClient(settings));
    expect(sent()).toEqual([[url, method, body]]);
  });

  it("rejects with the proxy's message and field paths", async () => {
    answer(
      400,
      JSON.stringify({
        error: {
          code: 'invalid_spec',
          message: 'KFP refused the run',
          fields: [{ path: '/parameters/rows', message: 'must be an integer' }]
        }
      })
    );
    const error = await new ProxyClient(settings)
      .createRun('ns', { ir: {}, backend: 'kfp' })
      .catch(e => e as ProxyError);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({
      message: 'KFP refused the run',
      status: 400,
      fields: [{ path: '/parameters/rows', message: 'must be an integer' }]
    });
  });
});
