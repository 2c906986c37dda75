/**
 * Inputs and outputs of a node in the properties panel: name, type (a parameter type or an artifact schema)
 * and, for an input, where its value comes from (an edge, a pipeline parameter, a constant, a default).
 */
import React from 'react';
import {
  ARTIFACT_TYPES,
  IEdge,
  INodeInput,
  INodeOutput,
  IPipelineParameter,
  PARAMETER_TYPES,
  ParameterType
} from '../../../contract/pipeline';
import { formatValue, parseValue } from './fields';

type Port = INodeInput | INodeOutput;

const typeKey = (p: Port): string => (p.artifact ? `artifact:${p.artifact}` : (p.type ?? 'STRING'));
function withType(p: Port, key: string): Port {
  const { type: _t, artifact: _a, ...rest } = p;
  return key.startsWith('artifact:')
    ? { ...rest, artifact: key.slice(9) }
    : { ...rest, type: key as ParameterType };
}

export interface IPortsProps {
  side: 'inputs' | 'outputs';
  nodeId: string;
  ports: Port[];
  edges: IEdge[];
  parameters: IPipelineParameter[];
  onChange: (ports: Port[], renamed?: Map<string, string>) => void;
}

export function Ports(props: IPortsProps): JSX.Element {
  const { side, ports } = props;
  const set = (index: number, port: Port, renamed?: Map<string, string>) => {
    const next = ports.slice();
    next[index] = port;
    props.onChange(next, renamed);
  };
  const add = () => {
    const taken = new Set(ports.map(p => p.name));
    let i = ports.length + 1;
    while (taken.has(`${side === 'inputs' ? 'input' : 'output'}_${i}`)) {
      i++;
    }
    props.onChange([
      ...ports,
      { name: `${side === 'inputs' ? 'input' : 'output'}_${i}`, type: 'STRING' }
    ]);
  };
  const title = side === 'inputs' ? 'Inputs' : 'Outputs';
  return (
    <fieldset className="kf-ports">
      <legend>{title}</legend>
      {ports.length === 0 && <p className="kf-muted">None.</p>}
      {ports.map((p, i) => {
        const feeding = props.edges.find(
          e =>
            (side === 'inputs' && e.to.node === props.nodeId && e.to.input === p.name) ||
            (side === 'outputs' && e.from.node === props.nodeId && e.from.output === p.name)
        );
        return (
          <div className="kf-port-row" key={`${i}`}>
            <input
              className="jp-mod-styled kf-port-name"
              aria-label={`${title} ${i + 1} name`}
              defaultValue={p.name}
              key={p.name}
              onBlur={e => {
                const name = e.target.value.trim();
                if (name && name !== p.name && !ports.some(q => q.name === name)) {
                  set(i, { ...p, name }, new Map([[p.name, name]]));
                } else {
                  e.target.value = p.name;
                }
              }}
            />
            <select
              className="jp-mod-styled"
              aria-label={`${title} ${p.name} type`}
              value={typeKey(p)}
              onChange={e => set(i, withType(p, e.target.value))}
            >
              {PARAMETER_TYPES.map(t => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
              {ARTIFACT_TYPES.map(t => (
                <option key={t} value={`artifact:${t}`}>
                  {t}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="jp-mod-styled kf-port-remove"
              aria-label={`Remove ${side === 'inputs' ? 'input' : 'output'} ${p.name}`}
              title="Remove"
              onClick={() => props.onChange(ports.filter((_, j) => j !== i))}
            >
              ×
            </button>
            {side === 'inputs' && (
              <InputSource
                input={p as INodeInput}
                fedBy={feeding ? `${feeding.from.node}.${feeding.from.output}` : ''}
                parameters={props.parameters}
                onChange={input => set(i, input)}
              />
            )}
          </div>
        );
      })}
      <button type="button" className="jp-mod-styled" onClick={add}>
        Add {side === 'inputs' ? 'input' : 'output'}
      </button>
    </fieldset>
  );
}

function InputSource({
  input,
  fedBy,
  parameters,
  onChange
}: {
  input: INodeInput;
  fedBy: string;
  parameters: IPipelineParameter[];
  onChange: (input: INodeInput) => void;
}): JSX.Element {
  if (fedBy) {
    return <span className="kf-port-source kf-muted">from {fedBy}</span>;
  }
  const mode = input.parameter !== undefined ? `param:${input.parameter}` : 'value';
  const clear = (i: INodeInput): INodeInput => {
    const { parameter: _p, value: _v, ...rest } = i;
    return rest;
  };
  return (
    <span className="kf-port-source">
      <select
        className="jp-mod-styled"
        aria-label={`Value of ${input.name}`}
        value={mode}
        onChange={e =>
          onChange(
            e.target.value.startsWith('param:')
              ? { ...clear(input), parameter: e.target.value.slice(6) }
              : clear(input)
          )
        }
      >
        <option value="value">constant</option>
        {parameters.map(p => (
          <option key={p.name} value={`param:${p.name}`}>
            parameter {p.name}
          </option>
        ))}
      </select>
      {mode === 'value' && !input.artifact && (
        <input
          className="jp-mod-styled"
          aria-label={`Constant of ${input.name}`}
          placeholder="value"
          defaultValue={formatValue(input.value)}
          key={formatValue(input.value)}
          onBlur={e => {
            const value = parseValue(input.type, e.target.value);
            if (formatValue(value) !== formatValue(input.value)) {
              onChange(value === undefined ? clear(input) : { ...clear(input), value });
            }
          }}
        />
      )}
    </span>
  );
}
