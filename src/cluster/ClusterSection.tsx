/** The sidebar's cluster section: active backend, context, namespace picker, connection state, retry. */
import React from 'react';
import { IInfo } from '../../contract/info';
import { ClusterState } from './model';

export interface IClusterSectionProps {
  state: ClusterState;
  namespace: string;
  onNamespace: (namespace: string) => void;
  onRetry: () => void;
}

function BackendBadge({ info }: { info: IInfo }): JSX.Element {
  const { kind, state } = info.backend;
  return (
    <span
      className={`kf-backend-badge kf-backend-${kind} kf-conn-${state}`}
      title={`Backend: ${kind} (${state})`}
    >
      {kind}
    </span>
  );
}

function Details({ info }: { info: IInfo }): JSX.Element {
  const { backend, versions } = info;
  const rows: [string, string | undefined][] = [
    ['Connection', backend.state],
    ['Context', backend.context],
    ['Server', backend.server],
    ['Kubernetes', versions.kubernetes]
  ];
  return (
    <dl className="kf-cluster-details">
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
    </dl>
  );
}

export function ClusterSection(props: IClusterSectionProps): JSX.Element {
  const { state, namespace, onNamespace, onRetry } = props;
  if (state.status === 'loading') {
    return (
      <div className="kf-cluster kf-muted" aria-busy="true">
        Connecting to the workbench proxy…
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="kf-cluster">
        <div className="kf-error-banner" role="alert">
          {state.message}
        </div>
        <button className="jp-mod-styled jp-mod-accept" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  const { info, namespaces } = state;
  const options = namespaces.includes(namespace) ? namespaces : [namespace, ...namespaces];
  return (
    <div className="kf-cluster">
      <div className="kf-cluster-header">
        <span className="kf-cluster-label">Backend</span>
        <BackendBadge info={info} />
      </div>
      {info.backend.message && (
        <p
          className={info.backend.state === 'connected' ? 'kf-note' : 'kf-error-banner'}
          role="status"
        >
          {info.backend.message}
        </p>
      )}
      <Details info={info} />
      <label className="kf-field">
        <span>Namespace</span>
        <select
          className="jp-mod-styled"
          value={namespace}
          onChange={e => onNamespace(e.currentTarget.value)}
          aria-label="Namespace"
        >
          {options.map(n => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      {info.backend.state !== 'connected' && (
        <button className="jp-mod-styled jp-mod-accept" onClick={onRetry}>
          Retry connection
        </button>
      )}
    </div>
  );
}
