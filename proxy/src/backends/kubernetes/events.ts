/** Core/v1 events of a job and its pods, as `IJobEvent`s, newest last. Pure. */
import { IJobEvent } from '../../../../contract/training';
import { IKubeObject } from './watch-reducer';

export interface IKubeEvent extends IKubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string; uid?: string };
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  series?: { lastObservedTime?: string };
}

export interface IJobIdentity {
  name: string;
  kind: string;
  uid?: string;
  podNames: string[];
}

/** The time an event last happened; older producers fill `lastTimestamp`, events.k8s.io ones `eventTime`. */
export function eventTime(event: IKubeEvent): string {
  return (
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp ??
    ''
  );
}

function toJobEvent(event: IKubeEvent): IJobEvent {
  const involved = event.involvedObject ?? {};
  return {
    type: event.type === 'Warning' ? 'Warning' : 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    object: `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
    count: event.count,
    lastTimestamp: eventTime(event) || undefined
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function eventsOfJob(events: IKubeEvent[], job: IJobIdentity): IJobEvent[] {
  const podNames = new Set(job.podNames);
  // Pods already cleaned up still have events; v1 pods are named `<job>-<replica type>-<index>`.
  const podPattern = new RegExp(`^${escapeRegExp(job.name)}-[a-z]+-\\d+$`);
  const involvesJob = (event: IKubeEvent) => {
    const involved = event.involvedObject ?? {};
    if (involved.kind === 'Pod') {
      return podNames.has(involved.name ?? '') || podPattern.test(involved.name ?? '');
    }
    return (
      (job.uid !== undefined && involved.uid === job.uid) ||
      (involved.kind === job.kind && involved.name === job.name)
    );
  };
  const order = (a: IKubeEvent, b: IKubeEvent) =>
    eventTime(a) < eventTime(b) ? -1 : eventTime(a) > eventTime(b) ? 1 : 0;
  return events.filter(involvesJob).sort(order).map(toJobEvent);
}
