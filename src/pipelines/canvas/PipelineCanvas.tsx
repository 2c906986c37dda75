/**
 * The pipeline canvas (React Flow), editable in the editor and read-only in the run view. Holds only what
 * the document does not: node positions while a drag is in flight and the selection. Everything else is props.
 */
import React from 'react';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Connection,
  Controls,
  Edge,
  EdgeChange,
  MiniMap,
  NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
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
  /** What is selected (the owner's record of `onSelect`). */
  selected: ReadonlySet<string>;
  /** Select these nodes (a new request object each time, e.g. for a node just added). */
  selectRequest?: { ids: string[] };
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
  const latestSelected = React.useRef(selected);
  latestSelected.current = selected;
  // Fit a document that has steps when it opens; an empty one keeps zoom 1 (fitting the first step dropped
  // on it would blow that step up to the whole canvas).
  const [fitOnOpen] = React.useState(spec.nodes.length > 0);
  const flow = useReactFlow<StepFlowNode, Edge>();
  const host = React.useRef<HTMLDivElement>(null);
  const derived = React.useMemo(
    () => toFlowNodes(spec, { problems, steps, now, readOnly, positions }),
    [spec, problems, steps, now, readOnly, positions]
  );
  const derivedEdges = React.useMemo(() => toFlowEdges(spec, steps), [spec, steps]);
  // React Flow's own state (measured sizes, handle positions, selection, a drag in flight) lives in these
  // copies, updated by its changes; a new document is merged in keeping that state. The selection is the
  // canvas's, reported through `onSelect`; the owner only asks for one (`selectRequest`, e.g. a node just added).
  const [nodes, setNodes] = React.useState(derived);
  const [edges, setEdges] = React.useState(derivedEdges);
  const request = React.useRef(props.selectRequest);
  React.useEffect(() => {
    const asked = request.current !== props.selectRequest ? props.selectRequest : undefined;
    request.current = props.selectRequest;
    setNodes(previous => {
      const before = new Map(previous.map(n => [n.id, n]));
      return derived.map(n => {
        const old = before.get(n.id);
        return {
          ...n,
          measured: old?.measured,
          selected: asked ? asked.ids.includes(n.id) : (old?.selected ?? false)
        };
      });
    });
    setEdges(previous => {
      const before = new Map(previous.map(e => [e.id, e]));
      return derivedEdges.map(e => ({
        ...e,
        selected: asked ? false : (before.get(e.id)?.selected ?? false)
      }));
    });
  }, [derived, derivedEdges, props.selectRequest]);

  // Fit once every step has been measured (the fitView prop can fire before the panel has its final size).
  const initialized = useNodesInitialized();
  React.useEffect(() => {
    if (initialized && fitOnOpen) {
      void flow.fitView({ padding: 0.15, maxZoom: 1.2 });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialized]);

  React.useEffect(() => {
    props.onReady?.({
      fitView: () => void flow.fitView({ padding: 0.15, duration: 200, maxZoom: 1.2 })
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flow]);

  useLuminoDrop(host, readOnly ? undefined : props.onDropFiles, point =>
    flow.screenToFlowPosition(point)
  );

  const onNodesChange = React.useCallback((changes: NodeChange<StepFlowNode>[]) => {
    const kept = changes.filter(
      c => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace'
    );
    if (kept.length) {
      setNodes(ns => applyNodeChanges(kept, ns));
    }
  }, []);
  const onEdgesChange = React.useCallback((changes: EdgeChange<Edge>[]) => {
    const kept = changes.filter(c => c.type === 'select');
    if (kept.length) {
      setEdges(es => applyEdgeChanges(kept, es));
    }
  }, []);

  const onDragStop = React.useCallback(
    (_: unknown, __: StepFlowNode, dragged: StepFlowNode[]) => {
      props.onMoved?.(new Map(dragged.map(n => [n.id, n.position])));
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
        onSelectionChange={({ nodes: n, edges: e }) => {
          const ids = [...n.map(x => x.id), ...e.map(x => x.id)];
          const current = latestSelected.current;
          if (ids.length !== current.size || ids.some(id => !current.has(id))) {
            latestSelected.current = new Set(ids);
            props.onSelect({ nodes: n.map(x => x.id), edges: e.map(x => x.id) });
          }
        }}
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
        fitView={fitOnOpen}
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
