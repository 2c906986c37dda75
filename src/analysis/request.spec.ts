import { ServerConnection } from '@jupyterlab/services';
import { requestAnalysis } from '../api/analysis';
import { ProxyClient } from '../api/client';

const settings = ServerConnection.makeSettings({ baseUrl: 'http://lab.example/user/u/' });

function answer(status: number, body: unknown) {
  jest.spyOn(ServerConnection, 'makeRequest').mockResolvedValue(
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' }
    })
  );
}

afterEach(() => jest.restoreAllMocks());

describe('requestAnalysis', () => {
  it('posts the spec to the analysis route and answers the document', async () => {
    answer(200, { version: 1, rows: 3 });
    const spec = {
      source: { path: 'data/scores.csv' },
      label: 'y',
      prediction: 'p',
      slices: ['region']
    };
    await expect(requestAnalysis(new ProxyClient(settings), spec)).resolves.toEqual({
      version: 1,
      rows: 3
    });
    const [url, init] = (ServerConnection.makeRequest as jest.Mock).mock.calls[0];
    expect(url).toBe('http://lab.example/user/u/kubeflow-workbench/api/v1/analysis');
    expect(init).toMatchObject({ method: 'POST', body: JSON.stringify(spec) });
  });

  it('rejects with the column-naming message and field path of a 400', async () => {
    const message = 'column "region" is not in the data (columns: y, p)';
    answer(400, {
      error: { code: 'invalid_spec', message, fields: [{ path: '/slices/0', message }] }
    });
    const error = await requestAnalysis(new ProxyClient(settings), {
      source: { path: 'x.csv' },
      label: 'y',
      prediction: 'p'
    }).catch(e => e);
    expect(error).toMatchObject({ status: 400, message, fields: [{ path: '/slices/0', message }] });
  });
});
