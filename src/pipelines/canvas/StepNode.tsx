/**
 * A step on the canvas: kind and label, its inputs on the left and outputs on the right as typed handles, an
 * order handle pair in the header, validation problems (editor) or the step's state and duration (run view).
 */
import React from 'react';
import { Handle, NodeProps, Position, useUpdateNodeInternals } from '@xyflow/react';
import { INodeInput, INodeOutput, NodeKind } from '../../../contract/pipeline';
import { StatusBadge } from '../../components/StatusBadge';
import { inHandle, KIND_LABELS, ORDER_IN, ORDER_OUT, outHandle, portType } from '../ops';
import { formatDuration } from '../../runs/selectors';
import { StepFlowNode } from './graph';

const KIND_MARK: Record<NodeKind, string> = {
  notebook: 'NB',
  script: 'PY',
  function: 'ƒ',
  container: '▣'
};

export function StepNode({ id, data, selected }: NodeProps<StepFlowNode>): JSX.Element {
  const { node, problems, step, readOnly } = data;
  // React Flow measures handles when a node's size changes; a port added on the shorter side changes no size,
  // so tell it, or the new handle could neither start nor end a connection. Not on mount: React Flow measures
  // a new node itself, and each call re-processes every node (1,000 steps: seconds at open).
  const updateNodeInternals = useUpdateNodeInternals();
  const ports = [
    ...node.inputs.map(p => `in:${p.name}`),
    ...node.outputs.map(p => `out:${p.name}`)
  ].join('|');
  const measuredPorts = React.useRef(ports);
  React.useEffect(() => {
    if (measuredPorts.current !== ports) {
      measuredPorts.current = ports;
      updateNodeInternals(id);
    }
  }, [id, ports, updateNodeInternals]);
  const phase = step?.phase;
  const classes = ['kf-step-node', `kf-step-kind-${node.kind}`];
  if (problems.length) {
    classes.push('kf-mod-invalid');
  }
  if (phase) {
    classes.push(`kf-step-phase-${phase.toLowerCase()}`);
  }
  if (selected) {
    classes.push('kf-mod-selected');
  }
  const rows = Math.max(node.inputs.length, node.outputs.length);
  return (
    <div
      className={classes.join(' ')}
      role="group"
      aria-label={`Step ${node.id}${phase ? ': ' + phase : ''}`}
      data-step={node.id}
      data-phase={phase}
    >
      <div className="kf-step-header">
        <Handle
          type="target"
          id={ORDER_IN}
          position={Position.Left}
          className="kf-handle-order"
          isConnectable={!readOnly}
          title="Runs after (order only)"
        />
        <span className="kf-step-kind" title={KIND_LABELS[node.kind]}>
          {KIND_MARK[node.kind]}
        </span>
        <span className="kf-step-title">
          <span className="kf-step-label">{node.label || node.id}</span>
          <span className="kf-step-id">{node.file ?? node.image ?? node.id}</span>
        </span>
        {step && <StatusBadge status={step.phase} label={`Step ${node.id}`} />}
        <Handle
          type="source"
          id={ORDER_OUT}
          position={Position.Right}
          className="kf-handle-order"
          isConnectable={!readOnly}
          title="Run the next step after this one"
        />
      </div>
      {rows > 0 && (
        <div className="kf-step-ports">
          <div className="kf-step-port-column">
            {node.inputs.map(p => (
              <Port key={p.name} port={p} side="in" readOnly={readOnly} />
            ))}
          </div>
          <div className="kf-step-port-column kf-step-port-out">
            {node.outputs.map(p => (
              <Port key={p.name} port={p} side="out" readOnly={readOnly} />
            ))}
          </div>
        </div>
      )}
      {step && (
        <div className="kf-step-footer">
          {formatDuration(step, data.now)}
          {step.reason && step.phase !== 'Succeeded' ? ` · ${step.reason}` : ''}
        </div>
      )}
      {problems.length > 0 && (
        <div className="kf-step-problems" role="note" title={problems.join('\n')}>
          ⚠ {problems[0]}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </div>
      )}
    </div>
  );
}

function Port({
  port,
  side,
  readOnly
}: {
  port: INodeInput | INodeOutput;
  side: 'in' | 'out';
  readOnly: boolean;
}): JSX.Element {
  const type = portType(port);
  return (
    <div className={`kf-step-port kf-step-port-${side}`} title={`${port.name}: ${type}`}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        id={side === 'in' ? inHandle(port.name) : outHandle(port.name)}
        position={side === 'in' ? Position.Left : Position.Right}
        className={port.artifact ? 'kf-handle-artifact' : 'kf-handle-parameter'}
        isConnectable={!readOnly}
      />
      <span className="kf-step-port-name">{port.name}</span>
    </div>
  );
}

export const NODE_TYPES = { step: StepNode };
