/** The Kubernetes events of a job or of a pipeline step's pod, newest last, warnings marked. */
import React from 'react';
import { IJobEvent } from '../../contract/training';

export function EventTable({ events }: { events: IJobEvent[] }): JSX.Element {
  if (events.length === 0) {
    return <p className="kf-detail-note">No events.</p>;
  }
  return (
    <table className="kf-table" aria-label="Events">
      <thead>
        <tr>
          <th>Time</th>
          <th>Type</th>
          <th>Reason</th>
          <th>Object</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={i} className={e.type === 'Warning' ? 'kf-mod-warning' : undefined}>
            <td>{formatTime(e.lastTimestamp)}</td>
            <td>{e.type}</td>
            <td>{e.reason}</td>
            <td>{e.object}</td>
            <td>
              {e.message}
              {e.count && e.count > 1 ? ` (×${e.count})` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function formatTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}
