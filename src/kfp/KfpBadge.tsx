/**
 * The Kubeflow Pipelines connection at the top of the "Pipeline runs" section, like the backend badge: the state,
 * and on click how it was found, with which identity, and in plain words why it is not connected.
 */
import React from 'react';
import { useSignal } from '../components/useSignal';
import { KfpConnectionModel } from './connection';
import { connectionFacts, STATE_WORDS } from './selectors';

export function KfpBadge({ model }: { model: KfpConnectionModel }): JSX.Element {
  useSignal(model.changed);
  const [open, setOpen] = React.useState(false);
  const view = model.view;
  const connection = model.connection;
  const state = connection?.state ?? (view.status === 'error' ? 'error' : 'loading');
  const words =
    view.status === 'loading' ? 'looking…' : connection ? STATE_WORDS[connection.state] : 'error';
  const message = connection?.message ?? (view.status === 'error' ? view.message : '');
  // Not connected: the reason is what matters, so it is shown without a click.
  const expanded = open || (state !== 'connected' && state !== 'loading');
  return (
    <div className="kf-kfp" aria-label="Kubeflow Pipelines connection" role="group">
      <div className="kf-kfp-header">
        <span className="kf-cluster-label">Kubeflow Pipelines</span>
        <button
          type="button"
          className={`kf-kfp-badge kf-kfp-${state}`}
          aria-expanded={expanded}
          title={message || `Kubeflow Pipelines: ${words}`}
          onClick={() => setOpen(!open)}
        >
          {words}
        </button>
        {state !== 'connected' && state !== 'loading' && (
          <button
            type="button"
            className="jp-mod-styled kf-kfp-retry"
            onClick={() => void model.redetect()}
          >
            Look again
          </button>
        )}
      </div>
      {expanded && (
        <>
          {message && (
            <p className={state === 'connected' ? 'kf-note' : 'kf-kfp-message'} role="status">
              {message}
            </p>
          )}
          {connection && (
            <dl className="kf-cluster-details">
              {connectionFacts(connection).map(([label, value]) => (
                <React.Fragment key={label}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </React.Fragment>
              ))}
            </dl>
          )}
        </>
      )}
    </div>
  );
}
