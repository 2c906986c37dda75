/**
 * Pipeline and run routes on a fake runner: documents are validated and compiled in the proxy (400 with JSON
 * pointers and node names, nothing started), IRs pass through, step logs stream, previews answer JSON.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { IPipelineSpec } from '../../../contract/pipeline';
import { AUTH, makeApp } from '../app-helpers';

const REPO = resolve(__dirname, '../../..');
const PATH = 'examples/pipelines/demo.kfpipeline';
const DEMO = JSON.parse(readFileSync(join(REPO, PATH), 'utf8')) as IPipelineSpec;
const RUNS = '/api/v1/namespaces/default/runs';

const post = (url: string, payload: unknown) => ({
  method: 'POST' as const,
  url,
  headers: AUTH,
  payload: payload as Record<string, unknown>
});

const app = () => makeApp({ rootDir: REPO });

describe('compile', () => {
  it('answers the IR, its YAML and warnings for a valid document', async () => {
    const { app: a } = await app();
    const res = await a.inject(post('/api/v1/pipelines/compile', { spec: DEMO, path: PATH }));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.ir.pipelineInfo.name).toBe('demo-pipeline');
    expect(Object.keys(body.ir.root.dag.tasks).sort()).toEqual([
      'generate',
      'report',
      'stats',
      'train'
    ]);
    expect(body.yaml).toContain('# PIPELINE DEFINITION');
    expect(body.warnings).toEqual([]);
  });

  it('refuses an invalid document with JSON pointers and the node named', async () => {
    const { app: a } = await app();
    const broken = {
      ...DEMO,
      nodes: DEMO.nodes.map(n => (n.id === 'stats' ? { ...n, file: 'nowhere.py' } : n))
    };
    const res = await a.inject(post('/api/v1/pipelines/compile', { spec: broken, path: PATH }));
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_spec');
    expect(error.message).toContain('stats');
    expect(error.fields).toEqual([
      expect.objectContaining({
        path: '/nodes/1/file',
        message: expect.stringContaining("node 'stats'")
      })
    ]);
  });

  it('reads node files relative to the pipeline file, never outside the Jupyter root', async () => {
    const { app: a } = await app();
    const escaping = {
      ...DEMO,
      nodes: DEMO.nodes.map(n =>
        n.id === 'stats' ? { ...n, file: '../../../../etc/passwd.py' } : n
      )
    };
    const res = await a.inject(post('/api/v1/pipelines/compile', { spec: escaping, path: PATH }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0].path).toBe('/nodes/1/file');
  });
});

describe('runs', () => {
  it('compiles a document and creates the run from its IR, once', async () => {
    const { app: a, backend } = await app();
    const body = { spec: DEMO, path: PATH, parameters: { rows: 3 }, name: 'demo-a' };
    const first = await a.inject(post(RUNS, body));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      name: 'demo-a',
      pipelineName: 'demo-pipeline',
      phase: 'Pending'
    });
    const [created] = backend.pipelines.created;
    expect(created.input).toMatchObject({
      parameters: { rows: 3 },
      pipelinePath: PATH,
      spec: DEMO
    });
    expect((created.input.ir.pipelineInfo as { name: string }).name).toBe('demo-pipeline');
    const again = await a.inject(post(RUNS, body));
    expect(again.statusCode).toBe(200);
  });

  it('starts nothing for an invalid document', async () => {
    const { app: a, backend } = await app();
    const cyclic = {
      ...DEMO,
      edges: [...DEMO.edges, { from: { node: 'report' }, to: { node: 'generate' } }]
    };
    const res = await a.inject(post(RUNS, { spec: cyclic, path: PATH }));
    expect(res.statusCode).toBe(400);
    expect(
      res.json().error.fields.some((f: { message: string }) => f.message.includes('cycle'))
    ).toBe(true);
    expect(backend.pipelines.created).toEqual([]);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['neither spec nor ir', '/spec', {}],
    ['both spec and ir', '/ir', { spec: DEMO, ir: {} }],
    ['an IR that is not an object', '/ir', { ir: [] }],
    ['a bad run name', '/name', { ir: { root: {} }, name: 'Bad_Name' }],
    ['parameters that are not an object', '/parameters', { ir: { root: {} }, parameters: [1] }],
    ['an unknown backend', '/backend', { ir: { root: {} }, backend: 'cloud' }],
    ['an experiment for a local run', '/experiment', { ir: { root: {} }, experiment: 'x' }]
  ])('refuses %s (at %s) and starts nothing', async (_what, path, body) => {
    const { app: a, backend } = await app();
    const res = await a.inject(post(RUNS, body));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toContain(path);
    expect(backend.pipelines.created).toEqual([]);
  });

  it('answers a KFP run 503 in words when the backend has no KFP connection', async () => {
    const { app: a, backend } = await app();
    const res = await a.inject(post(RUNS, { ir: { root: {} }, backend: 'kfp' }));
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('Kubeflow Pipelines is not connected');
    expect(backend.pipelines.created).toEqual([]);
  });

  it('passes an IR compiled elsewhere straight to the runner', async () => {
    const { app: a, backend } = await app();
    const ir = { pipelineInfo: { name: 'from-kfp' }, root: { dag: { tasks: { t: {} } } } };
    const res = await a.inject(post(RUNS, { ir, name: 'ext' }));
    expect(res.statusCode).toBe(201);
    expect(backend.pipelines.created[0].input.ir).toEqual(ir);
  });

  it('lists, gets, cancels, re-runs from a node and deletes', async () => {
    const { app: a, backend } = await app();
    await a.inject(post(RUNS, { spec: DEMO, path: PATH, name: 'demo-b' }));
    const list = await a.inject({ method: 'GET', url: RUNS, headers: AUTH });
    expect(list.json().items.map((r: { name: string }) => r.name)).toEqual(['demo-b']);
    const one = await a.inject({ method: 'GET', url: `${RUNS}/demo-b`, headers: AUTH });
    expect(one.json().steps).toHaveLength(4);
    const cancel = await a.inject(post(`${RUNS}/demo-b/cancel`, {}));
    expect(cancel.json().phase).toBe('Cancelled');
    const rerun = await a.inject(post(`${RUNS}/demo-b/rerun`, { fromTask: 'train' }));
    expect(rerun.statusCode).toBe(201);
    expect(backend.pipelines.calls).toEqual(['cancel demo-b', 'rerun demo-b {"fromTask":"train"}']);
    const bad = await a.inject(post(`${RUNS}/demo-b/rerun`, { onlyTask: 5 }));
    expect(bad.statusCode).toBe(400);
    const del = await a.inject({ method: 'DELETE', url: `${RUNS}/demo-b`, headers: AUTH });
    expect(del.json()).toEqual({ deleted: true });
    const gone = await a.inject({ method: 'GET', url: `${RUNS}/demo-b`, headers: AUTH });
    expect(gone.statusCode).toBe(404);
  });

  it('streams step logs as text and answers a JSON 404 for an unknown step', async () => {
    const { app: a } = await app();
    await a.inject(post(RUNS, { spec: DEMO, path: PATH, name: 'demo-c' }));
    const res = await a.inject({
      method: 'GET',
      url: `${RUNS}/demo-c/steps/stats/logs?tail=1`,
      headers: AUTH
    });
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toBe('stats line 2\n');
    const missing = await a.inject({
      method: 'GET',
      url: `${RUNS}/demo-c/steps/nope/logs`,
      headers: AUTH
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('no step "nope"');
  });

  it('answers an output preview as JSON', async () => {
    const { app: a } = await app();
    await a.inject(post(RUNS, { spec: DEMO, path: PATH, name: 'demo-d' }));
    const res = await a.inject({
      method: 'GET',
      url: `${RUNS}/demo-d/steps/generate/outputs/data`,
      headers: AUTH
    });
    expect(res.json()).toMatchObject({ kind: 'text', text: 'hello', artifact: { name: 'data' } });
  });

  it('streams a snapshot and then changes as server-sent events', async () => {
    const { app: a } = await app();
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as AddressInfo;
    const received: string[] = [];
    await new Promise<void>((done, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/api/v1/namespaces/default/watch/runs', headers: AUTH },
        res => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received.push(chunk);
            const text = received.join('');
            if (text.includes('event: snapshot') && !text.includes('event: added')) {
              void a.inject(post(RUNS, { spec: DEMO, path: PATH, name: 'demo-e' }));
            }
            if (text.includes('event: added')) {
              req.destroy();
              done();
            }
          });
        }
      );
      req.on('error', reject);
    });
    const added = received
      .join('')
      .split('\n\n')
      .find(block => block.startsWith('event: added'))!;
    expect(JSON.parse(added.split('\n')[1].slice('data: '.length))).toMatchObject({
      type: 'added',
      object: { name: 'demo-e', backend: 'local' }
    });
    await a.close();
  });
});
