/**
 * A pipeline document as canvas nodes and edges (React Flow's shapes), shared by the editor and the run view.
 * Pure: the document, its problems and (in the run view) the steps' states in, plain objects out.
 */
import type { Edge, Node } from '@xyflow/react';
import { IPipelineNode, IPipelineProblem, IPipelineSpec, IStep } from '../../../contract/pipeline';
import { edgeId, inHandle, ORDER_IN, ORDER_OUT, outHandle } from '../ops';

export interface IStepNodeData extends Record<string, unknown> {
  node: IPipelineNode;
  problems: string[];
  /** The step of a run (run view only). */
  step?: IStep;
  /** Clock for running steps' durations (run view only). */
  now?: number;
  readOnly: boolean;
}

export type StepFlowNode = Node<IStepNodeData, 'step'>;

/** Problems by node id (problems without a node are the pipeline's, shown in the properties panel). */
export function problemsByNode(problems: IPipelineProblem[]): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const p of problems) {
    if (p.node) {
      byNode.set(p.node, [...(byNode.get(p.node) ?? []), p.message]);
    }
  }
  return byNode;
}

export interface IFlowOptions {
  problems?: Map<string, string[]>;
  steps?: Map<string, IStep>;
  now?: number;
  readOnly?: boolean;
  selected?: ReadonlySet<string>;
  /** Positions to use instead of the document's (auto-layout of a document without positions). */
  positions?: Map<string, { x: number; y: number }>;
}

export function toFlowNodes(spec: IPipelineSpec, options: IFlowOptions = {}): StepFlowNode[] {
  return spec.nodes.map((node, i) => ({
    id: node.id,
    type: 'step',
    position: options.positions?.get(node.id) ??
      node.position ?? { x: (i % 5) * 260, y: Math.floor(i / 5) * 140 },
    selected: options.selected?.has(node.id) ?? false,
    data: {
      node,
      problems: options.problems?.get(node.id) ?? [],
      step: options.steps?.get(node.id),
      now: options.now,
      readOnly: !!options.readOnly
    }
  }));
}

export function toFlowEdges(
  spec: IPipelineSpec,
  steps?: Map<string, IStep>,
  selected?: ReadonlySet<string>
): Edge[] {
  return spec.edges.map(e => {
    const id = edgeId(e);
    const upstream = steps?.get(e.from.node)?.phase;
    return {
      id,
      source: e.from.node,
      target: e.to.node,
      sourceHandle: e.from.output ? outHandle(e.from.output) : ORDER_OUT,
      targetHandle: e.to.input ? inHandle(e.to.input) : ORDER_IN,
      selected: selected?.has(id) ?? false,
      animated: upstream === 'Running',
      className: e.from.output ? 'kf-edge-data' : 'kf-edge-order',
      ariaLabel: `${e.from.node}${e.from.output ? '.' + e.from.output : ''} to ${e.to.node}${
        e.to.input ? '.' + e.to.input : ''
      }`
    };
  });
}
