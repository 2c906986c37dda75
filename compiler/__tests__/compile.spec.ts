/** The compiler field by field, and the YAML kfp writes. Every IR emitted here also goes through kfp's parser. */
import { randomBytes } from 'crypto';
import { inflateSync } from 'zlib';
import { parseAllDocuments } from 'yaml';
import { IPipelineSpec } from '../../contract/pipeline';
import { PipelineInvalidError } from '../compile';
import { PIPELINE_NAME_PATTERN, pipelineNameOf } from '../names';
import { CHUNK_CHARS } from '../payload';
import { cpuToFloat, memoryToFloat } from '../resources';
import { STEP_SHIM } from '../shim';
import { toYaml } from '../yaml';
import { mapReader } from './files';
import { recordingCompiler, serverProblems } from './kfp';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const recorder = recordingCompiler();
afterAll(() => expect(serverProblems(recorder.emitted)).toEqual({}));

const NOTEBOOK = JSON.stringify({
  cells: [
    {
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      source: 'x = 1',
      execution_count: 4,
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'big output' }]
    }
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5
});
const FILES = mapReader({
  'fn.py': 'def go(a: int) -> int:\n    return a\n',
  'nb.ipynb': NOTEBOOK,
  'run.py': 'print(1)\n',
  'conf/settings.json': '{"k": 1}'
});

function spec(): IPipelineSpec {
  return {
    version: 1,
    name: 'My Pipeline: v2!',
    description: 'Line one\nline two',
    parameters: [
      { name: 'a', type: 'NUMBER_INTEGER', default: 1, description: 'how many' },
      { name: 'who', type: 'STRING' }
    ],
    nodes: [
      {
        id: 'nb',
        kind: 'notebook',
        file: 'nb.ipynb',
        inputs: [{ name: 'who', type: 'STRING', parameter: 'who' }],
        outputs: [{ name: 'table', artifact: 'system.Dataset' }]
      },
      {
        id: 'fn',
        kind: 'function',
        file: 'fn.py',
        function: 'go',
        image: 'python:3.12-slim',
        inputs: [
          { name: 'a', type: 'NUMBER_INTEGER', parameter: 'a' },
          { name: 'table', artifact: 'system.Dataset' },
          { name: 'flag', type: 'BOOLEAN', value: false },
          { name: 'opts', type: 'STRUCT', default: { k: [1] }, description: 'options' }
        ],
        outputs: [{ name: 'Output', type: 'NUMBER_INTEGER' }],
        caching: false,
        retries: 2,
        env: { B: '2', A: '1' },
        resources: { cpu: '2', memory: '4Gi', gpus: 1 }
      },
      {
        id: 'run',
        kind: 'script',
        file: 'run.py',
        dependencies: ['conf/settings.json'],
        inputs: [{ name: 'n', type: 'NUMBER_INTEGER' }],
        outputs: []
      }
    ],
    edges: [
      { from: { node: 'nb', output: 'table' }, to: { node: 'fn', input: 'table' } },
      { from: { node: 'fn', output: 'Output' }, to: { node: 'run', input: 'n' } },
      { from: { node: 'nb' }, to: { node: 'run' } }
    ]
  };
}

/** The payload a Python step carries, decoded the way the shim does. */
function payloadOf(ir: Json, node: string): Json {
  const command: string[] = ir.deploymentSpec.executors[`exec-${node}`].container.command;
  const chunks = Number(command[6]);
  const encoded = command.slice(7, 7 + chunks).join('');
  return JSON.parse(inflateSync(Buffer.from(encoded, 'base64')).toString('utf8'));
}

describe('compile', () => {
  const { ir } = recorder.compile(spec(), FILES) as { ir: Json };

  it('writes the top level: schema 2.1.0, sdkVersion, pipelineInfo with a server-valid name', () => {
    expect(ir.schemaVersion).toBe('2.1.0');
    expect(ir.sdkVersion).toBe('kubeflow-workbench-0.1.0');
    expect(ir.pipelineInfo).toEqual({
      name: 'my-pipeline-v2',
      displayName: 'My Pipeline: v2!',
      description: 'Line one\nline two'
    });
    expect(Object.keys(ir).sort()).toEqual([
      'components',
      'deploymentSpec',
      'pipelineInfo',
      'root',
      'schemaVersion',
      'sdkVersion'
    ]);
  });

  it('derives pipeline names the server accepts', () => {
    expect(pipelineNameOf('  Hello World  ')).toBe('hello-world');
    expect(pipelineNameOf('___')).toBe('pipeline');
    expect(pipelineNameOf('Ünïcode—名前 9')).toBe('n-code-9');
    const long = pipelineNameOf('a-'.repeat(100));
    expect(long).toMatch(PIPELINE_NAME_PATTERN);
    expect(long.length).toBeLessThanOrEqual(128);
  });

  it('declares pipeline parameters as root inputs, optional when they have a default', () => {
    expect(ir.root.inputDefinitions).toEqual({
      parameters: {
        a: {
          parameterType: 'NUMBER_INTEGER',
          defaultValue: 1,
          isOptional: true,
          description: 'how many'
        },
        who: { parameterType: 'STRING' }
      }
    });
  });

  it('writes one component per node with its inputs and outputs, notebooks adding the executed notebook', () => {
    expect(ir.components['comp-fn']).toEqual({
      executorLabel: 'exec-fn',
      inputDefinitions: {
        artifacts: {
          table: { artifactType: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' } }
        },
        parameters: {
          a: { parameterType: 'NUMBER_INTEGER' },
          flag: { parameterType: 'BOOLEAN' },
          opts: {
            parameterType: 'STRUCT',
            defaultValue: { k: [1] },
            isOptional: true,
            description: 'options'
          }
        }
      },
      outputDefinitions: { parameters: { Output: { parameterType: 'NUMBER_INTEGER' } } }
    });
    expect(ir.components['comp-nb'].outputDefinitions).toEqual({
      artifacts: {
        table: { artifactType: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' } },
        executed_notebook: {
          artifactType: { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' }
        }
      }
    });
    expect(ir.components['comp-run']).toEqual({
      executorLabel: 'exec-run',
      inputDefinitions: { parameters: { n: { parameterType: 'NUMBER_INTEGER' } } }
    });
  });

  it('wires tasks: parameters, artifacts, constants, dependentTasks (ordering edges too), caching, retry', () => {
    const tasks = ir.root.dag.tasks;
    expect(tasks.nb).toEqual({
      cachingOptions: { enableCache: true },
      componentRef: { name: 'comp-nb' },
      inputs: { parameters: { who: { componentInputParameter: 'who' } } },
      taskInfo: { name: 'nb' }
    });
    expect(tasks.fn).toEqual({
      cachingOptions: {},
      componentRef: { name: 'comp-fn' },
      dependentTasks: ['nb'],
      inputs: {
        artifacts: {
          table: { taskOutputArtifact: { outputArtifactKey: 'table', producerTask: 'nb' } }
        },
        parameters: {
          a: { componentInputParameter: 'a' },
          flag: { runtimeValue: { constant: false } }
        }
      },
      retryPolicy: {
        backoffDuration: '0s',
        backoffFactor: 2,
        backoffMaxDuration: '3600s',
        maxRetryCount: 2
      },
      taskInfo: { name: 'fn' }
    });
    expect(tasks.run.dependentTasks).toEqual(['fn', 'nb']);
    expect(tasks.run.inputs).toEqual({
      parameters: {
        n: { taskOutputParameter: { outputParameterKey: 'Output', producerTask: 'fn' } }
      }
    });
  });

  it('runs Python functions like kfp lightweight components, with env and resources as kfp writes them', () => {
    const container = ir.deploymentSpec.executors['exec-fn'].container;
    expect(container.image).toBe('python:3.12-slim');
    expect(container.command.slice(0, 6)).toEqual([
      'python3',
      '-c',
      STEP_SHIM,
      'function',
      'fn.py',
      'go'
    ]);
    expect(container.args).toEqual(['--executor_input', '{{$}}', '--function_to_execute', 'go']);
    expect(container.env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' }
    ]);
    expect(container.resources).toEqual({
      accelerator: {
        count: '1',
        resourceCount: '1',
        resourceType: 'nvidia.com/gpu',
        type: 'nvidia.com/gpu'
      },
      cpuLimit: 2,
      cpuRequest: 2,
      memoryLimit: 4.294967296,
      memoryRequest: 4.294967296,
      resourceCpuLimit: '2',
      resourceCpuRequest: '2',
      resourceMemoryLimit: '4Gi',
      resourceMemoryRequest: '4Gi'
    });
  });

  it('embeds the file, its dependencies and the port types; notebooks without their outputs', () => {
    expect(payloadOf(ir, 'run')).toEqual({
      files: { 'run.py': 'print(1)\n', 'conf/settings.json': '{"k": 1}' },
      home: '.',
      inputs: { n: { type: 'NUMBER_INTEGER' } },
      outputs: {}
    });
    const nb = payloadOf(ir, 'nb');
    const cell = JSON.parse(nb.files['nb.ipynb']).cells[0];
    expect(cell).toEqual({
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      source: 'x = 1',
      execution_count: null,
      outputs: []
    });
    expect(nb.outputs).toEqual({
      table: { artifact: 'system.Dataset' },
      executed_notebook: { artifact: 'system.Artifact' }
    });
    expect(ir.deploymentSpec.executors['exec-nb'].container).toMatchObject({
      image: 'python:3.11',
      args: ['--executor_input', '{{$}}']
    });
  });

  it('places files above the pipeline folder under placeholder folders', () => {
    const s = spec();
    s.nodes[2].file = '../jobs/run.py';
    s.nodes[2].dependencies = ['../../conf/settings.json'];
    const files = mapReader({
      'fn.py': 'def go(): pass',
      'nb.ipynb': NOTEBOOK,
      '../jobs/run.py': 'x',
      '../../conf/settings.json': '{}'
    });
    const p = payloadOf(recorder.compile(s, files).ir as Json, 'run');
    expect(p.home).toBe('_/_');
    expect(Object.keys(p.files)).toEqual(['_/jobs/run.py', 'conf/settings.json']);
    expect(
      (recorder.compile(s, files).ir as Json).deploymentSpec.executors['exec-run'].container
        .command[4]
    ).toBe('../jobs/run.py');
  });

  it('splits a large payload into arguments below the per-argument limit, and warns above 512 KiB per step and 1 MiB in all', () => {
    // Random text does not compress: the payload stays large.
    const noise = randomBytes(800_000).toString('base64');
    const s = spec();
    s.nodes[2].dependencies = ['noise.txt'];
    const compiled = recorder.compile(
      s,
      mapReader({
        'fn.py': 'def go(): pass',
        'nb.ipynb': NOTEBOOK,
        'run.py': '',
        'noise.txt': noise
      })
    );
    const command: string[] = (compiled.ir as Json).deploymentSpec.executors['exec-run'].container
      .command;
    expect(Number(command[6])).toBeGreaterThan(1);
    expect(command.every(arg => Buffer.byteLength(arg) < 128 * 1024)).toBe(true);
    expect(command[7].length).toBe(CHUNK_CHARS);
    expect(payloadOf(compiled.ir as Json, 'run').files['noise.txt']).toBe(noise);
    expect(compiled.warnings).toEqual([
      expect.objectContaining({
        path: '/nodes/2/file',
        node: 'run',
        message: expect.stringMatching(/^node 'run': its files take \d+ KiB in the IR/)
      }),
      expect.objectContaining({
        path: '/nodes',
        message: expect.stringMatching(/^the compiled pipeline takes \d+ KiB; KFP keeps it/)
      })
    ]);
  });

  it('compiles container steps with their ports as KFP placeholders', () => {
    const s: IPipelineSpec = {
      version: 1,
      name: 'box',
      parameters: [],
      nodes: [
        {
          id: 'box',
          kind: 'container',
          image: 'busybox',
          command: [
            'sh',
            '-c',
            'cp {{ inputs.src }} {{outputs.dst}} && echo {{inputs.n}} > {{outputs.n_out}}'
          ],
          args: ["{{$.inputs.parameters['n']}}"],
          inputs: [
            { name: 'src', artifact: 'system.Artifact' },
            { name: 'n', type: 'NUMBER_INTEGER', value: 3 }
          ],
          outputs: [
            { name: 'dst', artifact: 'system.Model' },
            { name: 'n_out', type: 'NUMBER_INTEGER' }
          ]
        },
        {
          id: 'first',
          kind: 'script',
          file: 'run.py',
          inputs: [],
          outputs: [{ name: 'f', artifact: 'system.Dataset' }]
        }
      ],
      edges: [{ from: { node: 'first', output: 'f' }, to: { node: 'box', input: 'src' } }]
    };
    const { ir: boxIr } = recorder.compile(s, FILES) as { ir: Json };
    expect(boxIr.deploymentSpec.executors['exec-box'].container).toEqual({
      image: 'busybox',
      command: [
        'sh',
        '-c',
        "cp {{$.inputs.artifacts['src'].path}} {{$.outputs.artifacts['dst'].path}} && echo {{$.inputs.parameters['n']}} > {{$.outputs.parameters['n_out'].output_file}}"
      ],
      args: ["{{$.inputs.parameters['n']}}"]
    });
  });

  it('is deterministic: the same document and files give the same IR', () => {
    expect(recorder.compile(spec(), FILES)).toEqual(recorder.compile(spec(), FILES));
  });

  it('refuses an invalid document with every problem', () => {
    const s = spec();
    s.nodes[1].function = 'missing';
    s.edges.push({ from: { node: 'run' }, to: { node: 'nb' } });
    let error: unknown;
    try {
      recorder.compile(s, FILES);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineInvalidError);
    expect((error as PipelineInvalidError).problems.map(p => p.path)).toEqual([
      '/nodes/1/function',
      '/edges/3'
    ]);
  });
});

describe('resources like kfp', () => {
  it('converts CPU and memory the way kfp does', () => {
    expect(cpuToFloat('500m')).toBe(0.5);
    expect(cpuToFloat('1.5')).toBe(1.5);
    expect(memoryToFloat('256Mi')).toBe(0.268435456);
    expect(memoryToFloat('1G')).toBe(1);
    expect(memoryToFloat('2K')).toBe(0.000002);
    expect(memoryToFloat('1000000')).toBe(0.001);
    expect(memoryToFloat('1Ti')).toBe(1099.511627776);
  });
});

describe('toYaml', () => {
  const compiled = recorder.compile(
    { ...spec(), nodes: spec().nodes.map(n => (n.id === 'nb' ? { ...n, timeoutSeconds: 60 } : n)) },
    FILES
  );
  const text = toYaml(compiled.ir, compiled.platformSpec);

  it('starts with kfp’s comment header', () => {
    expect(text.split('\n').slice(0, 7)).toEqual([
      '# PIPELINE DEFINITION',
      '# Name: my-pipeline-v2',
      '# Description: Line one',
      '#              line two',
      '# Inputs:',
      '#    a: int [Default: 1.0]',
      '#    who: str'
    ]);
  });

  it('parses back to the same IR and platform spec, keys sorted', () => {
    const docs = parseAllDocuments(text).map(d => d.toJSON());
    expect(docs).toEqual([compiled.ir, compiled.platformSpec]);
    expect(Object.keys(docs[0])).toEqual(Object.keys(compiled.ir).sort());
    expect(text).toContain('\n---\nplatforms:\n');
  });
});
