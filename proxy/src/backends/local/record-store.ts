/**
 * Where local jobs live: `<stateDir>/jobs/<namespace>/<name>/` holds `job.json` (the record, replaced atomically
 * by rename so a crash never leaves half a file), the source file, and per replica a working dir, a log and the
 * exit-code file the replica's wrapper writes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IJobRecord } from './job-record';
import { loadRecords, saveRecord } from './record-files';

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

  save(record: IJobRecord): void {
    saveRecord(this.jobDir(record.namespace, record.name), 'job.json', record);
  }

  remove(namespace: string, name: string): void {
    rmSync(this.jobDir(namespace, name), { recursive: true, force: true });
  }

  /** Every readable record; a job dir with a broken record is skipped rather than failing the start. */
  loadAll(): IJobRecord[] {
    return loadRecords<IJobRecord>(this.root, 'job.json');
  }
}
