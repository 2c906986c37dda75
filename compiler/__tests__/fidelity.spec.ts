/**
 * IR fidelity against the real KFP SDK (2.17, in its own venv): kfp's compiler output for the reference DAGs
 * (test/kfp/reference_pipelines.py) equals ours structure by structure, and every IR we emit here passes
 * the strict protobuf parse and the API server's upload checks.
 */
import { IPipelineSpec } from '../../contract/pipeline';
import { EXAMPLES, folderReader, mapReader, readJson } from './files';
import { nestedInKfp, recordingCompiler, referenceIrs, serverProblems } from './kfp';
import { toYaml } from '../yaml';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FUNCTIONS = `
def produce(n: int) -> int:
    return n * 2

def consume(x: int, label: str = "total") -> str:
    return label + str(x)

def make(rows: int, data: str):
    pass

def read(data: str) -> int:
    return 0

def start() -> str:
    return "s"

def left(s: str) -> float:
    return 1.0

def right(s: str, flag: bool = True) -> float:
    return 2.0

def final(a: float, b: float):
    pass

def audit():
    pass

def heavy(items: list, config: dict) -> dict:
    return config
`;
const files = mapReader({ 'steps.py': FUNCTIONS });

const fn = (
  id: string,
  inputs: IPipelineSpec['nodes'][0]['inputs'],
  outputs: IPipelineSpec['nodes'][0]['outputs'] = []
) => ({
  id,
  kind: 'function' as const,
  file: 'steps.py',
  function: id,
  image: 'python:3.11',
  inputs,
  outputs
});
const feed = (from: string, output: string, to: string, input: string) => ({
  from: { node: from, output },
  to: { node: to, input }
});
const after = (from: string, to: string) => ({ from: { node: from }, to: { node: to } });

/** Our documents for the same DAGs, with kfp's task and port names. */
const DOCUMENTS: Record<string, IPipelineSpec> = {
  'parameter-passing': {
    version: 1,
    name: 'Parameter passing',
    parameters: [{ name: 'n', type: 'NUMBER_INTEGER', default: 3 }],
    nodes: [
      fn(
        'produce',
        [{ name: 'n', type: 'NUMBER_INTEGER', parameter: 'n' }],
        [{ name: 'Output', type: 'NUMBER_INTEGER' }]
      ),
      fn(
        'consume',
        [
          { name: 'x', type: 'NUMBER_INTEGER' },
          { name: 'label', type: 'STRING', default: 'total' }
        ],
        [{ name: 'Output', type: 'STRING' }]
      )
    ],
    edges: [feed('produce', 'Output', 'consume', 'x')]
  },
  'artifact-passing': {
    version: 1,
    name: 'artifact-passing',
    description: 'A dataset from one step to the next',
    parameters: [],
    nodes: [
      fn(
        'make',
        [{ name: 'rows', type: 'NUMBER_INTEGER', value: 10 }],
        [{ name: 'data', artifact: 'system.Dataset' }]
      ),
      fn(
        'read',
        [{ name: 'data', artifact: 'system.Dataset' }],
        [{ name: 'Output', type: 'NUMBER_INTEGER' }]
      )
    ],
    edges: [feed('make', 'data', 'read', 'data')]
  },
  'parallel-branches': {
    version: 1,
    name: 'parallel-branches',
    parameters: [{ name: 'flag', type: 'BOOLEAN', default: false }],
    nodes: [
      fn('start', [], [{ name: 'Output', type: 'STRING' }]),
      fn('left', [{ name: 's', type: 'STRING' }], [{ name: 'Output', type: 'NUMBER_DOUBLE' }]),
      fn(
        'right',
        [
          { name: 's', type: 'STRING' },
          { name: 'flag', type: 'BOOLEAN', default: true, parameter: 'flag' }
        ],
        [{ name: 'Output', type: 'NUMBER_DOUBLE' }]
      ),
      fn('final', [
        { name: 'a', type: 'NUMBER_DOUBLE' },
        { name: 'b', type: 'NUMBER_DOUBLE' }
      ]),
      fn('audit', [])
    ],
    edges: [
      feed('start', 'Output', 'left', 's'),
      feed('start', 'Output', 'right', 's'),
      feed('left', 'Output', 'final', 'a'),
      feed('right', 'Output', 'final', 'b'),
      after('left', 'audit'),
      after('right', 'audit')
    ]
  },
  'retry-caching-resources': {
    version: 1,
    name: 'retry-caching-resources',
    parameters: [
      { name: 'items', type: 'LIST', default: [1, 2] },
      { name: 'config', type: 'STRUCT', default: { k: 'v' } }
    ],
    nodes: [
      {
        ...fn(
          'heavy',
          [
            { name: 'items', type: 'LIST', parameter: 'items' },
            { name: 'config', type: 'STRUCT', parameter: 'config' }
          ],
          [{ name: 'Output', type: 'STRUCT' }]
        ),
        retries: 3,
        caching: false,
        resources: { cpu: '500m', memory: '256Mi', gpus: 2, gpuResource: 'amd.com/gpu' },
        env: { MODE: 'fast', LEVEL: '2' }
      },
      {
        id: 'shell',
        kind: 'container',
        image: 'alpine:3.20',
        command: ['sh', '-c'],
        args: [
          'echo "$0" > "$1" && echo done > "$2"',
          '{{inputs.message}}',
          '{{outputs.out}}',
          '{{outputs.report}}'
        ],
        inputs: [{ name: 'message', type: 'STRING', value: 'hello' }],
        outputs: [
          { name: 'out', type: 'STRING' },
          { name: 'report', artifact: 'system.Markdown' }
        ],
        caching: false
      }
    ],
    edges: [after('heavy', 'shell')]
  }
};

/**
 * What may differ by design: who compiled it, the display name (kfp writes one only when asked), and the
 * command of Python steps (kfp pip-installs itself and runs `kfp.dsl.executor_main`; we run our shim).
 */
function comparable(ir: Json): Json {
  const copy = JSON.parse(JSON.stringify(ir)) as Json;
  delete copy.sdkVersion;
  delete copy.pipelineInfo.displayName;
  for (const executor of Object.values(copy.deploymentSpec.executors) as Json[]) {
    if (executor.container.args?.[0] === '--executor_input') {
      delete executor.container.command;
    }
  }
  return copy;
}

describe('IR fidelity with kfp 2.17', () => {
  const recorder = recordingCompiler();
  let reference: Record<string, { ir: Json }>;

  beforeAll(() => {
    reference = referenceIrs();
  });

  it.each(Object.keys(DOCUMENTS))('%s: the same IR as kfp compiles for the DAG', name => {
    const ours = recorder.compile(DOCUMENTS[name], files);
    expect(comparable(ours.ir)).toEqual(comparable(reference[name].ir));
  });

  it('kfp and we run Python functions with the same arguments and image', () => {
    const ours = recorder.compile(DOCUMENTS['parameter-passing'], files).ir as Json;
    const theirs = reference['parameter-passing'].ir;
    const exec = (ir: Json) => ir.deploymentSpec.executors['exec-produce'].container;
    expect(exec(ours).args).toEqual(exec(theirs).args);
    expect(exec(ours).image).toEqual(exec(theirs).image);
    expect(exec(ours).command.slice(0, 2)).toEqual(['python3', '-c']);
  });

  it('compiles the demo example (notebook, script, function, container) and timeouts', () => {
    const demo = readJson<IPipelineSpec>(`${EXAMPLES}/demo.kfpipeline`);
    recorder.compile(demo, folderReader(EXAMPLES));
    demo.nodes[0].timeoutSeconds = 600;
    const withTimeout = recorder.compile(demo, folderReader(EXAMPLES));
    expect(withTimeout.platformSpec).toEqual({
      platforms: {
        kubernetes: {
          deploymentSpec: { executors: { 'exec-generate': { activeDeadlineSeconds: 600 } } }
        }
      }
    });
  });

  it('kfp loads our YAML as a component and compiles it into its own pipeline', () => {
    const demo = recorder.compile(
      readJson<IPipelineSpec>(`${EXAMPLES}/demo.kfpipeline`),
      folderReader(EXAMPLES)
    );
    const parallel = recorder.compile(DOCUMENTS['parallel-branches'], files);
    const nested = nestedInKfp({
      demo: toYaml(demo.ir, demo.platformSpec),
      parallel: toYaml(parallel.ir)
    });
    expect(nested).toEqual({
      demo: {
        components: [
          'comp-demo-pipeline',
          'comp-generate',
          'comp-report',
          'comp-stats',
          'comp-train'
        ],
        problems: []
      },
      parallel: {
        components: [
          'comp-audit',
          'comp-final',
          'comp-left',
          'comp-parallel-branches',
          'comp-right',
          'comp-start'
        ],
        problems: []
      }
    });
  });

  it('every IR emitted above passes the strict protobuf parse and the server upload checks', () => {
    expect(Object.keys(recorder.emitted).length).toBeGreaterThanOrEqual(9);
    expect(serverProblems(recorder.emitted)).toEqual({});
  });

  it('the strict parse does refuse an unknown field and a bad name (the check is real)', () => {
    const { ir } = recorder.compile(DOCUMENTS['artifact-passing'], files);
    const broken = JSON.parse(JSON.stringify(ir)) as Json;
    broken.root.dag.tasks.make.cachingOption = {};
    const badName = { ...ir, pipelineInfo: { name: 'Bad Name' } };
    const problems = serverProblems({
      broken: { ir: broken, warnings: [] },
      badName: { ir: badName, warnings: [] }
    });
    expect(problems.broken[0]).toMatch(/invalid v2 pipeline spec: .*cachingOption/);
    expect(problems.badName).toEqual([
      'pipelineInfo.name does not match ^[a-z0-9][a-z0-9-]{0,127}$'
    ]);
  });
});
