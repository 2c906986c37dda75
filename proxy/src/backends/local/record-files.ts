/**
 * Records kept one per directory, `<root>/<namespace>/<name>/<file>` (local jobs, local pipeline runs). Writes
 * are synchronous on purpose: exits arrive concurrently and their writes must not interleave; each replaces the
 * file atomically by rename so a crash never leaves half a file.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface IRecordKey {
  version: number;
  name: string;
  namespace: string;
}

export function saveRecord(dir: string, file: string, record: IRecordKey): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${file}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(record, null, 1));
  renameSync(tmp, join(dir, file));
}

/** Every readable record under root; a dir with a broken record is skipped rather than failing the start. */
export function loadRecords<T extends IRecordKey>(root: string, file: string): T[] {
  const records: T[] = [];
  for (const namespace of subdirs(root)) {
    for (const name of subdirs(join(root, namespace))) {
      try {
        const record = JSON.parse(readFileSync(join(root, namespace, name, file), 'utf8')) as T;
        if (record.version === 1 && record.name === name && record.namespace === namespace) {
          records.push(record);
        }
      } catch {
        // not a record dir, or a crash before its first write
      }
    }
  }
  return records;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => entry.name);
  } catch {
    return [];
  }
}
