/**
 * A kfp-compiled IR drawn read-only (loaded lazily with the canvas): the root DAG on the same canvas as the editor
 * and the run view, the pipeline's parameters, and the selected step's image, command and inputs.
 */
import React from 'react';
import { IPipelineSpec } from '../../contract/pipeline';
import { PipelineCanvas } from '../pipelines/canvas/PipelineCanvas';
import { autoLayout } from '../pipelines/layout';

export interface IIrGraphProps {
  spec: IPipelineSpec;
  /** The file's path from the Jupyter root. */
  path: string;
  hasPlatformSpec: boolean;
}

const NO_SELECTION: ReadonlySet<string> = new Set();

export function IrGraph({ spec, path, hasPlatformSpec }: IIrGraphProps): JSX.Element {
  const positions = React.useMemo(() => autoLayout(spec), [spec]);
  const [selected, setSelected] = React.useState<ReadonlySet<string>>(NO_SELECTION);
  const node = spec.nodes.find(n => selected.has(n.id));
  return (
    <div className="kf-ir-graph">
      <header className="kf-ir-graph-header">
        <h2>{spec.name}</h2>
        <span className="kf-muted">
          {path} · KFP v2 IR, read-only · {spec.nodes.length} steps
          {hasPlatformSpec ? ' · with a Kubernetes platform spec' : ''}
        </span>
      </header>
      <div className="kf-ir-graph-body">
        <div className="kf-run-canvas">
          <PipelineCanvas
            spec={spec}
            readOnly
            positions={positions}
            selected={selected}
            onSelect={({ nodes }) => setSelected(new Set(nodes))}
          />
        </div>
        <aside className="kf-ir-graph-side" aria-label="Pipeline details">
          {node ? (
            <section aria-label={`Step ${node.id}`}>
              <h3>{node.label ?? node.id}</h3>
              <dl className="kf-ir-graph-facts">
                <dt>Task</dt>
                <dd>
                  <code>{node.id}</code>
                </dd>
                <dt>Image</dt>
                <dd>
                  <code>{node.image ?? '—'}</code>
                </dd>
              </dl>
              {(node.command || node.args) && (
                // kfp's Python components embed their whole program here: folded, and scrolled when open.
                <details className="kf-ir-graph-command">
                  <summary>Command and arguments</summary>
                  <pre aria-label={`Command of ${node.id}`}>
                    {[...(node.command ?? []), ...(node.args ?? [])].join('\n')}
                  </pre>
                </details>
              )}
              <h4>Inputs</h4>
              <ul className="kf-ir-graph-inputs">
                {node.inputs.map(i => (
                  <li key={i.name}>
                    <code>{i.name}</code>{' '}
                    <span className="kf-muted">
                      {i.artifact ?? i.type}
                      {i.parameter ? ` ← parameter ${i.parameter}` : ''}
                      {i.value !== undefined ? ` = ${JSON.stringify(i.value)}` : ''}
                    </span>
                  </li>
                ))}
                {node.inputs.length === 0 && <li className="kf-muted">none</li>}
              </ul>
            </section>
          ) : (
            <section aria-label="Pipeline parameters">
              <h3>Parameters</h3>
              {spec.parameters.length ? (
                <table className="kf-table" aria-label="Parameters">
                  <tbody>
                    {spec.parameters.map(p => (
                      <tr key={p.name}>
                        <th>{p.name}</th>
                        <td>{p.type}</td>
                        <td>
                          <code>
                            {p.default === undefined ? 'required' : JSON.stringify(p.default)}
                          </code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="kf-muted">None.</p>
              )}
              <p className="kf-muted">Click a step for its image, command and inputs.</p>
            </section>
          )}
        </aside>
      </div>
    </div>
  );
}

export default IrGraph;
