/**
 * The pipeline editor (loaded lazily with the canvas): palette, canvas, properties panel and the compiled-IR
 * preview. All edits are operations on the document (`PipelineDocument.apply`); selection is the only state.
 */
import React from 'react';
import { Panel } from '@xyflow/react';
import { PathExt } from '@jupyterlab/coreutils';
import { IPipelineProblem, NodeKind } from '../../../contract/pipeline';
import { useSignal } from '../../components/useSignal';
import { PipelineCanvas, PALETTE_MIME } from '../canvas/PipelineCanvas';
import { problemsByNode } from '../canvas/graph';
import { PipelineDocument } from '../document';
import { autoLayout } from '../layout';
import {
  addNode,
  connect,
  connectionProblem,
  deleteElements,
  KIND_LABELS,
  kindOfFile,
  moveNodes
} from '../ops';
import { Properties } from './Properties';

export interface IIrPreview {
  loading: boolean;
  yaml?: string;
  error?: string;
}

export interface IEditorProps {
  doc: PipelineDocument;
  /** The pipeline file's path from the Jupyter root; node files are relative to its folder. */
  path: string;
  problems: IPipelineProblem[];
  ir: IIrPreview | null;
  onCloseIr: () => void;
  /** Opens a file given relative to the pipeline's folder. */
  onOpenFile: (file: string) => void;
}

const KINDS: NodeKind[] = ['notebook', 'script', 'function', 'container'];
const NO_SELECTION: ReadonlySet<string> = new Set();

export function Editor(props: IEditorProps): JSX.Element {
  const { doc, problems } = props;
  useSignal(doc.changed);
  const spec = doc.spec;
  const [selected, setSelected] = React.useState<ReadonlySet<string>>(NO_SELECTION);
  const [selectRequest, setSelectRequest] = React.useState<{ ids: string[] }>();
  const [notice, setNotice] = React.useState('');
  const select = (id: string) => {
    setSelected(new Set([id]));
    setSelectRequest({ ids: [id] });
  };
  const fit = React.useRef<() => void>(() => undefined);
  const byNode = React.useMemo(() => problemsByNode(problems), [problems]);
  const apply = React.useCallback(
    (op: Parameters<PipelineDocument['apply']>[0]) => doc.apply(op),
    [doc]
  );

  if (!spec) {
    return (
      <div className="kf-pipeline-editor kf-pipeline-broken" role="alert">
        <p>{doc.problem}</p>
        <p className="kf-muted">Open the file with the JSON editor to repair it.</p>
      </div>
    );
  }

  const selectedNode = spec.nodes.find(n => selected.has(n.id));
  const folder = PathExt.dirname(props.path);

  const addAt = (kind: NodeKind, at: { x: number; y: number }, file?: string) => {
    let id = '';
    apply(s => {
      const result = addNode(s, { kind, file, position: at });
      id = result.id;
      return result.spec;
    });
    return id;
  };

  const dropFiles = (paths: string[], at: { x: number; y: number }) => {
    const skipped: string[] = [];
    let offset = 0;
    let last = '';
    for (const path of paths) {
      const kind = kindOfFile(path);
      if (!kind) {
        skipped.push(PathExt.basename(path));
        continue;
      }
      last = addAt(kind, { x: at.x + offset, y: at.y + offset }, PathExt.relative(folder, path));
      offset += 40;
    }
    if (last) {
      select(last);
    }
    setNotice(
      skipped.length
        ? `Not a notebook or Python script: ${skipped.join(', ')}. Use a container step for other files.`
        : ''
    );
  };

  const addFromPalette = (kind: NodeKind) => {
    const right = spec.nodes.reduce(
      (m, n) => Math.max(m, (n.position?.x ?? 0) + 260),
      spec.nodes.length ? -Infinity : 40
    );
    select(addAt(kind, { x: right, y: 60 }));
  };

  const layout = () => {
    apply(s => moveNodes(s, autoLayout(s)));
    requestAnimationFrame(() => fit.current());
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select') || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    const key = event.key.toLowerCase();
    if (key === 'z' || key === 'y') {
      event.preventDefault();
      event.stopPropagation();
      if (key === 'y' || event.shiftKey) {
        doc.redo();
      } else {
        doc.undo();
      }
    }
  };

  return (
    <div className="kf-pipeline-editor" onKeyDown={onKeyDown}>
      <nav className="kf-pipeline-palette" aria-label="Node palette">
        <h3>Add a step</h3>
        {KINDS.map(kind => (
          <button
            key={kind}
            type="button"
            draggable
            className={`kf-palette-item kf-step-kind-${kind}`}
            title={`Click or drag onto the canvas: a ${KIND_LABELS[kind].toLowerCase()} step`}
            onDragStart={e => {
              e.dataTransfer.setData(PALETTE_MIME, kind);
              e.dataTransfer.effectAllowed = 'copy';
            }}
            onClick={() => addFromPalette(kind)}
          >
            {KIND_LABELS[kind]}
          </button>
        ))}
        <p className="kf-muted">Or drag .ipynb and .py files here from the file browser.</p>
      </nav>
      <div className="kf-pipeline-main">
        {notice && (
          <div className="kf-pipeline-notice" role="status">
            {notice}
          </div>
        )}
        <PipelineCanvas
          spec={spec}
          problems={byNode}
          selected={selected}
          selectRequest={selectRequest}
          onSelect={({ nodes, edges }) => setSelected(new Set([...nodes, ...edges]))}
          connectionProblem={c => connectionProblem(spec, c)}
          onConnect={c => {
            const problem = connectionProblem(spec, c);
            setNotice(problem);
            if (!problem) {
              apply(s => connect(s, c));
            }
          }}
          onMoved={positions => apply(s => moveNodes(s, positions))}
          onDelete={({ nodes, edges }) => {
            apply(s => deleteElements(s, nodes, edges));
            setSelected(NO_SELECTION);
          }}
          onDropFiles={dropFiles}
          onDropKind={(kind, at) => {
            select(addAt(kind as NodeKind, at));
          }}
          onReady={api => (fit.current = api.fitView)}
        >
          <Panel position="top-left" className="kf-canvas-toolbar">
            <button
              type="button"
              className="jp-mod-styled"
              onClick={layout}
              title="Arrange the steps left to right"
            >
              Auto-layout
            </button>
            <button
              type="button"
              className="jp-mod-styled"
              onClick={() => fit.current()}
              title="Show the whole pipeline"
            >
              Fit
            </button>
            <button
              type="button"
              className="jp-mod-styled"
              onClick={() => doc.undo()}
              disabled={!doc.canUndo}
              title="Undo (Ctrl+Z)"
            >
              Undo
            </button>
            <button
              type="button"
              className="jp-mod-styled"
              onClick={() => doc.redo()}
              disabled={!doc.canRedo}
              title="Redo (Ctrl+Shift+Z)"
            >
              Redo
            </button>
            <button
              type="button"
              className="jp-mod-styled"
              disabled={selected.size === 0}
              title="Delete the selection (Delete key)"
              onClick={() => {
                apply(s => deleteElements(s, selected, selected));
                setSelected(NO_SELECTION);
              }}
            >
              Delete
            </button>
            <span className="kf-canvas-status" role="status">
              {spec.nodes.length} steps ·{' '}
              {problems.length ? `${problems.length} problems` : 'no problems'}
            </span>
          </Panel>
        </PipelineCanvas>
      </div>
      <Properties
        spec={spec}
        node={selectedNode}
        problems={problems}
        apply={apply}
        onOpenFile={props.onOpenFile}
      />
      {props.ir && (
        <section className="kf-ir-preview" aria-label="Compiled IR">
          <header>
            <h3>Compiled IR (KFP v2 YAML)</h3>
            <button type="button" className="jp-mod-styled" onClick={props.onCloseIr}>
              Close
            </button>
          </header>
          {props.ir.error && (
            <div className="kf-error-banner" role="alert">
              {props.ir.error}
            </div>
          )}
          <pre className="kf-yaml-text" aria-label="IR YAML">
            {props.ir.loading ? 'Compiling…' : (props.ir.yaml ?? '')}
          </pre>
        </section>
      )}
    </div>
  );
}

export default Editor;
