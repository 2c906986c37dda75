/**
 * Auto-layout of a pipeline graph with dagre (layered, left to right). Pure: node sizes in, positions out.
 * Imported only by the lazily loaded canvas chunk, so dagre is not part of JupyterLab's start-up.
 */
import dagre from '@dagrejs/dagre';
import { IPipelineSpec } from '../../contract/pipeline';

export const NODE_WIDTH = 210;
const HEADER = 46;
const PORT_ROW = 20;
/**
 * dagre's default ranker (network simplex) gives the tightest ranks but took ~10 s for 1,000 steps; the
 * longest-path ranker is linear and, for pipelines (mostly layered already), ranks the same way.
 */
const RANKER = 'longest-path';

/** The height a node is drawn with: a header plus one row per port on the longer side. */
export function nodeHeight(inputs: number, outputs: number): number {
  return HEADER + PORT_ROW * Math.max(inputs, outputs, 1);
}

/** Top-left positions of every node, laid out in ranks from sources to sinks. */
export function autoLayout(spec: IPipelineSpec): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 70, marginx: 20, marginy: 20, ranker: RANKER });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of spec.nodes) {
    g.setNode(n.id, { width: NODE_WIDTH, height: nodeHeight(n.inputs.length, n.outputs.length) });
  }
  spec.edges.forEach((e, i) => {
    if (g.hasNode(e.from.node) && g.hasNode(e.to.node)) {
      g.setEdge(e.from.node, e.to.node, {}, String(i));
    }
  });
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    // dagre gives centres; the canvas places nodes by their top-left corner.
    positions.set(id, { x: n.x - n.width / 2, y: n.y - n.height / 2 });
  }
  return positions;
}
