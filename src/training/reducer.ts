/**
 * The pure part of the live job list: applying stream events to a map keyed by namespace/name, and the
 * filtered, newest-first view of it. No signals, no I/O, so it is tested with plain tables.
 */
import { IJob, JobPhase, JobStreamEvent } from '../../contract/training';

export type JobMap = ReadonlyMap<string, IJob>;

export const jobKey = (job: Pick<IJob, 'namespace' | 'name'>): string =>
  `${job.namespace}/${job.name}`;

/**
 * Returns the map after `event`, or the same map object when nothing changed (callers compare by identity
 * to decide whether to emit). A `modified` job with the same resourceVersion is treated as unchanged.
 */
export function applyJobEvent(jobs: JobMap, event: JobStreamEvent): JobMap {
  switch (event.type) {
    case 'snapshot':
      return new Map(event.items.map(job => [jobKey(job), job]));
    case 'added':
    case 'modified': {
      const key = jobKey(event.job);
      const old = jobs.get(key);
      if (old && sameVersion(old, event.job)) {
        return jobs;
      }
      const next = new Map(jobs);
      next.set(key, event.job);
      return next;
    }
    case 'deleted': {
      const key = jobKey(event.job);
      if (!jobs.has(key)) {
        return jobs;
      }
      const next = new Map(jobs);
      next.delete(key);
      return next;
    }
    default:
      return jobs;
  }
}

function sameVersion(a: IJob, b: IJob): boolean {
  if (a.resourceVersion && b.resourceVersion) {
    return a.resourceVersion === b.resourceVersion;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface IJobFilter {
  /** A phase, or '' for all. */
  status: JobPhase | '';
  /** A framework, or '' for all. */
  framework: string;
  /** Case-insensitive substring of the name. */
  text: string;
}

export const NO_FILTER: IJobFilter = { status: '', framework: '', text: '' };

/** Jobs matching `filter`, newest first (ties by name so the order is stable). */
export function visibleJobs(jobs: JobMap, filter: IJobFilter = NO_FILTER): IJob[] {
  const text = filter.text.trim().toLowerCase();
  const result: IJob[] = [];
  for (const job of jobs.values()) {
    if (filter.status && job.phase !== filter.status) {
      continue;
    }
    if (filter.framework && job.framework !== filter.framework) {
      continue;
    }
    if (text && !job.name.toLowerCase().includes(text)) {
      continue;
    }
    result.push(job);
  }
  return result.sort((a, b) => compareCreated(b, a) || a.name.localeCompare(b.name));
}

function compareCreated(a: IJob, b: IJob): number {
  const ta = Date.parse(a.created) || 0;
  const tb = Date.parse(b.created) || 0;
  return ta - tb;
}
