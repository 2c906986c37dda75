/**
 * Finding KFP and saying why: in-cluster first, then the apiserver's service proxy, then a configured URL; each
 * failure (not found, too old, refused identity, unreachable) in its own words. Real HTTP servers on loopback
 * play KFP; the service proxy is a fake transport answering what the kube-apiserver answers.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KfpAuth } from '../../src/backends/kfp/auth';
import { IServiceProxyAccess, KfpConnector } from '../../src/backends/kfp/connection';
import { IKfpHttpRequest } from '../../src/backends/kfp/transport';

const servers: Server[] = [];
afterAll(() => servers.forEach(s => s.close()));

/** A KFP-ish server: answers per path; records the headers of every request. */
async function serve(
  answers: Record<string, [number, unknown]>
): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const [status, body] = answers[(req.url ?? '').split('?')[0]] ?? [
      404,
      { code: 5, message: 'Not Found' }
    ];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const HEALTHY: Record<string, [number, unknown]> = {
  '/apis/v2beta1/healthz': [
    200,
    { commit_sha: 'abc', tag_name: '2.17.0', multi_user: true, pipeline_store: 'db' }
  ]
};

/** The apiserver's answer for a service that does not exist. */
function missingService(): IServiceProxyAccess & {
  requests: IKfpHttpRequest[];
  headers: Record<string, string>[];
} {
  const requests: IKfpHttpRequest[] = [];
  const headers: Record<string, string>[] = [];
  return {
    service: 'kubeflow/ml-pipeline:8888',
    user: 'alice',
    requests,
    headers,
    transport: h => ({
      endpoint: 'https://apiserver/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy',
      async send(request) {
        requests.push(request);
        headers.push(h());
        return {
          status: 404,
          text: JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            message: 'services "ml-pipeline" not found',
            reason: 'NotFound',
            code: 404
          })
        };
      }
    })
  };
}

const noAuth = () => new KfpAuth({ tokenPath: '/nonexistent/token' });

describe('KfpConnector', () => {
  it('uses the in-cluster service first and says why', async () => {
    const kfp = await serve(HEALTHY);
    const proxy = missingService();
    const connector = new KfpConnector({
      auth: noAuth(),
      inCluster: kfp.url,
      serviceProxy: proxy,
      configured: 'http://127.0.0.1:1'
    });
    const connection = await connector.discover();
    expect(connection).toMatchObject({
      state: 'connected',
      via: 'in-cluster',
      endpoint: kfp.url,
      version: '2.17.0',
      multiUser: true,
      auth: 'none'
    });
    expect(connection.message).toContain('the proxy runs in a pod');
    expect(proxy.requests).toEqual([]);
  });

  it('takes an in-cluster name that does not resolve as "nothing there", and goes on', async () => {
    const kfp = await serve(HEALTHY);
    const connector = new KfpConnector({
      auth: noAuth(),
      inCluster: 'http://ml-pipeline.kubeflow.invalid:8888',
      configured: kfp.url
    });
    expect(await connector.discover()).toMatchObject({ state: 'connected', via: 'configured' });
    const alone = new KfpConnector({
      auth: noAuth(),
      inCluster: 'http://ml-pipeline.kubeflow.invalid:8888'
    });
    const connection = await alone.discover();
    expect(connection.state).toBe('not-found');
    expect(connection.message).toContain('looked for the in-cluster service');
  });

  it('falls through a missing service to the configured URL', async () => {
    const kfp = await serve(HEALTHY);
    const proxy = missingService();
    const connection = await new KfpConnector({
      auth: noAuth(),
      serviceProxy: proxy,
      configured: kfp.url
    }).discover();
    expect(proxy.requests.map(r => r.path)).toEqual(['/apis/v2beta1/healthz']);
    expect(connection).toMatchObject({ state: 'connected', via: 'configured' });
    expect(connection.message).toContain('KF_PIPELINES_ENDPOINT');
  });

  it('says "not found" and what to set when there is nothing to try', async () => {
    const connection = await new KfpConnector({
      auth: noAuth(),
      serviceProxy: missingService()
    }).discover();
    expect(connection.state).toBe('not-found');
    expect(connection.message).toContain('service kubeflow/ml-pipeline:8888 through the apiserver');
    expect(connection.message).toContain('kfpEndpoint');
  });

  it("does not take the apiserver's RBAC refusal to proxy for KFP's refusal", async () => {
    const forbidden: IServiceProxyAccess = {
      service: 'kubeflow/ml-pipeline:8888',
      user: 'alice',
      transport: () => ({
        endpoint: 'https://apiserver/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy',
        send: async () => ({
          status: 403,
          text: JSON.stringify({
            kind: 'Status',
            message:
              'services "ml-pipeline:8888" is forbidden: User "alice" cannot get resource "services/proxy" in API group "" in the namespace "kubeflow"',
            reason: 'Forbidden',
            code: 403
          })
        })
      })
    };
    const connection = await new KfpConnector({
      auth: noAuth(),
      serviceProxy: forbidden
    }).discover();
    expect(connection.state).toBe('not-found');
    expect(connection.message).toContain(
      'may not proxy to kubeflow/ml-pipeline:8888 (RBAC get services/proxy)'
    );
    expect(connection.message).toContain('kfpEndpoint');
  });

  it('recognises a KFP 1.x server (v1 API only)', async () => {
    const old = await serve({
      '/apis/v1beta1/healthz': [200, { commit_sha: 'x', tag_name: '1.8.5' }]
    });
    const connection = await new KfpConnector({ auth: noAuth(), configured: old.url }).discover();
    expect(connection.state).toBe('too-old');
    expect(connection.message).toContain('KFP v1 API');
  });

  it('names the identity it sent and what to fix when refused', async () => {
    const gate = await serve({
      '/apis/v2beta1/healthz': [403, { code: 7, message: 'RBAC: access denied' }]
    });
    const auth = new KfpAuth({
      tokenPath: '/nonexistent/token',
      userid: 'alice@example.com',
      useridHeader: 'kubeflow-userid'
    });
    const connection = await new KfpConnector({ auth, configured: gate.url }).discover();
    expect(connection).toMatchObject({
      state: 'unauthorized',
      auth: 'userid-header',
      identity: 'alice@example.com'
    });
    expect(connection.message).toContain(
      'refused user "alice@example.com" in the kubeflow-userid header: RBAC: access denied'
    );
    expect(connection.message).toContain('contributor of the profile');
    expect(gate.seen[0]['kubeflow-userid']).toBe('alice@example.com');
  });

  it('says when the server does not answer', async () => {
    const closed = await serve(HEALTHY);
    servers.pop()!.close();
    await new Promise(resolve => setTimeout(resolve, 50));
    const connection = await new KfpConnector({
      auth: noAuth(),
      configured: closed.url
    }).discover();
    expect(connection.state).toBe('unreachable');
    expect(connection.message).toContain('ECONNREFUSED');
  });

  it('takes an endpoint from the setting over the environment, and goes back to it when cleared', async () => {
    const fromEnv = await serve(HEALTHY);
    const fromSetting = await serve(HEALTHY);
    const connector = new KfpConnector({ auth: noAuth(), configured: fromEnv.url });
    expect((await connector.connect(fromSetting.url)).endpoint).toBe(fromSetting.url);
    expect((await connector.connection()).message).toContain('the kfpEndpoint setting');
    expect((await connector.connect(null)).endpoint).toBe(fromEnv.url);
    expect((await connector.connect(undefined)).endpoint).toBe(fromEnv.url);
    const bare = new KfpConnector({ auth: noAuth() });
    expect((await bare.connect(fromSetting.url)).state).toBe('connected');
    expect((await bare.connect(null)).state).toBe('not-found');
  });
});

describe('KfpAuth', () => {
  const jwt = (sub: string) =>
    [
      'e30',
      Buffer.from(JSON.stringify({ sub, aud: ['pipelines.kubeflow.org'] })).toString('base64url'),
      'sig'
    ].join('.');

  it('sends the projected token as Bearer, re-read when the kubelet rotates it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfwb-kfp-token-'));
    const path = join(dir, 'token');
    writeFileSync(path, jwt('system:serviceaccount:team-a:default-editor'));
    const kfp = await serve(HEALTHY);
    const auth = new KfpAuth({ tokenPath: path, userid: 'alice' });
    const connector = new KfpConnector({ auth, configured: kfp.url });
    const connection = await connector.discover();
    expect(connection).toMatchObject({
      auth: 'service-account-token',
      identity: 'system:serviceaccount:team-a:default-editor'
    });
    expect(kfp.seen[0].authorization).toBe(
      `Bearer ${jwt('system:serviceaccount:team-a:default-editor')}`
    );
    // The kubelet writes a new file and swaps it in.
    writeFileSync(join(dir, 'token.new'), jwt('system:serviceaccount:team-a:rotated'));
    renameSync(join(dir, 'token.new'), path);
    await connector.discover();
    expect(kfp.seen[1].authorization).toBe(`Bearer ${jwt('system:serviceaccount:team-a:rotated')}`);
  });

  it('never sends the token through the service proxy (the apiserver takes Authorization); the userid header goes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfwb-kfp-token-'));
    writeFileSync(join(dir, 'token'), jwt('system:serviceaccount:x:y'));
    const auth = new KfpAuth({
      tokenPath: join(dir, 'token'),
      userid: 'alice',
      useridHeader: 'kubeflow-userid'
    });
    expect(auth.mode('service-proxy')).toBe('userid-header');
    expect(auth.headers('service-proxy')).toEqual({ 'kubeflow-userid': 'alice' });
    const bare = new KfpAuth({ tokenPath: '/nonexistent' });
    expect(bare.mode('service-proxy')).toBe('kubeconfig');
    expect(bare.headers('service-proxy')).toEqual({});
    expect(bare.mode('configured')).toBe('none');
  });
});
