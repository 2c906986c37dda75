/**
 * `POST /api/v1/pipelines/compile` on the whole app (auth included) over real HTTP, reading node files from
 * a Jupyter root dir on disk: the demo example compiles; problems come back as 400 with document paths;
 * files outside the root are refused without being read.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { parseAllDocuments } from 'yaml';
import { IPipelineSpec } from '../../contract/pipeline';
import { AUTH, makeApp } from './app-helpers';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'pipelines');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let root: string;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'kfwb-compile-'));
  cpSync(EXAMPLES, join(root, 'work', 'pipelines'), { recursive: true });
  ({ app } = await makeApp({ rootDir: root }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

async function post(body: unknown, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${base}/api/v1/pipelines/compile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body)
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const demo = (): IPipelineSpec =>
  JSON.parse(readFileSync(join(EXAMPLES, 'demo.kfpipeline'), 'utf8'));

describe('POST /api/v1/pipelines/compile', () => {
  it('compiles the demo with files read relative to the pipeline file', async () => {
    const { status, body } = await post({ spec: demo(), path: 'work/pipelines/demo.kfpipeline' });
    expect(status).toBe(200);
    expect(body.warnings).toEqual([]);
    expect(body.ir.pipelineInfo.name).toBe('demo-pipeline');
    expect(Object.keys(body.ir.root.dag.tasks).sort()).toEqual([
      'generate',
      'report',
      'stats',
      'train'
    ]);
    expect(body.yaml.startsWith('# PIPELINE DEFINITION\n# Name: demo-pipeline\n')).toBe(true);
    expect(parseAllDocuments(body.yaml)[0].toJSON()).toEqual(body.ir);
  });

  it('answers 400 with document paths and the node named when a file is missing', async () => {
    rmSync(join(root, 'work', 'pipelines', 'stats.py'));
    const { status, body } = await post({ spec: demo(), path: 'work/pipelines/demo.kfpipeline' });
    expect(status).toBe(400);
    expect(body.error).toEqual({
      code: 'invalid_spec',
      message: 'The pipeline is invalid (nodes: stats).',
      fields: [
        {
          path: '/nodes/1/file',
          node: 'stats',
          message: "node 'stats': file 'stats.py' does not exist"
        }
      ]
    });
  });

  it('answers 400 for schema problems, with every path', async () => {
    const spec = demo() as Json;
    spec.version = 3;
    spec.nodes[2].retries = 'twice';
    const { status, body } = await post({ spec, path: 'work/pipelines/demo.kfpipeline' });
    expect(status).toBe(400);
    expect(body.error.fields).toEqual([
      { path: '/version', message: 'must be 1 (this is a version 1 pipeline document reader)' },
      {
        path: '/nodes/2/retries',
        node: 'train',
        message: "node 'train': retries must be a whole number"
      }
    ]);
  });

  it('refuses files outside the Jupyter root, by .. or by symlink, without reading them', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'kfwb-outside-'));
    writeFileSync(join(outside, 'secret.py'), 'print("secret")\n');
    symlinkSync(join(outside, 'secret.py'), join(root, 'work', 'pipelines', 'link.py'));
    const spec = demo();
    spec.nodes[1].file = 'link.py';
    spec.nodes[1].dependencies = ['../../../secret.py'];
    try {
      const { status, body } = await post({ spec, path: 'work/pipelines/demo.kfpipeline' });
      expect(status).toBe(400);
      expect(body.error.fields).toEqual([
        {
          path: '/nodes/1/file',
          node: 'stats',
          message: "node 'stats': file 'link.py' is outside the Jupyter root directory"
        },
        {
          path: '/nodes/1/dependencies/0',
          node: 'stats',
          message: "node 'stats': file '../../../secret.py' is outside the Jupyter root directory"
        }
      ]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('resolves files above the pipeline folder that are still inside the root', async () => {
    mkdirSync(join(root, 'work', 'lib'));
    writeFileSync(join(root, 'work', 'lib', 'shared.py'), 'X = 1\n');
    const spec = demo();
    spec.nodes[1].dependencies = ['helpers/io.py', '../lib/shared.py'];
    const { status } = await post({ spec, path: 'work/pipelines/demo.kfpipeline' });
    expect(status).toBe(200);
  });

  it('needs a document, and the workbench token', async () => {
    const missing = await post({ path: 'x.kfpipeline' });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'invalid_spec']);
    expect((await post({ spec: demo() }, {})).status).toBe(401);
  });
});
