/** The REST client: KFP's three error shapes become one plain message and a status-following code; lists page. */
import { KfpApiError, KfpClient, multipartFile } from '../../src/backends/kfp/client';
import { IKfpHttpRequest, IKfpHttpResponse, IKfpTransport } from '../../src/backends/kfp/transport';

function transport(answers: IKfpHttpResponse[]): IKfpTransport & { requests: IKfpHttpRequest[] } {
  const requests: IKfpHttpRequest[] = [];
  return {
    endpoint: 'http://kfp',
    requests,
    async send(request) {
      requests.push(request);
      return answers.shift() ?? { status: 500, text: '' };
    }
  };
}

const failure = (client: KfpClient, work: (c: KfpClient) => Promise<unknown>) =>
  work(client).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: KfpApiError) => e
  );

describe('KfpClient', () => {
  it("reads a v2beta1 error (google.rpc.Status) and keeps KFP's words", async () => {
    const t = transport([
      { status: 404, text: JSON.stringify({ code: 5, message: 'Run abc not found', details: [] }) }
    ]);
    const error = await failure(new KfpClient(t), c => c.run('abc'));
    expect(error).toMatchObject({
      code: 'not_found',
      status: 404,
      kfpMessage: 'Run abc not found'
    });
    expect(error.message).toBe('Kubeflow Pipelines refused to read run abc: Run abc not found');
  });

  it("reads the upload's v1 error shape and a 409 as a conflict", async () => {
    const t = transport([
      {
        status: 409,
        text: JSON.stringify({ error_message: 'name already exists', error_details: 'x' })
      }
    ]);
    const error = await failure(new KfpClient(t), c => c.uploadPipeline('a: 1\n', { name: 'p' }));
    expect(error).toMatchObject({ code: 'conflict', kfpMessage: 'name already exists' });
  });

  it('names the identity on 401/403, and keeps a non-JSON page short', async () => {
    const t = transport([{ status: 403, text: '<html>RBAC: access denied</html>' }]);
    const client = new KfpClient(t, {
      describeIdentity: () => 'user "bob" in the kubeflow-userid header'
    });
    const error = await failure(client, c => c.runs({ namespace: 'team-b' }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe(
      'Kubeflow Pipelines refused to list runs in namespace team-b (sent as user "bob" in the kubeflow-userid header): <html>RBAC: access denied</html>'
    );
  });

  it('pages through a list with next_page_token and sends the filter as JSON', async () => {
    const t = transport([
      { status: 200, text: JSON.stringify({ runs: [{ run_id: 'a' }], next_page_token: 't1' }) },
      { status: 200, text: JSON.stringify({ runs: [{ run_id: 'b' }] }) }
    ]);
    const runs = await new KfpClient(t).runs({
      namespace: 'team-a',
      filter: { predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'x' }] }
    });
    expect(runs.map(r => r.run_id)).toEqual(['a', 'b']);
    expect(t.requests[1].query).toMatchObject({
      namespace: 'team-a',
      page_token: 't1',
      page_size: '100'
    });
    expect(JSON.parse(t.requests[0].query!.filter!)).toEqual({
      predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'x' }]
    });
  });

  it('posts run actions with the colon verbs', async () => {
    const t = transport([{ status: 200, text: '{}' }]);
    await new KfpClient(t).runAction('r1', 'terminate');
    expect(t.requests[0]).toMatchObject({
      method: 'POST',
      path: '/apis/v2beta1/runs/r1:terminate'
    });
  });

  it('builds one multipart file part the way the KFP SDK does', () => {
    const { body, contentType } = multipartFile('uploadfile', 'p.yaml', 'a: 1\n');
    const boundary = contentType.split('boundary=')[1];
    expect(body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="uploadfile"; filename="p.yaml"\r\n` +
        `Content-Type: application/x-yaml\r\n\r\na: 1\n\r\n--${boundary}--\r\n`
    );
  });
});
