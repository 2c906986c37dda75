/** Helpers for tests of the local backend with real processes: follow a job's stream and logs, find its processes. */
import { readdirSync, readFileSync } from 'node:fs';
import { IJob } from '../../contract/training';
import { IBackend } from '../src/backends/types';

/** Resolves with the first view of the job that matches, from the live stream (no polling). */
export function until(
  b: IBackend,
  namespace: string,
  name: string,
  test: (job: IJob) => boolean,
  what: string,
  timeoutMs = 60000
): Promise<IJob> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.close();
      reject(new Error(`timed out waiting for ${name}: ${what}`));
    }, timeoutMs);
    const subscription = b.jobs.watch(namespace, event => {
      const jobs =
        event.type === 'snapshot'
          ? event.items
          : 'object' in event && event.type !== 'deleted'
            ? [event.object as IJob]
            : [];
      const job = jobs.find(j => j.name === name && test(j));
      if (job) {
        clearTimeout(timer);
        subscription.close();
        resolve(job);
      }
    });
  });
}

export async function logs(
  b: IBackend,
  namespace: string,
  name: string,
  options: Parameters<IBackend['jobs']['logs']>[2] = {}
): Promise<string> {
  let text = '';
  await b.jobs.logs(namespace, name, options, chunk => (text += chunk));
  return text;
}

/** Follows the logs until `marker` has appeared `count` times, then stops following. */
export async function logsUntil(
  b: IBackend,
  namespace: string,
  name: string,
  marker: RegExp,
  count: number
): Promise<string> {
  const abort = new AbortController();
  let text = '';
  await b.jobs.logs(namespace, name, { follow: true, signal: abort.signal }, chunk => {
    text += chunk;
    if ((text.match(new RegExp(marker, 'g')) ?? []).length >= count) {
      abort.abort();
    }
  });
  return text;
}

/**
 * Every live process whose environment holds `name=value`: a job's supervisors and all they started, however
 * they detached (environments are inherited), so "none left" means none at all.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (state !== 'Z' && state !== 'X' && env.includes(wanted)) {
        found.push(Number(entry));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

export function isLive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2)[0]);
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
