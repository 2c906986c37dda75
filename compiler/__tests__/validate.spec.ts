/** Validation rules: each problem at its JSON pointer, naming its node, in plain words. */
import { IPipelineNode, IPipelineSpec } from '../../contract/pipeline';
import { checkPipeline, validatePipeline } from '../validate';
import { mapReader } from './files';

const FILES = mapReader({
  'prep.py': 'import sys\nprint("prep")\n',
  'lib.py': 'def train(data, lr):\n    return 1.0\n\nasync def later():\n    pass\n',
  'nb.ipynb': JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
  'broken.ipynb': '{not json',
  'data/helpers.py': 'X = 1\n'
});

function base(): IPipelineSpec {
  return {
    version: 1,
    name: 'Rules',
    parameters: [{ name: 'lr', type: 'NUMBER_DOUBLE', default: 0.1 }],
    nodes: [
      {
        id: 'prep',
        kind: 'script',
        file: 'prep.py',
        inputs: [],
        outputs: [
          { name: 'data', artifact: 'system.Dataset' },
          { name: 'rows', type: 'NUMBER_INTEGER' }
        ]
      },
      {
        id: 'train',
        kind: 'function',
        file: 'lib.py',
        function: 'train',
        inputs: [
          { name: 'data', artifact: 'system.Dataset' },
          { name: 'lr', type: 'NUMBER_DOUBLE', parameter: 'lr' }
        ],
        outputs: [{ name: 'Output', type: 'NUMBER_DOUBLE' }]
      }
    ],
    edges: [{ from: { node: 'prep', output: 'data' }, to: { node: 'train', input: 'data' } }]
  };
}

const problems = (spec: IPipelineSpec) => validatePipeline(spec, FILES);
const node = (spec: IPipelineSpec, id: string) =>
  spec.nodes.find(n => n.id === id) as IPipelineNode;

describe('validatePipeline', () => {
  it('accepts a valid pipeline', () => {
    expect(problems(base())).toEqual([]);
  });

  it('reports schema problems under a node with the node named', () => {
    const spec = base();
    (node(spec, 'train') as { retries?: unknown }).retries = -1;
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/1/retries',
        node: 'train',
        message: "node 'train': retries must be at least 0"
      }
    ]);
  });

  it('finds an unconnected required input', () => {
    const spec = base();
    spec.edges = [];
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/1/inputs/0',
        node: 'train',
        message: "node 'train': input 'data' is not connected"
      }
    ]);
  });

  it('accepts an input that has a default, a value or a parameter instead of an edge', () => {
    const spec = base();
    node(spec, 'train').inputs.push(
      { name: 'epochs', type: 'NUMBER_INTEGER', default: 3 },
      { name: 'mode', type: 'STRING', value: 'fast' }
    );
    expect(problems(spec)).toEqual([]);
  });

  it('finds cycles and names the nodes along them', () => {
    const spec = base();
    spec.edges.push({ from: { node: 'train' }, to: { node: 'prep' } });
    expect(problems(spec)).toEqual([
      {
        path: '/edges/1',
        node: 'prep',
        message: "node 'prep': is part of a cycle: 'prep' → 'train' → 'prep'"
      }
    ]);
  });

  it('finds a node that depends on itself', () => {
    const spec = base();
    spec.edges.push({ from: { node: 'prep' }, to: { node: 'prep' } });
    expect(problems(spec)).toEqual([
      {
        path: '/edges/1',
        node: 'prep',
        message: "node 'prep': is part of a cycle: 'prep' → 'prep'"
      }
    ]);
  });

  it('finds a type mismatch between an output and the input it feeds', () => {
    const spec = base();
    spec.edges.push({ from: { node: 'prep', output: 'rows' }, to: { node: 'train', input: 'lr' } });
    node(spec, 'train').inputs[1].parameter = undefined;
    expect(problems(spec)).toEqual([
      {
        path: '/edges/1',
        node: 'train',
        message:
          "node 'train': input 'lr' (NUMBER_DOUBLE) cannot take output 'rows' of 'prep' (NUMBER_INTEGER)"
      }
    ]);
  });

  it('lets system.Artifact inputs take any artifact but not a parameter', () => {
    const spec = base();
    node(spec, 'train').inputs[0].artifact = 'system.Artifact';
    expect(problems(spec)).toEqual([]);
    spec.edges[0].from.output = 'rows';
    expect(problems(spec)[0].message).toBe(
      "node 'train': input 'data' (system.Artifact) cannot take output 'rows' of 'prep' (NUMBER_INTEGER)"
    );
  });

  it('refuses an input fed twice, or fed and bound at once', () => {
    const spec = base();
    spec.edges.push({
      from: { node: 'prep', output: 'data' },
      to: { node: 'train', input: 'data' }
    });
    spec.edges.push({ from: { node: 'prep', output: 'rows' }, to: { node: 'train', input: 'lr' } });
    node(spec, 'train').inputs[1].type = 'NUMBER_INTEGER';
    spec.parameters[0].type = 'NUMBER_INTEGER';
    spec.parameters[0].default = 1;
    expect(problems(spec)).toEqual([
      {
        path: '/edges/1/to/input',
        node: 'train',
        message: "node 'train': input 'data' is already fed by edge 0"
      },
      {
        path: '/nodes/1/inputs/1',
        node: 'train',
        message:
          "node 'train': input 'lr' is connected to 'prep' and also set to a pipeline parameter"
      }
    ]);
  });

  it('names missing nodes and ports at the edge', () => {
    const spec = base();
    spec.edges.push(
      { from: { node: 'ghost' }, to: { node: 'train' } },
      { from: { node: 'prep', output: 'nothing' }, to: { node: 'train', input: 'data' } },
      { from: { node: 'prep', output: 'rows' }, to: { node: 'train', input: 'nothing' } },
      { from: { node: 'prep', output: 'rows' }, to: { node: 'train' } }
    );
    expect(problems(spec)).toEqual([
      { path: '/edges/1/from/node', message: "there is no node 'ghost'" },
      {
        path: '/edges/2/from/output',
        node: 'prep',
        message: "node 'prep': has no output 'nothing'"
      },
      { path: '/edges/3/to/input', node: 'train', message: "node 'train': has no input 'nothing'" },
      {
        path: '/edges/4',
        node: 'train',
        message:
          "node 'train': an edge names both an output and an input, or neither (run after 'prep')"
      }
    ]);
  });

  it('finds missing files, dependencies and functions', () => {
    const spec = base();
    node(spec, 'prep').file = 'gone.py';
    node(spec, 'prep').dependencies = ['data/helpers.py', 'data/missing.csv'];
    node(spec, 'train').function = 'later_train';
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/0/file',
        node: 'prep',
        message: "node 'prep': file 'gone.py' does not exist"
      },
      {
        path: '/nodes/0/dependencies/1',
        node: 'prep',
        message: "node 'prep': file 'data/missing.csv' does not exist"
      },
      {
        path: '/nodes/1/function',
        node: 'train',
        message: "node 'train': there is no function 'later_train' in lib.py"
      }
    ]);
  });

  it('finds top-level async functions and resolves ./ and .. in paths', () => {
    const spec = base();
    node(spec, 'train').function = 'later';
    node(spec, 'train').file = './data/../lib.py';
    expect(problems(spec)).toEqual([]);
  });

  it('checks notebooks are notebooks and kinds have their fields', () => {
    const spec = base();
    spec.nodes.push(
      { id: 'nb', kind: 'notebook', file: 'broken.ipynb', inputs: [], outputs: [] },
      { id: 'nb2', kind: 'notebook', file: 'prep.py', inputs: [], outputs: [] },
      { id: 'box', kind: 'container', file: 'prep.py', inputs: [], outputs: [] },
      { id: 'fn', kind: 'function', file: 'lib.py', command: ['python'], inputs: [], outputs: [] }
    );
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/2/file',
        node: 'nb',
        message: "node 'nb': broken.ipynb is not a notebook (not JSON)"
      },
      {
        path: '/nodes/3/file',
        node: 'nb2',
        message: "node 'nb2': a notebook step runs a .ipynb file"
      },
      {
        path: '/nodes/3/file',
        node: 'nb2',
        message: "node 'nb2': prep.py is not a notebook (not JSON)"
      },
      {
        path: '/nodes/4/image',
        node: 'box',
        message: "node 'box': a container step needs an image"
      },
      {
        path: '/nodes/4/command',
        node: 'box',
        message: "node 'box': a container step needs a command"
      },
      {
        path: '/nodes/4/file',
        node: 'box',
        message:
          "node 'box': a container step runs its image's own files; 'file' is for notebook, script and function steps"
      },
      {
        path: '/nodes/5/command',
        node: 'fn',
        message: "node 'fn': only container steps take a command"
      },
      {
        path: '/nodes/5/function',
        node: 'fn',
        message: "node 'fn': a function step names the function to run"
      }
    ]);
  });

  it('refuses duplicate ids, parameters and port names', () => {
    const spec = base();
    spec.parameters.push({ name: 'lr', type: 'STRING' });
    spec.nodes.push({ ...node(spec, 'prep'), file: 'prep.py' });
    node(spec, 'train').outputs.push({ name: 'lr', type: 'STRING' });
    expect(problems(spec)).toEqual([
      { path: '/parameters/1/name', message: "there is another pipeline parameter named 'lr'" },
      {
        path: '/nodes/1/outputs/1/name',
        node: 'train',
        message: "node 'train': 'lr' names another input or output of this node"
      },
      {
        path: '/nodes/2/id',
        node: 'prep',
        message: "node 'prep': another node has this id (ids name the tasks in KFP)"
      }
    ]);
  });

  it('refuses Python keywords as port names of notebook and function steps, not of scripts', () => {
    const spec = base();
    node(spec, 'train').inputs.push({ name: 'lambda', type: 'STRING', value: 'x' });
    node(spec, 'prep').outputs.push({ name: 'class', type: 'STRING' });
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/1/inputs/2/name',
        node: 'train',
        message:
          "node 'train': 'lambda' is a Python keyword; function steps use input and output names as Python names"
      }
    ]);
  });

  it('needs exactly one of a parameter type and an artifact type per port', () => {
    const spec = base();
    node(spec, 'prep').outputs[1] = { name: 'rows' };
    node(spec, 'prep').outputs[0].type = 'STRING';
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/0/outputs/0',
        node: 'prep',
        message: "node 'prep': output 'data' needs either a parameter type or an artifact type"
      },
      {
        path: '/nodes/0/outputs/1',
        node: 'prep',
        message: "node 'prep': output 'rows' needs either a parameter type or an artifact type"
      },
      {
        path: '/edges/0',
        node: 'train',
        message:
          "node 'train': input 'data' (system.Dataset) cannot take output 'data' of 'prep' (STRING)"
      }
    ]);
  });

  it('checks bindings: parameter exists and has the type, values and defaults fit, artifacts take neither', () => {
    const spec = base();
    spec.parameters.push({ name: 'name', type: 'STRING', default: 3 });
    const train = node(spec, 'train');
    train.inputs[0].default = 'x';
    train.inputs[1].parameter = 'name';
    train.inputs.push(
      { name: 'n', type: 'NUMBER_INTEGER', value: 1.5 },
      { name: 'm', type: 'STRUCT', parameter: 'nope' },
      { name: 'b', type: 'BOOLEAN', value: true, parameter: 'lr' }
    );
    expect(problems(spec)).toEqual([
      { path: '/parameters/1/default', message: "the default of 'name' is not a STRING" },
      {
        path: '/nodes/1/inputs/0/default',
        node: 'train',
        message:
          "node 'train': input 'data' is an artifact: it comes from another step's output only"
      },
      {
        path: '/nodes/1/inputs/1/parameter',
        node: 'train',
        message:
          "node 'train': input 'lr' (NUMBER_DOUBLE) cannot take pipeline parameter 'name' (STRING)"
      },
      {
        path: '/nodes/1/inputs/2/value',
        node: 'train',
        message: "node 'train': the value of input 'n' is not a NUMBER_INTEGER"
      },
      {
        path: '/nodes/1/inputs/3/parameter',
        node: 'train',
        message: "node 'train': there is no pipeline parameter 'nope'"
      },
      {
        path: '/nodes/1/inputs/4',
        node: 'train',
        message: "node 'train': input 'b' is bound to a pipeline parameter and to a value; keep one"
      },
      {
        path: '/nodes/1/inputs/4/parameter',
        node: 'train',
        message:
          "node 'train': input 'b' (BOOLEAN) cannot take pipeline parameter 'lr' (NUMBER_DOUBLE)"
      }
    ]);
  });

  it('reserves executed_notebook on notebooks and Output as the return parameter of functions', () => {
    const spec = base();
    spec.nodes.push({
      id: 'nb',
      kind: 'notebook',
      file: 'nb.ipynb',
      inputs: [],
      outputs: [{ name: 'executed_notebook', artifact: 'system.Artifact' }]
    });
    node(spec, 'train').outputs[0] = { name: 'Output', artifact: 'system.Model' };
    expect(problems(spec)).toEqual([
      {
        path: '/nodes/1/outputs',
        node: 'train',
        message: "node 'train': 'Output' is the function's return value: it must be a parameter"
      },
      {
        path: '/nodes/2/outputs',
        node: 'nb',
        message:
          "node 'nb': 'executed_notebook' is the executed notebook, added to every notebook step"
      }
    ]);
  });

  it('lets an edge read the executed notebook of a notebook step', () => {
    const spec = base();
    spec.nodes.push({ id: 'nb', kind: 'notebook', file: 'nb.ipynb', inputs: [], outputs: [] });
    node(spec, 'train').inputs.push({ name: 'report', artifact: 'system.Artifact' });
    spec.edges.push({
      from: { node: 'nb', output: 'executed_notebook' },
      to: { node: 'train', input: 'report' }
    });
    expect(problems(spec)).toEqual([]);
  });

  it('checks container placeholders name ports, and warns about outputs the command cannot write', () => {
    const spec = base();
    spec.nodes.push({
      id: 'box',
      kind: 'container',
      image: 'alpine',
      command: ['sh', '-c', 'cat {{inputs.data}} > {{outputs.copy}}; echo {{inputs.nope}}'],
      inputs: [{ name: 'data', artifact: 'system.Dataset' }],
      outputs: [
        { name: 'copy', artifact: 'system.Dataset' },
        { name: 'unused', type: 'STRING' }
      ]
    });
    spec.edges.push({ from: { node: 'prep', output: 'data' }, to: { node: 'box', input: 'data' } });
    const checked = checkPipeline(spec, FILES);
    expect(checked.errors).toEqual([
      {
        path: '/nodes/2/command/2',
        node: 'box',
        message: "node 'box': '{{inputs.nope}}' names no input of this step"
      }
    ]);
    expect(checked.warnings).toEqual([
      {
        path: '/nodes/2/outputs/1',
        node: 'box',
        message:
          "node 'box': output 'unused' is not used in the command or args ({{outputs.unused}}): the step cannot write it"
      }
    ]);
  });

  it('warns when a Python step names an image that may lack Python', () => {
    const spec = base();
    node(spec, 'prep').image = 'alpine:3.20';
    expect(checkPipeline(spec, FILES).warnings).toEqual([
      {
        path: '/nodes/0/image',
        node: 'prep',
        message:
          "node 'prep': image 'alpine:3.20' may not have Python; script steps run with python3"
      }
    ]);
  });
});
