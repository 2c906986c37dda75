/** IR YAML compiled by the real kfp SDK (examples/kfp/train_eval.py → .yaml) read as a graph for the canvas. */
import { readFileSync } from 'fs';
import { join } from 'path';
import { irName, irParameters, irToSpec, parseIrYaml } from './ir';

const YAML = readFileSync(
  join(__dirname, '..', '..', 'examples', 'kfp', 'train_eval.yaml'),
  'utf8'
);
const PLATFORM =
  '---\nplatforms:\n  kubernetes:\n    deploymentSpec:\n      executors:\n        exec-train:\n          activeDeadlineSeconds: 60\n';

describe('a kfp-compiled IR as a pipeline graph', () => {
  it('reads the PipelineSpec, and the platform spec as the second document', () => {
    const alone = parseIrYaml(YAML);
    expect(irName(alone.ir)).toBe('train-eval');
    expect(alone.platformSpec).toBeUndefined();
    const both = parseIrYaml(YAML + PLATFORM);
    expect(both.ir).toEqual(alone.ir);
    expect(both.platformSpec).toEqual({
      platforms: {
        kubernetes: {
          deploymentSpec: { executors: { 'exec-train': { activeDeadlineSeconds: 60 } } }
        }
      }
    });
  });

  it('refuses YAML that is not a pipeline, and broken YAML, with the reason', () => {
    expect(() => parseIrYaml('apiVersion: v1\nkind: Pod\n')).toThrow(/no document has a `root`/);
    expect(() => parseIrYaml('root: [unclosed\n')).toThrow(/Not valid YAML/);
    expect(() => parseIrYaml('')).toThrow(/not a KFP pipeline/);
  });

  it('lists the parameters with their types and defaults', () => {
    expect(irParameters(parseIrYaml(YAML).ir)).toEqual([
      { name: 'lr', type: 'NUMBER_DOUBLE', default: 0.01 },
      { name: 'rows', type: 'NUMBER_INTEGER', default: 100 }
    ]);
  });

  it('draws each task with its image and ports, data edges from task outputs, order edges from .after()', () => {
    const spec = irToSpec(parseIrYaml(YAML).ir);
    expect(spec.nodes.map(n => n.id).sort()).toEqual(['evaluate', 'notify', 'prepare', 'train']);
    const train = spec.nodes.find(n => n.id === 'train')!;
    expect(train.image).toBe('python:3.11');
    expect(train.kind).toBe('container');
    expect(train.inputs).toEqual([
      { name: 'lr', type: 'NUMBER_DOUBLE', parameter: 'lr' },
      { name: 'data', artifact: 'system.Dataset' }
    ]);
    expect(train.outputs).toEqual([
      { name: 'Output', type: 'NUMBER_DOUBLE' },
      { name: 'model', artifact: 'system.Model' }
    ]);
    const notify = spec.nodes.find(n => n.id === 'notify')!;
    expect(notify.inputs).toEqual([{ name: 'channel', type: 'STRING', default: 'ml-team' }]);
    const edges = spec.edges.map(
      e => `${e.from.node}.${e.from.output ?? ''}->${e.to.node}.${e.to.input ?? ''}`
    );
    expect(edges.sort()).toEqual([
      'evaluate.->notify.',
      'prepare.data->train.data',
      'train.Output->evaluate.loss',
      'train.model->evaluate.model'
    ]);
  });

  it('draws constants and leaves out edges to tasks it does not know', () => {
    const spec = irToSpec({
      root: {
        dag: {
          tasks: {
            a: {
              componentRef: { name: 'c' },
              dependentTasks: ['gone'],
              inputs: { parameters: { n: { runtimeValue: { constant: 7 } } } }
            }
          }
        }
      },
      components: {
        c: { inputDefinitions: { parameters: { n: { parameterType: 'NUMBER_INTEGER' } } } }
      }
    });
    expect(spec.name).toBe('pipeline');
    expect(spec.nodes[0].inputs).toEqual([{ name: 'n', type: 'NUMBER_INTEGER', value: 7 }]);
    expect(spec.edges).toEqual([]);
  });
});
