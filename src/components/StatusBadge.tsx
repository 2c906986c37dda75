/** A job or replica phase as a coloured badge; the text is always shown so colour is never the only cue. */
import React from 'react';

export interface IStatusBadgeProps {
  status: string;
  /** Extra words for screen readers, e.g. "job status". */
  label?: string;
}

const TONE: Record<string, string> = {
  Running: 'running',
  Succeeded: 'ok',
  Failed: 'error',
  Restarting: 'warn',
  Terminating: 'warn',
  Pending: 'pending',
  Created: 'pending',
  Suspended: 'muted',
  Unknown: 'muted',
  // Studies and trials
  EarlyStopped: 'warn',
  MetricsUnavailable: 'error',
  Killed: 'muted',
  Stopped: 'muted',
  // Pipeline runs and steps
  Cached: 'ok',
  Cancelling: 'warn',
  Cancelled: 'muted',
  Skipped: 'muted'
};

export function StatusBadge({ status, label }: IStatusBadgeProps): JSX.Element {
  const tone = TONE[status] ?? 'muted';
  return (
    <span
      className={`kf-status-badge kf-status-${tone}`}
      aria-label={label ? `${label}: ${status}` : undefined}
      title={status}
    >
      {status}
    </span>
  );
}
