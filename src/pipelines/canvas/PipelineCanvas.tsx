/**
 * The pipeline canvas (React Flow), editable in the editor and read-only in the run view. Holds only what
 * the document does not: node positions while a drag is in flight and the selection. Everything else is props.
 */
import React from 'react';
import {
  Background,
  Connection,
  Controls,
  Edge,
  EdgeChange,
  MiniMap,
  NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { IPipelineSpec, IStep } from '../../../contract/pipeline';
import { IConnection } from '../ops';
import { StepFlowNode, toFlowEdges, toFlowNodes } from './graph';
import { NODE_TYPES } from './StepNode';
import { useLuminoDrop } from './drop';

export interface IPipelineCanvasProps {
  spec: IPipelineSpec;
  problems?: Map<string, string[]>;
  steps?: Map<string, IStep>;
  now?: number;
  readOnly?: boolean;
  /** Positions overriding the document's (the run view lays out a document with none). */
  positions?: Map<string, { x: number; y: number }>;
  selected: ReadonlySet<string>;
  onSelect: (ids: { nodes: string[]; edges: string[] }) => void;
  onConnect?: (connection: IConnection) => void;
  connectionProblem?: (connection: IConnection) => string;
  onMoved?: (positions: Map<string, { x: number; y: number }>) => void;
  onDelete?: (ids: { nodes: string[]; edges: string[] }) => void;
  /** Files dropped from the file browser, at flow coordinates. */
  onDropFiles?: (paths: string[], at: { x: number; y: number }) => void;
  /** A node kind dragged from the palette, at flow coordinates. */
  onDropKind?: (kind: string, at: { x: number; y: number }) => void;
  /** Called once with the fit function, so toolbars outside the canvas can fit the view. */
  onReady?: (api: { fitView: () => void }) => void;
  children?: React.ReactNode;
}

export const PALETTE_MIME = 'application/x-kubeflow-pipeline-node-kind';

export function PipelineCanvas(props: IPipelineCanvasProps): JSX.Element {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}

function CanvasInner(props: IPipelineCanvasProps): JSX.Element {
  const { spec, problems, steps, now, readOnly, selected, positions } = props;
  const flow = useReactFlow<StepFlowNode, Edge>();
  const host = React.useRef<HTMLDivElement>(null);
  const derived = React.useMemo(
    () => toFlowNodes(spec, { problems, steps, now, readOnly, selected, positions }),
    [spec, problems, steps, now, readOnly, selected, positions]
  );
  const derivedEdges = React.useMemo(
    () => toFlowEdges(spec, steps, selected),
    [spec, steps, selected]
  );
  // The canvas is fully controlled: nodes are derived from the document during render (no lagging copy that
  // could answer an old selection back), plus what only the canvas knows: the positions of a drag in flight
  // (the document is written when it ends) and the measured sizes (without them every node hides until
  // measured again). Selection belongs to the owner; removals go through `onDelete` (the document).
  const [dragging, setDragging] = React.useState<ReadonlyMap<string, { x: number; y: number }>>(
    () => new Map()
  );
  const measured = React.useRef(new Map<string, { width?: number; height?: number }>());
  const [measuredVersion, setMeasuredVersion] = React.useState(0);
  const nodes = React.useMemo(
    () =>
      derived.map(n => ({
        ...n,
        position: dragging.get(n.id) ?? n.position,
        measured: measured.current.get(n.id)
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [derived, dragging, measuredVersion]
  );
  const edges = derivedEdges;
  const latestSelected = React.useRef(selected);
  latestSelected.current = selected;

  const onSelectChanges = (changes: { id: string; selected: boolean }[]) => {
    const next = new Set(latestSelected.current);
    for (const c of changes) {
      if (c.selected) {
        next.add(c.id);
      } else {
        next.delete(c.id);
      }
    }
    const same = next.size === latestSelected.current.size && [...next].every(id => latestSelected.current.has(id));
    if (!same) {
      latestSelected.current = next;
      const nodeIds = new Set(spec.nodes.map(n => n.id));
      props.onSelect({
        nodes: [...next].filter(id => nodeIds.has(id)),
        edges: [...next].filter(id => !nodeIds.has(id))
      });
    }
  };

  React.useEffect(() => {
    props.onReady?.({ fitView: () => void flow.fitView({ padding: 0.15, duration: 200 }) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flow]);

  useLuminoDrop(host, readOnly ? undefined : props.onDropFiles, point =>
    flow.screenToFlowPosition(point)
  );

  const onNodesChange = (changes: NodeChange<StepFlowNode>[]) => {
    const selects: { id: string; selected: boolean }[] = [];
    let sized = false;
    let moves: Map<string, { x: number; y: number }> | null = null;
    for (const c of changes) {
      if (c.type === 'select') {
        selects.push(c);
      } else if (c.type === 'dimensions' && c.dimensions) {
        measured.current.set(c.id, c.dimensions);
        sized = true;
      } else if (c.type === 'position' && c.position) {
        moves ??= new Map(dragging);
        moves.set(c.id, c.position);
      }
    }
    if (sized) {
      setMeasuredVersion(v => v + 1);
    }
    if (moves) {
      setDragging(moves);
    }
    if (selects.length) {
      onSelectChanges(selects);
    }
  };
  const onEdgesChange = (changes: EdgeChange<Edge>[]) => {
    const selects = changes.filter(c => c.type === 'select');
    if (selects.length) {
      onSelectChanges(selects);
    }
  };

  const onDragStop = React.useCallback(
    (_: unknown, __: StepFlowNode, dragged: StepFlowNode[]) => {
      props.onMoved?.(new Map(dragged.map(n => [n.id, n.position])));
      // The document now holds the positions (or, without an owner writing them, the drag is undone).
      setDragging(new Map());
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.onMoved]
  );

  const onDragOver = (event: React.DragEvent) => {
    if (!readOnly && event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  };
  const onDrop = (event: React.DragEvent) => {
    const kind = event.dataTransfer.getData(PALETTE_MIME);
    if (!readOnly && kind) {
      event.preventDefault();
      props.onDropKind?.(kind, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    }
  };

  return (
    <div className="kf-pipeline-canvas" ref={host} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<StepFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onDragStop}
        onConnect={(c: Connection) => props.onConnect?.(c)}
        isValidConnection={c => !props.connectionProblem?.(c as IConnection)}
        onDelete={({ nodes: n, edges: e }) =>
          props.onDelete?.({ nodes: n.map(x => x.id), edges: e.map(x => x.id) })
        }
        deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        onlyRenderVisibleElements={spec.nodes.length > 150}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
        minZoom={0.05}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        {spec.nodes.length > 12 && <MiniMap pannable zoomable />}
        {props.children}
      </ReactFlow>
    </div>
  );
}
