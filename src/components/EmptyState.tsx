/** What an empty list says instead of a blank box: a title, a hint and an optional action. */
import React from 'react';

export interface IEmptyStateProps {
  title: string;
  hint?: string;
  action?: { label: string; onClick: () => void };
}

export function EmptyState({ title, hint, action }: IEmptyStateProps): JSX.Element {
  return (
    <div className="kf-empty-state" role="status">
      <p className="kf-empty-state-title">{title}</p>
      {hint && <p className="kf-empty-state-hint">{hint}</p>}
      {action && (
        <button type="button" className="jp-mod-styled jp-mod-accept" onClick={action.onClick}>
          {action.label}
        </button>
      )}
    </div>
  );
}
