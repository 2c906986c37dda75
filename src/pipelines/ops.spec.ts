import { IPipelineSpec } from '../../contract/pipeline';
import {
  addNode,
  connect,
  connectionProblem,
  deleteElements,
  edgeId,
  kindOfFile,
  moveNodes,
  newPipeline,
  parseDocument,
  renameNode,
  serializeDocument,
  setPorts,
  uniqueId,
  updateInput,
  updatePipeline
} from './ops';

/** prepare → train (data: Dataset) and prepare → stats (order only). */
function sample(): IPipelineSpec {
  let spec = newPipeline('Sample');
  spec = addNode(spec, { kind: 'notebook', file: 'prepare.ipynb', position: { x: 0, y: 0 } }).spec;
  spec = addNode(spec, { kind: 'script', file: 'train.py', position: { x: 300, y: 0 } }).spec;
  spec = addNode(spec, { kind: 'function', file: 'stats.py', position: { x: 300, y: 200 } }).spec;
  spec = setPorts(spec, 'prepare', 'outputs', [
    { name: 'data', artifact: 'system.Dataset' },
    { name: 'rows', type: 'NUMBER_INTEGER' }
  ]);
  spec = setPorts(spec, 'train', 'inputs', [
    { name: 'data', artifact: 'system.Dataset' },
    { name: 'epochs', type: 'NUMBER_INTEGER', value: 3 }
  ]);
  return spec;
}

describe('adding nodes', () => {
  it('names a node after its file, as a DNS-1123 label unique in the pipeline', () => {
    let spec = newPipeline();
    const a = addNode(spec, {
      kind: 'notebook',
      file: 'data/Prepare Data.ipynb',
      position: { x: 1.4, y: 2.6 }
    });
    expect(a.id).toBe('prepare-data');
    expect(a.spec.nodes[0]).toEqual({
      id: 'prepare-data',
      label: 'Prepare Data.ipynb',
      kind: 'notebook',
      file: 'data/Prepare Data.ipynb',
      inputs: [],
      outputs: [],
      position: { x: 1, y: 3 }
    });
    spec = a.spec;
    expect(
      addNode(spec, {
        kind: 'notebook',
        file: 'other/prepare_data.ipynb',
        position: { x: 0, y: 0 }
      }).id
    ).toBe('prepare-data-2');
  });

  it('gives palette kinds usable defaults', () => {
    const container = addNode(newPipeline(), { kind: 'container', position: { x: 0, y: 0 } });
    expect(container.spec.nodes[0]).toMatchObject({
      id: 'container',
      image: 'python:3.11',
      command: ['sh', '-c']
    });
    const fn = addNode(newPipeline(), { kind: 'function', position: { x: 0, y: 0 } });
    expect(fn.spec.nodes[0]).toMatchObject({ id: 'function', function: 'main' });
  });

  it.each([
    ['9lives.py', 'lives'],
    ['___', 'step'],
    ['UPPER_case.ipynb', 'upper-case']
  ])('uniqueId(%s) = %s', (base, id) => {
    expect(uniqueId(base, [])).toBe(id);
  });

  it('maps dropped files to node kinds', () => {
    expect(kindOfFile('a/b.ipynb')).toBe('notebook');
    expect(kindOfFile('b.PY')).toBe('script');
    expect(kindOfFile('data.csv')).toBeUndefined();
  });
});

describe('connecting', () => {
  it('connects an output to an input of the same type and clears the input’s constant', () => {
    const spec = connect(sample(), {
      source: 'prepare',
      sourceHandle: 'out:data',
      target: 'train',
      targetHandle: 'in:data'
    });
    expect(spec.edges).toEqual([
      { from: { node: 'prepare', output: 'data' }, to: { node: 'train', input: 'data' } }
    ]);
    const fed = connect(spec, {
      source: 'prepare',
      sourceHandle: 'out:rows',
      target: 'train',
      targetHandle: 'in:epochs'
    });
    expect(fed.nodes.find(n => n.id === 'train')!.inputs[1]).toEqual({
      name: 'epochs',
      type: 'NUMBER_INTEGER'
    });
  });

  it('refuses mismatched types, self-loops and cycles, saying why', () => {
    const spec = sample();
    expect(
      connectionProblem(spec, {
        source: 'prepare',
        sourceHandle: 'out:rows',
        target: 'train',
        targetHandle: 'in:data'
      })
    ).toBe('prepare.rows is NUMBER_INTEGER; train.data expects artifact system.Dataset.');
    expect(connectionProblem(spec, { source: 'train', target: 'train' })).toMatch(
      /cannot feed itself/
    );
    const chained = connect(spec, {
      source: 'prepare',
      sourceHandle: 'after',
      target: 'train',
      targetHandle: 'before'
    });
    expect(
      connectionProblem(chained, {
        source: 'train',
        sourceHandle: 'after',
        target: 'prepare',
        targetHandle: 'before'
      })
    ).toMatch(/cycle/);
    // An invalid connection leaves the very same document.
    expect(
      connect(spec, {
        source: 'prepare',
        sourceHandle: 'out:rows',
        target: 'train',
        targetHandle: 'in:data'
      })
    ).toBe(spec);
  });

  it('adds order-only edges and replaces the edge into an input that is fed again', () => {
    let spec = connect(sample(), {
      source: 'prepare',
      sourceHandle: 'after',
      target: 'stats',
      targetHandle: 'before'
    });
    expect(spec.edges).toEqual([{ from: { node: 'prepare' }, to: { node: 'stats' } }]);
    spec = setPorts(spec, 'stats', 'outputs', [{ name: 'n', type: 'NUMBER_INTEGER' }]);
    spec = connect(spec, {
      source: 'prepare',
      sourceHandle: 'out:rows',
      target: 'train',
      targetHandle: 'in:epochs'
    });
    spec = connect(spec, {
      source: 'stats',
      sourceHandle: 'out:n',
      target: 'train',
      targetHandle: 'in:epochs'
    });
    expect(spec.edges.filter(e => e.to.input === 'epochs')).toEqual([
      { from: { node: 'stats', output: 'n' }, to: { node: 'train', input: 'epochs' } }
    ]);
  });
});

describe('deleting, moving, renaming', () => {
  const connected = () =>
    connect(sample(), {
      source: 'prepare',
      sourceHandle: 'out:data',
      target: 'train',
      targetHandle: 'in:data'
    });

  it('deletes a node with its edges, or an edge alone', () => {
    const spec = connected();
    const withoutPrepare = deleteElements(spec, ['prepare']);
    expect(withoutPrepare.nodes.map(n => n.id)).toEqual(['train', 'stats']);
    expect(withoutPrepare.edges).toEqual([]);
    const withoutEdge = deleteElements(spec, [], [edgeId(spec.edges[0])]);
    expect(withoutEdge.nodes).toHaveLength(3);
    expect(withoutEdge.edges).toEqual([]);
    expect(deleteElements(spec, ['nope'])).toBe(spec);
  });

  it('moves nodes to rounded positions and leaves an unmoved document alone', () => {
    const spec = sample();
    const moved = moveNodes(spec, new Map([['train', { x: 10.2, y: 20.7 }]]));
    expect(moved.nodes[1].position).toEqual({ x: 10, y: 21 });
    expect(moveNodes(moved, new Map([['train', { x: 10, y: 21 }]]))).toBe(moved);
  });

  it('renames a node and the edges naming it; a taken id is refused', () => {
    const spec = renameNode(connected(), 'train', 'fit');
    expect(spec.edges[0].to.node).toBe('fit');
    expect(renameNode(spec, 'fit', 'prepare')).toBe(spec);
  });

  it('keeps edges of renamed ports and drops edges of removed ones', () => {
    const spec = connected();
    const renamed = setPorts(
      spec,
      'train',
      'inputs',
      [{ name: 'dataset', artifact: 'system.Dataset' }],
      new Map([['data', 'dataset']])
    );
    expect(renamed.edges[0].to).toEqual({ node: 'train', input: 'dataset' });
    expect(setPorts(spec, 'prepare', 'outputs', []).edges).toEqual([]);
  });
});

describe('pipeline properties', () => {
  it('binds inputs to parameters and follows parameter renames', () => {
    let spec = updatePipeline(sample(), {
      parameters: [{ name: 'epochs', type: 'NUMBER_INTEGER', default: 5 }]
    });
    spec = updateInput(spec, 'train', 'epochs', { value: undefined, parameter: 'epochs' });
    expect(spec.nodes[1].inputs[1]).toEqual({
      name: 'epochs',
      type: 'NUMBER_INTEGER',
      parameter: 'epochs'
    });
    spec = updatePipeline(
      spec,
      { parameters: [{ name: 'n_epochs', type: 'NUMBER_INTEGER', default: 5 }] },
      new Map([['epochs', 'n_epochs']])
    );
    expect(spec.nodes[1].inputs[1].parameter).toBe('n_epochs');
  });
});

describe('document text', () => {
  it('round-trips through the file format', () => {
    const spec = sample();
    const text = serializeDocument(spec);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseDocument(text)).toEqual({ spec });
  });

  it('reads an empty file as a new pipeline and explains what it cannot read', () => {
    expect(parseDocument('')).toEqual({ spec: newPipeline() });
    expect(parseDocument('{"version": 2}')).toEqual({
      problem: 'This pipeline has version 2; this editor reads version 1.'
    });
    expect(parseDocument('[1]')).toEqual({
      problem: 'This file does not hold a pipeline (a JSON object is expected).'
    });
    expect('problem' in parseDocument('{nope')).toBe(true);
  });
});
