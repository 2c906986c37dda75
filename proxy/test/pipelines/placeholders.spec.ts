/** The executor contract on disk and the KFP placeholders, resolved like the KFP launcher resolves them. */
import {
  executorInput,
  PlaceholderError,
  resolveCommand
} from '../../src/backends/local/pipelines/placeholders';
import { IPipelineIr, ITaskSpec } from '../../src/backends/local/pipelines/ir';
import { planRun, PlanError } from '../../src/backends/local/pipelines/plan';
import { coerce, resolveRunParameters } from '../../src/backends/local/pipelines/step-io';

const component = {
  inputDefinitions: { parameters: { n: { parameterType: 'NUMBER_INTEGER' } } },
  outputDefinitions: {
    parameters: { total: { parameterType: 'NUMBER_INTEGER' } },
    artifacts: { model: { artifactType: { schemaTitle: 'system.Model', schemaVersion: '0.0.1' } } }
  }
};
const data = {
  name: 'data',
  uri: '/runs/p-1/make/data',
  metadata: { rows: 3 },
  type: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' }
};
const input = executorInput(
  component,
  '/runs/p-1/train',
  { n: 5, s: 'a b', l: [1, 2], ok: true },
  { data }
);

describe('executorInput', () => {
  it('lays out outputs like kfp.local: <task_root>/<name> and executor_output.json', () => {
    expect(input.outputs).toEqual({
      parameters: { total: { outputFile: '/runs/p-1/train/total' } },
      artifacts: {
        model: {
          artifacts: [
            {
              name: 'model',
              uri: '/runs/p-1/train/model',
              metadata: {},
              type: { schemaTitle: 'system.Model', schemaVersion: '0.0.1' }
            }
          ]
        }
      },
      outputFile: '/runs/p-1/train/executor_output.json'
    });
    expect(input.inputs.artifacts).toEqual({ data: { artifacts: [data] } });
  });
});

describe('resolveCommand', () => {
  it.each([
    ["{{$.inputs.parameters['n']}}", '5'],
    ["{{$.inputs.parameters['s']}}", 'a b'],
    ["{{$.inputs.parameters['l']}}", '[1,2]'],
    ["{{$.inputs.parameters['ok']}}", 'true'],
    ["--n={{$.inputs.parameters['n']}}!", '--n=5!'],
    ["{{$.outputs.parameters['total'].output_file}}", '/runs/p-1/train/total'],
    ["{{$.inputs.artifacts['data'].path}}", '/runs/p-1/make/data'],
    ["{{$.inputs.artifacts['data'].uri}}", '/runs/p-1/make/data'],
    ["{{$.inputs.artifacts['data'].metadata}}", '{"rows":3}'],
    ["{{$.inputs.artifacts['data'].metadata['rows']}}", '3'],
    ["{{$.outputs.artifacts['model'].path}}", '/runs/p-1/train/model']
  ])('%s → %s', (arg, expected) => {
    expect(resolveCommand([arg], input)).toEqual([expected]);
  });

  it('gives the whole ExecutorInput for {{$}}', () => {
    expect(JSON.parse(resolveCommand(['{{$}}'], input)[0])).toEqual(input);
  });

  it("expands kfp's IfPresent and Concat placeholders", () => {
    const ifPresent = (name: string) =>
      JSON.stringify({
        IfPresent: {
          InputName: name,
          Then: ['--x', "{{$.inputs.parameters['n']}}"],
          Else: ['--none']
        }
      });
    expect(resolveCommand(['a', ifPresent('n'), 'b'], input)).toEqual(['a', '--x', '5', 'b']);
    expect(resolveCommand([ifPresent('absent')], input)).toEqual(['--none']);
    const concat = JSON.stringify({ Concat: ['n=', "{{$.inputs.parameters['n']}}", '/', 'x'] });
    expect(resolveCommand([concat], input)).toEqual(['n=5/x']);
  });

  it('names what it cannot resolve', () => {
    expect(() => resolveCommand(["{{$.inputs.parameters['zz']}}"], input)).toThrow(
      new PlaceholderError(`{{$.inputs.parameters['zz']}}: input parameter "zz" has no value`)
    );
    expect(() => resolveCommand(["{{$.outputs.parameters['zz'].output_file}}"], input)).toThrow(
      'declares no output parameter "zz"'
    );
    expect(() => resolveCommand(["{{$.inputs.artifacts['data'].size}}"], input)).toThrow(
      'unknown placeholder'
    );
  });
});

describe('run parameters', () => {
  const defs = {
    n: { parameterType: 'NUMBER_INTEGER' },
    lr: { parameterType: 'NUMBER_DOUBLE', defaultValue: 0.1 },
    name: { parameterType: 'STRING', isOptional: true },
    flags: { parameterType: 'LIST', defaultValue: [] }
  };
  it('reads text as the declared type and fills defaults', () => {
    expect(resolveRunParameters(defs, { n: '3', flags: '["a"]' })).toEqual({
      values: { n: 3, lr: 0.1, flags: ['a'] },
      errors: []
    });
  });
  it('names each bad or missing parameter', () => {
    expect(resolveRunParameters(defs, { lr: 'fast', extra: 1 }).errors).toEqual([
      {
        path: '/parameters/extra',
        message: 'the pipeline has no parameter "extra" (it has: n, lr, name, flags)'
      },
      { path: '/parameters/n', message: 'is required (the pipeline gives no default)' },
      { path: '/parameters/lr', message: 'must be a number, got "fast"' }
    ]);
  });
  it.each([
    ['1.5', 'NUMBER_INTEGER', undefined],
    ['true', 'BOOLEAN', true],
    ['{"a":1}', 'STRUCT', { a: 1 }],
    [7, 'STRING', undefined],
    ['7', 'STRING', '7']
  ])('coerce(%j, %s) → %j', (raw, type, expected) => {
    expect(coerce(raw, type)).toEqual(expected);
  });
});

describe('planRun', () => {
  const task = (extra: object = {}) => ({
    taskInfo: { name: 't' },
    componentRef: { name: 'comp-t' },
    ...extra
  });
  const ir = (
    tasks: Record<string, object>,
    executors: Record<string, object> = {}
  ): IPipelineIr => ({
    pipelineInfo: { name: 'p' },
    root: { dag: { tasks: tasks as Record<string, ITaskSpec> } },
    components: Object.fromEntries(
      Object.keys(tasks).map(t => [`comp-${t}`, { executorLabel: `exec-${t}` }])
    ),
    deploymentSpec: {
      executors: {
        ...Object.fromEntries(
          Object.keys(tasks).map(t => [
            `exec-${t}`,
            { container: { image: 'x', command: ['true'] } }
          ])
        ),
        ...executors
      }
    }
  });

  it('orders tasks after their upstream: dependentTasks and data edges alike', () => {
    const plan = planRun(
      ir({
        c: {
          componentRef: { name: 'comp-c' },
          inputs: {
            parameters: {
              v: { taskOutputParameter: { producerTask: 'b', outputParameterKey: 'o' } }
            }
          }
        },
        b: { componentRef: { name: 'comp-b' }, dependentTasks: ['a'] },
        a: { componentRef: { name: 'comp-a' } }
      })
    );
    expect(plan.steps.map(s => [s.task, s.upstream])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['b']]
    ]);
  });

  it('reads retry policy and caching as kfp writes them', () => {
    const retried = task({
      cachingOptions: { enableCache: true },
      retryPolicy: {
        maxRetryCount: 2,
        backoffDuration: '5s',
        backoffFactor: 3,
        backoffMaxDuration: '60s'
      }
    });
    const plan = planRun(ir({ t: retried }));
    expect(plan.steps[0]).toMatchObject({
      cache: true,
      retry: { maxRetryCount: 2, backoffSeconds: 5, factor: 3, maxBackoffSeconds: 60 }
    });
    expect(planRun(ir({ t: task({ cachingOptions: {} }) })).steps[0].cache).toBe(false);
  });

  it('reports a cycle, a missing component and an executor it cannot run, with IR paths', () => {
    const cyclic = () =>
      planRun(
        ir({
          a: { componentRef: { name: 'comp-a' }, dependentTasks: ['b'] },
          b: { componentRef: { name: 'comp-b' }, dependentTasks: ['a'] }
        })
      );
    expect(cyclic).toThrow(PlanError);
    expect(cyclic).toThrow('the tasks form a cycle: a → b → a');
    const importer = () =>
      planRun(
        ir({ t: task() }, { 'exec-t': { importer: { artifactUri: { constant: 'gs://x' } } } })
      );
    expect(importer).toThrow(
      new PlanError([
        {
          path: '/deploymentSpec/executors/exec-t',
          message: 'task "t": is an importer; the local runner runs container executors only'
        }
      ])
    );
    expect(() => planRun({ root: { dag: { tasks: {} } } })).toThrow('the pipeline has no tasks');
  });
});
