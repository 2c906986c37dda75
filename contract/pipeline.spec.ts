import { readFileSync } from 'fs';
/** The pipeline-document schema: shapes a client relies on, with the field path and message it shows. */
import { emptyPipeline, PIPELINE_SCHEMA, validatePipelineDocument } from './pipeline-schema';
import { IPipelineSpec } from './pipeline';

const NODE_ID = PIPELINE_SCHEMA.$defs.nodeId['x-message'];
const IDENT = PIPELINE_SCHEMA.$defs.identifier['x-message'];

const doc = (extra: Partial<IPipelineSpec> = {}): IPipelineSpec => ({
  version: 1,
  name: 'Demo',
  parameters: [{ name: 'lr', type: 'NUMBER_DOUBLE', default: 0.1 }],
  nodes: [
    {
      id: 'prep',
      kind: 'script',
      file: 'prep.py',
      inputs: [{ name: 'lr', type: 'NUMBER_DOUBLE', parameter: 'lr' }],
      outputs: [{ name: 'data', artifact: 'system.Dataset' }],
      position: { x: 1, y: 2 }
    },
    {
      id: 'train',
      kind: 'function',
      file: 'train.py',
      function: 'train',
      inputs: [{ name: 'data', artifact: 'system.Dataset' }],
      outputs: [{ name: 'Output', type: 'NUMBER_DOUBLE' }],
      caching: false
    }
  ],
  edges: [{ from: { node: 'prep', output: 'data' }, to: { node: 'train', input: 'data' } }],
  ...extra
});

function fieldsOf(value: unknown) {
  const result = validatePipelineDocument(value);
  return result.ok ? [] : result.fields;
}

describe('pipeline document schema', () => {
  it('accepts a full document and fills caching = true where absent', () => {
    const result = validatePipelineDocument(doc());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.nodes.map(n => n.caching)).toEqual([true, false]);
    }
  });

  it('accepts the empty document New pipeline creates', () => {
    expect(fieldsOf(emptyPipeline('Untitled'))).toEqual([]);
  });

  it('refuses another document version with a readable message', () => {
    expect(fieldsOf({ ...doc(), version: 2 })).toEqual([
      { path: '/version', message: 'must be 1 (this is a version 1 pipeline document reader)' }
    ]);
  });

  it('names missing top-level fields', () => {
    expect(fieldsOf({ version: 1, name: 'x' })).toEqual([
      { path: '/parameters', message: 'is required' },
      { path: '/nodes', message: 'is required' },
      { path: '/edges', message: 'is required' }
    ]);
  });

  it('refuses node ids KFP refuses as task names, at the node', () => {
    const d = doc();
    d.nodes[0].id = 'Prep_1';
    expect(fieldsOf(d)).toEqual([{ path: '/nodes/0/id', message: NODE_ID }]);
  });

  it('refuses port names that are not identifiers and unknown port fields', () => {
    const d = doc();
    d.nodes[1].inputs[0].name = 'my data';
    (d.nodes[1].outputs[0] as unknown as Record<string, unknown>).parameter = 'lr';
    expect(fieldsOf(d)).toEqual([
      { path: '/nodes/1/inputs/0/name', message: IDENT },
      { path: '/nodes/1/outputs/0/parameter', message: 'is not a known field' }
    ]);
  });

  it('refuses unknown parameter types and kinds with the allowed values', () => {
    const d = doc();
    (d.parameters[0] as { type: string }).type = 'FLOAT';
    (d.nodes[0] as { kind: string }).kind = 'shell';
    expect(fieldsOf(d)).toEqual([
      {
        path: '/parameters/0/type',
        message: 'must be one of: STRING, NUMBER_INTEGER, NUMBER_DOUBLE, BOOLEAN, LIST, STRUCT'
      },
      { path: '/nodes/0/kind', message: 'must be one of: notebook, script, function, container' }
    ]);
  });

  it('refuses absolute file paths and bad quantities', () => {
    const d = doc();
    d.nodes[0].file = '/etc/passwd';
    d.nodes[0].resources = { cpu: '2 cores', memory: '1GB' };
    expect(fieldsOf(d)).toEqual([
      {
        path: '/nodes/0/file',
        message: "must be a path relative to the pipeline file's folder, with '/' separators"
      },
      { path: '/nodes/0/resources/cpu', message: 'must be a CPU quantity such as 2, 0.5 or 500m' },
      {
        path: '/nodes/0/resources/memory',
        message: PIPELINE_SCHEMA.$defs.node.properties.resources.properties.memory['x-message']
      }
    ]);
  });

  it('refuses an edge whose start names an input', () => {
    const d = doc();
    d.edges[0].from = { node: 'prep', input: 'data' } as never;
    expect(fieldsOf(d)).toEqual([{ path: '/edges/0/from/input', message: 'is not a known field' }]);
  });

  it('refuses artifact types that are not <namespace>.<Name>', () => {
    const d = doc();
    d.nodes[0].outputs[0].artifact = 'Dataset';
    expect(fieldsOf(d)).toEqual([
      {
        path: '/nodes/0/outputs/0/artifact',
        message: 'must be an artifact type such as system.Dataset or system.Model'
      }
    ]);
  });
});

describe('the example pipeline', () => {
  it('is a valid document', () => {
    const demo = JSON.parse(
      readFileSync(`${__dirname}/../examples/pipelines/demo.kfpipeline`, 'utf8')
    );
    expect(fieldsOf(demo)).toEqual([]);
  });
});
