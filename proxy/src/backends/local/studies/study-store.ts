/** Local study records on disk (`<stateDir>/studies/<namespace>/<name>.json`), written atomically, so a
 * restarted proxy finds every study and rebuilds it from its trials' jobs and logs. */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IStudySpec } from '../../../../../contract/study';

export interface ILocalTrialRecord {
  name: string;
  index: number;
  params: Record<string, string>;
  created: string;
  /** Set once its local job exists (a trial saved without one is created again after a restart). */
  jobCreated?: boolean;
  /** Why the workbench stopped it (the job itself only says Failed). */
  stoppedAs?: 'EarlyStopped' | 'Killed';
  message?: string;
}

export interface ILocalStudyRecord {
  spec: IStudySpec & { name: string; namespace: string };
  created: string;
  stopped?: string;
  finished?: string;
  /** Why no more trials are created, in words (budget used, grid exhausted, goal reached, …). */
  doneReason?: string;
  trials: ILocalTrialRecord[];
}

export class StudyStore {
  constructor(private readonly root: string) {}

  private file(namespace: string, name: string): string {
    return join(this.root, namespace, `${name}.json`);
  }

  save(record: ILocalStudyRecord): void {
    const file = this.file(record.spec.namespace, record.spec.name);
    mkdirSync(join(this.root, record.spec.namespace), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  remove(namespace: string, name: string): void {
    rmSync(this.file(namespace, name), { force: true });
  }

  loadAll(): ILocalStudyRecord[] {
    const records: ILocalStudyRecord[] = [];
    let namespaces: string[] = [];
    try {
      namespaces = readdirSync(this.root);
    } catch {
      return records;
    }
    for (const ns of namespaces) {
      for (const file of readdirSync(join(this.root, ns)).filter(f => f.endsWith('.json'))) {
        try {
          records.push(
            JSON.parse(readFileSync(join(this.root, ns, file), 'utf-8')) as ILocalStudyRecord
          );
        } catch {
          // A torn or foreign file is skipped; the atomic rename means ours are whole.
        }
      }
    }
    return records;
  }
}
