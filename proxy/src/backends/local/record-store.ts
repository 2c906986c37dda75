/**
 * Where local jobs live: `<stateDir>/jobs/<namespace>/<name>/` holds `job.json` (the record, replaced atomically
 * by rename so a crash never leaves half a file), the source file, and per replica a working dir, a log and the
 * exit-code file the replica's wrapper writes.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IJobRecord } from './job-record';

export class RecordStore {
  constructor(private readonly stateDir: string) {}

  private get root(): string {
    return join(this.stateDir, 'jobs');
  }

  jobDir(namespace: string, name: string): string {
    return join(this.root, namespace, name);
  }

  replicaDir(namespace: string, name: string, replica: string): string {
    return join(this.jobDir(namespace, name), replica);
  }

  logPath(namespace: string, name: string, replica: string): string {
    return join(this.jobDir(namespace, name), `${replica}.log`);
  }

  exitPath(namespace: string, name: string, replica: string): string {
    return join(this.jobDir(namespace, name), `${replica}.exit`);
  }

  /** The exit code the wrapper recorded, or undefined when it did not get to write one. */
  readExitCode(namespace: string, name: string, replica: string): number | undefined {
    try {
      const code = Number(readFileSync(this.exitPath(namespace, name, replica), 'utf8').trim());
      return Number.isInteger(code) ? code : undefined;
    } catch {
      return undefined;
    }
  }

  /** Synchronous on purpose: records are small and writes from concurrent replica exits must not interleave. */
  save(record: IJobRecord): void {
    const dir = this.jobDir(record.namespace, record.name);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.job.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(record, null, 1));
    renameSync(tmp, join(dir, 'job.json'));
  }

  remove(namespace: string, name: string): void {
    rmSync(this.jobDir(namespace, name), { recursive: true, force: true });
  }

  /** Every readable record; a job dir with a broken record is skipped rather than failing the start. */
  loadAll(): IJobRecord[] {
    const records: IJobRecord[] = [];
    for (const namespace of safeList(this.root)) {
      for (const name of safeList(join(this.root, namespace))) {
        try {
          const record = JSON.parse(
            readFileSync(join(this.jobDir(namespace, name), 'job.json'), 'utf8')
          ) as IJobRecord;
          if (record.version === 1 && record.name === name && record.namespace === namespace) {
            records.push(record);
          }
        } catch {
          // not a job dir, or a record from a crash before its first write
        }
      }
    }
    return records;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => entry.name);
  } catch {
    return [];
  }
}
