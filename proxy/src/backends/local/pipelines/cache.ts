/**
 * The step cache: `<cacheDir>/<key>.json` holds the outputs a step produced for that key and which run produced
 * them. As in kfp.local, an entry whose artifact files are gone counts as a miss.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IStepIo } from './run-record';

export interface ICacheEntry {
  run: string;
  namespace: string;
  task: string;
  created: string;
  outputs: IStepIo;
}

export class StepCache {
  constructor(private readonly dir: string) {}

  get(key: string): ICacheEntry | undefined {
    let entry: ICacheEntry;
    try {
      entry = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8'));
    } catch {
      return undefined;
    }
    const intact = Object.values(entry.outputs.artifacts).every(a => existsSync(a.uri));
    return intact ? entry : undefined;
  }

  put(key: string, entry: ICacheEntry): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, join(this.dir, `${key}.json`));
  }
}
