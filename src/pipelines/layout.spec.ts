import { IPipelineSpec } from '../../contract/pipeline';
import { autoLayout, nodeHeight, NODE_WIDTH } from './layout';
import { addNode, connect, newPipeline, setPorts } from './ops';

function chain(): IPipelineSpec {
  let spec = newPipeline();
  for (const file of ['a.py', 'b.py', 'c.py', 'd.py']) {
    spec = addNode(spec, { kind: 'script', file, position: { x: 0, y: 0 } }).spec;
  }
  const order = (s: IPipelineSpec, from: string, to: string) =>
    connect(s, { source: from, sourceHandle: 'after', target: to, targetHandle: 'before' });
  spec = order(order(order(spec, 'a', 'b'), 'a', 'c'), 'b', 'd');
  return setPorts(spec, 'd', 'inputs', [{ name: 'x' }, { name: 'y' }, { name: 'z' }]);
}

// jsdom lacks structuredClone (dagre uses it; every browser JupyterLab supports has it).
globalThis.structuredClone ??= <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('autoLayout', () => {
  it('places every step, sources left of what they feed, no two overlapping', () => {
    const at = autoLayout(chain());
    expect([...at.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(at.get('a')!.x).toBeLessThan(at.get('b')!.x);
    expect(at.get('b')!.x).toBeLessThan(at.get('d')!.x);
    expect(at.get('a')!.x).toBeLessThan(at.get('c')!.x);
    // No two steps overlap.
    const spec = chain();
    const box = (id: string) => {
      const n = spec.nodes.find(x => x.id === id)!;
      const p = at.get(id)!;
      return { ...p, w: NODE_WIDTH, h: nodeHeight(n.inputs.length, n.outputs.length) };
    };
    for (const a of spec.nodes) {
      for (const b of spec.nodes) {
        if (a.id < b.id) {
          const p = box(a.id);
          const q = box(b.id);
          const apart =
            p.x + p.w <= q.x || q.x + q.w <= p.x || p.y + p.h <= q.y || q.y + q.h <= p.y;
          expect(apart).toBe(true);
        }
      }
    }
    // Ranks are a node width plus the gap apart, so edges never run under a step.
    expect(at.get('b')!.x - at.get('a')!.x).toBeGreaterThan(NODE_WIDTH);
  });

  it('sizes nodes by their longer port column', () => {
    expect(nodeHeight(0, 0)).toBe(nodeHeight(1, 1));
    expect(nodeHeight(3, 1)).toBeGreaterThan(nodeHeight(1, 1));
  });
});
