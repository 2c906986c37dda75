/**
 * The properties panel: the selected node's fields, or the pipeline's (name, description, parameters) when
 * nothing is selected. Every change is an operation on the document.
 */
import React from 'react';
import {
  IPipelineNode,
  IPipelineParameter,
  IPipelineProblem,
  IPipelineSpec,
  PARAMETER_TYPES,
  ParameterType
} from '../../../contract/pipeline';
import { KIND_LABELS, renameNode, setPorts, updateNode, updatePipeline } from '../ops';
import { CheckField, envOf, envText, formatValue, linesOf, parseValue, TextField } from './fields';
import { Ports } from './Ports';

type Apply = (op: (spec: IPipelineSpec) => IPipelineSpec) => void;

export interface IPropertiesProps {
  spec: IPipelineSpec;
  node?: IPipelineNode;
  problems: IPipelineProblem[];
  apply: Apply;
  onOpenFile?: (file: string) => void;
}

export function Properties(props: IPropertiesProps): JSX.Element {
  return (
    <aside className="kf-pipeline-properties" aria-label="Properties">
      {props.node ? (
        <NodeProperties {...props} node={props.node} />
      ) : (
        <PipelineProperties {...props} />
      )}
    </aside>
  );
}

const fieldProblem = (problems: IPipelineProblem[], suffix: string): string | undefined =>
  problems.find(p => p.path.endsWith(suffix))?.message;

function NodeProperties({
  spec,
  node,
  problems,
  apply,
  onOpenFile
}: IPropertiesProps & { node: IPipelineNode }): JSX.Element {
  const index = spec.nodes.indexOf(node);
  const mine = problems.filter(p => p.node === node.id || p.path.startsWith(`/nodes/${index}/`));
  const set = (change: Partial<IPipelineNode>) => apply(s => updateNode(s, node.id, change));
  const res = node.resources ?? {};
  const setRes = (change: Partial<typeof res>) => {
    const next = { ...res, ...change };
    for (const k of Object.keys(next) as (keyof typeof next)[]) {
      if (next[k] === undefined || next[k] === '') {
        delete next[k];
      }
    }
    set({ resources: Object.keys(next).length ? next : undefined });
  };
  const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));
  return (
    <div className="kf-properties-body">
      <h3>
        {KIND_LABELS[node.kind]} <code>{node.id}</code>
      </h3>
      {mine.length > 0 && (
        <ul className="kf-properties-problems" aria-label="Problems of this step">
          {mine.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      <TextField
        label="Label"
        value={node.label ?? ''}
        onCommit={v => set({ label: v || undefined })}
      />
      <TextField
        label="Task name"
        value={node.id}
        hint="The step's name in Kubeflow Pipelines: lower case, digits and '-'."
        invalid={fieldProblem(mine, '/id')}
        onCommit={v => apply(s => renameNode(s, node.id, v.trim()))}
      />
      {node.kind !== 'container' && (
        <div className="kf-field-with-action">
          <TextField
            label="File"
            value={node.file ?? ''}
            hint="Relative to the pipeline file's folder."
            invalid={fieldProblem(mine, '/file')}
            onCommit={v => set({ file: v.trim() || undefined })}
          />
          {node.file && onOpenFile && (
            <button type="button" className="jp-mod-styled" onClick={() => onOpenFile(node.file!)}>
              Open
            </button>
          )}
        </div>
      )}
      {node.kind === 'function' && (
        <TextField
          label="Function"
          value={node.function ?? ''}
          invalid={fieldProblem(mine, '/function')}
          onCommit={v => set({ function: v.trim() || undefined })}
        />
      )}
      <TextField
        label="Image"
        value={node.image ?? ''}
        placeholder={node.kind === 'container' ? '' : 'python:3.11'}
        invalid={fieldProblem(mine, '/image')}
        onCommit={v => set({ image: v.trim() || undefined })}
      />
      {node.kind === 'container' && (
        <>
          <TextField
            label="Command (one item per line)"
            multiline
            value={(node.command ?? []).join('\n')}
            onCommit={v => set({ command: linesOf(v) })}
          />
          <TextField
            label="Arguments (one per line)"
            multiline
            value={(node.args ?? []).join('\n')}
            hint="{{inputs.NAME}} and {{outputs.NAME}} stand for a value or a path."
            onCommit={v => set({ args: linesOf(v) })}
          />
        </>
      )}
      <fieldset className="kf-properties-resources">
        <legend>Resources</legend>
        <TextField
          label="CPU"
          value={res.cpu ?? ''}
          placeholder="1, 500m"
          onCommit={v => setRes({ cpu: v.trim() })}
        />
        <TextField
          label="Memory"
          value={res.memory ?? ''}
          placeholder="512Mi, 4Gi"
          onCommit={v => setRes({ memory: v.trim() })}
        />
        <TextField
          label="GPUs"
          type="number"
          value={res.gpus === undefined ? '' : String(res.gpus)}
          onCommit={v => setRes({ gpus: optionalNumber(v) })}
        />
        <TextField
          label="GPU resource"
          value={res.gpuResource ?? ''}
          placeholder="nvidia.com/gpu"
          onCommit={v => setRes({ gpuResource: v.trim() })}
        />
      </fieldset>
      <TextField
        label="Environment (NAME=value per line)"
        multiline
        value={envText(node.env)}
        onCommit={v => {
          const env = envOf(v);
          set({ env: Object.keys(env).length ? env : undefined });
        }}
      />
      <TextField
        label="File dependencies (one per line)"
        multiline
        value={(node.dependencies ?? []).join('\n')}
        invalid={fieldProblem(mine, '/dependencies')}
        onCommit={v => {
          const deps = linesOf(v);
          set({ dependencies: deps.length ? deps : undefined });
        }}
      />
      <Ports
        side="inputs"
        nodeId={node.id}
        ports={node.inputs}
        edges={spec.edges}
        parameters={spec.parameters}
        onChange={(ports, renamed) => apply(s => setPorts(s, node.id, 'inputs', ports, renamed))}
      />
      <Ports
        side="outputs"
        nodeId={node.id}
        ports={node.outputs}
        edges={spec.edges}
        parameters={spec.parameters}
        onChange={(ports, renamed) => apply(s => setPorts(s, node.id, 'outputs', ports, renamed))}
      />
      <fieldset>
        <legend>Execution</legend>
        <CheckField
          label="Cache results"
          checked={node.caching !== false}
          onChange={c => set({ caching: c ? undefined : false })}
        />
        <TextField
          label="Retries"
          type="number"
          value={node.retries === undefined ? '' : String(node.retries)}
          onCommit={v => set({ retries: optionalNumber(v) })}
        />
        <TextField
          label="Timeout (seconds)"
          type="number"
          value={node.timeoutSeconds === undefined ? '' : String(node.timeoutSeconds)}
          onCommit={v => set({ timeoutSeconds: optionalNumber(v) })}
        />
      </fieldset>
    </div>
  );
}

function PipelineProperties({ spec, problems, apply }: IPropertiesProps): JSX.Element {
  const general = problems.filter(p => !p.node);
  const setParams = (parameters: IPipelineParameter[], renamed?: Map<string, string>) =>
    apply(s => updatePipeline(s, { parameters }, renamed));
  return (
    <div className="kf-properties-body">
      <h3>Pipeline</h3>
      {general.length > 0 && (
        <ul className="kf-properties-problems" aria-label="Problems of the pipeline">
          {general.map((p, i) => (
            <li key={i}>
              {p.message} <code>{p.path}</code>
            </li>
          ))}
        </ul>
      )}
      <TextField
        label="Name"
        value={spec.name}
        invalid={fieldProblem(general, '/name')}
        onCommit={v => apply(s => updatePipeline(s, { name: v }))}
      />
      <TextField
        label="Description"
        multiline
        value={spec.description ?? ''}
        onCommit={v => apply(s => updatePipeline(s, { description: v }))}
      />
      <fieldset className="kf-ports">
        <legend>Parameters</legend>
        {spec.parameters.length === 0 && <p className="kf-muted">None.</p>}
        {spec.parameters.map((p, i) => (
          <ParameterRow
            key={`${i}:${p.name}`}
            parameter={p}
            onChange={(next, renamed) => {
              const all = spec.parameters.slice();
              all[i] = next;
              setParams(all, renamed);
            }}
            onRemove={() => setParams(spec.parameters.filter((_, j) => j !== i))}
          />
        ))}
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => {
            const taken = new Set(spec.parameters.map(p => p.name));
            let i = spec.parameters.length + 1;
            while (taken.has(`param_${i}`)) {
              i++;
            }
            setParams([...spec.parameters, { name: `param_${i}`, type: 'STRING', default: '' }]);
          }}
        >
          Add parameter
        </button>
      </fieldset>
      <p className="kf-muted kf-properties-tip">
        Drag notebooks and scripts from the file browser onto the canvas, or kinds from the palette.
        Connect an output (right) to an input (left); the small handles in a step&apos;s header
        order steps without passing data.
      </p>
    </div>
  );
}

function ParameterRow({
  parameter,
  onChange,
  onRemove
}: {
  parameter: IPipelineParameter;
  onChange: (p: IPipelineParameter, renamed?: Map<string, string>) => void;
  onRemove: () => void;
}): JSX.Element {
  return (
    <div className="kf-port-row">
      <input
        className="jp-mod-styled kf-port-name"
        aria-label={`Parameter ${parameter.name} name`}
        defaultValue={parameter.name}
        onBlur={e => {
          const name = e.target.value.trim();
          if (name && name !== parameter.name) {
            onChange({ ...parameter, name }, new Map([[parameter.name, name]]));
          }
        }}
      />
      <select
        className="jp-mod-styled"
        aria-label={`Parameter ${parameter.name} type`}
        value={parameter.type}
        onChange={e => {
          const type = e.target.value as ParameterType;
          const value = parseValue(type, formatValue(parameter.default));
          const next: IPipelineParameter = { ...parameter, type };
          if (value === undefined) {
            delete next.default;
          } else {
            next.default = value;
          }
          onChange(next);
        }}
      >
        {PARAMETER_TYPES.map(t => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="jp-mod-styled kf-port-remove"
        aria-label={`Remove parameter ${parameter.name}`}
        title="Remove"
        onClick={onRemove}
      >
        ×
      </button>
      <input
        className="jp-mod-styled"
        aria-label={`Parameter ${parameter.name} default`}
        placeholder="default (none: required)"
        defaultValue={formatValue(parameter.default)}
        key={formatValue(parameter.default)}
        onBlur={e => {
          const value = parseValue(parameter.type, e.target.value);
          const next: IPipelineParameter = { ...parameter };
          if (value === undefined) {
            delete next.default;
          } else {
            next.default = value;
          }
          if (formatValue(next.default) !== formatValue(parameter.default)) {
            onChange(next);
          }
        }}
      />
    </div>
  );
}
