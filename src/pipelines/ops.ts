/**
 * The editor's operations on a pipeline document, as pure functions: each takes a document and returns a new
 * one (or the same object when nothing changes, so callers skip a write). No I/O, no React: the document
 * model applies them to the shared text, and the unit tests call them directly.
 */
import {
  IEdge,
  INodeInput,
  INodeOutput,
  IPipelineNode,
  IPipelineSpec,
  NodeKind,
  PIPELINE_DOCUMENT_VERSION
} from '../../contract/pipeline';

/** The editor's handle ids: `out:NAME` / `in:NAME` for ports, `after` / `before` for order-only edges. */
export const ORDER_OUT = 'after';
export const ORDER_IN = 'before';
export const outHandle = (name: string): string => `out:${name}`;
export const inHandle = (name: string): string => `in:${name}`;

export function newPipeline(name = 'Untitled pipeline'): IPipelineSpec {
  return { version: PIPELINE_DOCUMENT_VERSION, name, parameters: [], nodes: [], edges: [] };
}

/** Parses a document's text; an empty file is a new pipeline (what "New pipeline" and an empty file hold). */
export function parseDocument(text: string): { spec: IPipelineSpec } | { problem: string } {
  if (!text.trim()) {
    return { spec: newPipeline() };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `This file is not valid JSON: ${(e as Error).message}` };
  }
  const doc = value as Partial<IPipelineSpec> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { problem: 'This file does not hold a pipeline (a JSON object is expected).' };
  }
  if (doc.version !== PIPELINE_DOCUMENT_VERSION) {
    return {
      problem: `This pipeline has version ${String(doc.version)}; this editor reads version ${PIPELINE_DOCUMENT_VERSION}.`
    };
  }
  return {
    spec: {
      ...doc,
      version: PIPELINE_DOCUMENT_VERSION,
      name: typeof doc.name === 'string' ? doc.name : '',
      parameters: Array.isArray(doc.parameters) ? doc.parameters : [],
      nodes: (Array.isArray(doc.nodes) ? doc.nodes : []).map(n => ({
        ...n,
        inputs: Array.isArray(n.inputs) ? n.inputs : [],
        outputs: Array.isArray(n.outputs) ? n.outputs : []
      })),
      edges: Array.isArray(doc.edges) ? doc.edges : []
    }
  };
}

/** Stable, diff-friendly text: two-space indent and a final newline. */
export function serializeDocument(spec: IPipelineSpec): string {
  return JSON.stringify(spec, null, 2) + '\n';
}

/** A DNS-1123 label (what KFP accepts as a task name) derived from `base`, unique among `taken`. */
export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let stem =
    base
      .toLowerCase()
      .replace(/\.[a-z0-9]+$/, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+/g, '-')
      .replace(/-$/, '')
      .slice(0, 56) || 'step';
  stem = stem.replace(/-$/, '');
  if (!used.has(stem)) {
    return stem;
  }
  for (let i = 2; ; i++) {
    const id = `${stem}-${i}`;
    if (!used.has(id)) {
      return id;
    }
  }
}

/** The node kind a file becomes when dropped on the canvas, or undefined when it cannot be a step. */
export function kindOfFile(path: string): NodeKind | undefined {
  if (/\.ipynb$/i.test(path)) {
    return 'notebook';
  }
  if (/\.py$/i.test(path)) {
    return 'script';
  }
  return undefined;
}

export const KIND_LABELS: Record<NodeKind, string> = {
  notebook: 'Notebook',
  script: 'Python script',
  function: 'Python function',
  container: 'Container'
};

export interface INewNode {
  kind: NodeKind;
  /** A path relative to the pipeline file's directory. */
  file?: string;
  position: { x: number; y: number };
}

/** Adds a node; its id comes from the file name or the kind. Returns the document and the new id. */
export function addNode(spec: IPipelineSpec, init: INewNode): { spec: IPipelineSpec; id: string } {
  const base = init.file ? (init.file.split('/').pop() ?? init.kind) : init.kind;
  const id = uniqueId(
    base,
    spec.nodes.map(n => n.id)
  );
  const node: IPipelineNode = {
    id,
    label: init.file ? (init.file.split('/').pop() ?? id) : KIND_LABELS[init.kind],
    kind: init.kind,
    inputs: [],
    outputs: [],
    position: { x: Math.round(init.position.x), y: Math.round(init.position.y) }
  };
  if (init.file) {
    node.file = init.file;
  }
  if (init.kind === 'function') {
    node.function = 'main';
  }
  if (init.kind === 'container') {
    node.image = 'python:3.11';
    node.command = ['sh', '-c'];
    node.args = ['echo hello'];
  }
  return { spec: { ...spec, nodes: [...spec.nodes, node] }, id };
}

export function updateNode(
  spec: IPipelineSpec,
  id: string,
  change: Partial<IPipelineNode>
): IPipelineSpec {
  const index = spec.nodes.findIndex(n => n.id === id);
  if (index < 0) {
    return spec;
  }
  const next = { ...spec.nodes[index], ...change };
  for (const key of Object.keys(change) as (keyof IPipelineNode)[]) {
    if (change[key] === undefined) {
      delete next[key];
    }
  }
  const nodes = spec.nodes.slice();
  nodes[index] = next;
  return { ...spec, nodes };
}

/** Renames a node's id and every edge that names it (the id is the KFP task name). */
export function renameNode(spec: IPipelineSpec, id: string, newId: string): IPipelineSpec {
  if (id === newId || !newId || spec.nodes.some(n => n.id === newId)) {
    return spec;
  }
  return {
    ...spec,
    nodes: spec.nodes.map(n => (n.id === id ? { ...n, id: newId } : n)),
    edges: spec.edges.map(e => ({
      from: e.from.node === id ? { ...e.from, node: newId } : e.from,
      to: e.to.node === id ? { ...e.to, node: newId } : e.to
    }))
  };
}

/** Moves nodes to positions (rounded: no sub-pixel noise in the diff). Unchanged positions: same document. */
export function moveNodes(
  spec: IPipelineSpec,
  positions: ReadonlyMap<string, { x: number; y: number }>
): IPipelineSpec {
  let changed = false;
  const nodes = spec.nodes.map(n => {
    const p = positions.get(n.id);
    if (!p) {
      return n;
    }
    const position = { x: Math.round(p.x), y: Math.round(p.y) };
    if (n.position && n.position.x === position.x && n.position.y === position.y) {
      return n;
    }
    changed = true;
    return { ...n, position };
  });
  return changed ? { ...spec, nodes } : spec;
}

/** A port's type in words, for handles' titles and mismatch messages. */
export function portType(port: INodeInput | INodeOutput): string {
  return port.artifact ? `artifact ${port.artifact}` : (port.type ?? 'STRING');
}

/** Whether an output can feed an input: parameters of the same type, or artifacts of the same schema. */
export function compatible(output: INodeOutput, input: INodeInput): boolean {
  if (output.artifact || input.artifact) {
    return (
      !!output.artifact &&
      !!input.artifact &&
      (input.artifact === 'system.Artifact' || output.artifact === input.artifact)
    );
  }
  return (output.type ?? 'STRING') === (input.type ?? 'STRING');
}

export interface IConnection {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/** Why a connection cannot be made, or '' when it can. */
export function connectionProblem(spec: IPipelineSpec, c: IConnection): string {
  if (c.source === c.target) {
    return 'A step cannot feed itself.';
  }
  const from = spec.nodes.find(n => n.id === c.source);
  const to = spec.nodes.find(n => n.id === c.target);
  if (!from || !to) {
    return 'Both ends must be steps of this pipeline.';
  }
  if (reaches(spec.edges, c.target, c.source)) {
    return `${c.target} already runs before ${c.source}: this edge would make a cycle.`;
  }
  const output = portOf(from.outputs, c.sourceHandle, 'out:');
  const input = portOf(to.inputs, c.targetHandle, 'in:');
  if (output === null || input === null) {
    return 'Unknown port.';
  }
  if (!output !== !input) {
    return 'Connect an output to an input, or the order handles to each other.';
  }
  if (output && input && !compatible(output, input)) {
    return `${from.id}.${output.name} is ${portType(output)}; ${to.id}.${input.name} expects ${portType(input)}.`;
  }
  return '';
}

/** The port a handle names; undefined for an order handle, null when the port does not exist. */
function portOf<T extends { name: string }>(
  ports: T[],
  handle: string | null | undefined,
  prefix: string
): T | undefined | null {
  if (!handle || !handle.startsWith(prefix)) {
    return undefined;
  }
  return ports.find(p => p.name === handle.slice(prefix.length)) ?? null;
}

/** Adds an edge (an input has one source: a new edge into it replaces the old one). Invalid: same document. */
export function connect(spec: IPipelineSpec, c: IConnection): IPipelineSpec {
  if (connectionProblem(spec, c)) {
    return spec;
  }
  const output = c.sourceHandle?.startsWith('out:') ? c.sourceHandle.slice(4) : undefined;
  const input = c.targetHandle?.startsWith('in:') ? c.targetHandle.slice(3) : undefined;
  const edge: IEdge = {
    from: output ? { node: c.source, output } : { node: c.source },
    to: input ? { node: c.target, input } : { node: c.target }
  };
  const exists = spec.edges.some(e => edgeId(e) === edgeId(edge));
  if (exists) {
    return spec;
  }
  const edges = spec.edges.filter(e => !(input && e.to.node === c.target && e.to.input === input));
  // An input fed by an edge no longer takes its value from a parameter or a constant.
  const fed = input
    ? updateInput(spec, c.target, input, { parameter: undefined, value: undefined })
    : spec;
  return { ...fed, edges: [...edges, edge] };
}

/** A stable id of an edge (the canvas's edge id). */
export function edgeId(e: IEdge): string {
  return `${e.from.node}:${e.from.output ?? ''}->${e.to.node}:${e.to.input ?? ''}`;
}

/** Whether `to` can be reached from `from` following edges. */
export function reaches(edges: IEdge[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  }
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) {
      return true;
    }
    if (!seen.has(id)) {
      seen.add(id);
      stack.push(...(next.get(id) ?? []));
    }
  }
  return false;
}

/** Deletes nodes (with their edges) and edges (by `edgeId`). Nothing to delete: same document. */
export function deleteElements(
  spec: IPipelineSpec,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string> = []
): IPipelineSpec {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const keptNodes = spec.nodes.filter(n => !nodes.has(n.id));
  const keptEdges = spec.edges.filter(
    e => !nodes.has(e.from.node) && !nodes.has(e.to.node) && !edges.has(edgeId(e))
  );
  if (keptNodes.length === spec.nodes.length && keptEdges.length === spec.edges.length) {
    return spec;
  }
  return { ...spec, nodes: keptNodes, edges: keptEdges };
}

export function updateInput(
  spec: IPipelineSpec,
  nodeId: string,
  name: string,
  change: Partial<INodeInput>
): IPipelineSpec {
  const node = spec.nodes.find(n => n.id === nodeId);
  const index = node?.inputs.findIndex(i => i.name === name) ?? -1;
  if (!node || index < 0) {
    return spec;
  }
  const input: INodeInput = { ...node.inputs[index], ...change };
  for (const key of Object.keys(change) as (keyof INodeInput)[]) {
    if (change[key] === undefined) {
      delete input[key];
    }
  }
  const inputs = node.inputs.slice();
  inputs[index] = input;
  return updateNode(spec, nodeId, { inputs });
}

/** Replaces a node's ports; edges to ports that no longer exist are dropped, renamed ports keep theirs. */
export function setPorts(
  spec: IPipelineSpec,
  nodeId: string,
  side: 'inputs' | 'outputs',
  ports: (INodeInput | INodeOutput)[],
  renamed: ReadonlyMap<string, string> = new Map()
): IPipelineSpec {
  const names = new Set(ports.map(p => p.name));
  const edges = spec.edges
    .map(e => {
      if (side === 'inputs' && e.to.node === nodeId && e.to.input) {
        return { ...e, to: { ...e.to, input: renamed.get(e.to.input) ?? e.to.input } };
      }
      if (side === 'outputs' && e.from.node === nodeId && e.from.output) {
        return { ...e, from: { ...e.from, output: renamed.get(e.from.output) ?? e.from.output } };
      }
      return e;
    })
    .filter(e =>
      side === 'inputs'
        ? !(e.to.node === nodeId && e.to.input && !names.has(e.to.input))
        : !(e.from.node === nodeId && e.from.output && !names.has(e.from.output))
    );
  return { ...updateNode(spec, nodeId, { [side]: ports }), edges };
}

/** Sets pipeline-level fields (name, description, parameters); renamed parameters stay bound. */
export function updatePipeline(
  spec: IPipelineSpec,
  change: Partial<Pick<IPipelineSpec, 'name' | 'description' | 'parameters' | 'viewport'>>,
  renamedParameters: ReadonlyMap<string, string> = new Map()
): IPipelineSpec {
  const next: IPipelineSpec = { ...spec, ...change };
  if (change.description === '') {
    delete next.description;
  }
  if (renamedParameters.size) {
    next.nodes = next.nodes.map(n => ({
      ...n,
      inputs: n.inputs.map(i =>
        i.parameter && renamedParameters.has(i.parameter)
          ? { ...i, parameter: renamedParameters.get(i.parameter) }
          : i
      )
    }));
  }
  return next;
}
