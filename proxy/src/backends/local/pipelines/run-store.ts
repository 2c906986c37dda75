/**
 * Where local runs live. Records and logs: `<stateDir>/runs/<namespace>/<run>/` with `run.json` (replaced
 * atomically by rename), `documents.json` (the IR the run executes and what it came from, never changed) and `logs/<task>.log` plus one exit
 * file per attempt. Outputs: kfp.local's layout under the pipeline root,
 * `<pipelineRoot>/<pipeline-name>-<YYYY-mm-dd-HH-MM-SS-ffffff>/<task>/`. Cache entries:
 * `<stateDir>/pipeline-cache/<key>.json`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IPipelineSpec } from '../../../../../contract/pipeline';
import { IPipelineIr } from './ir';
import { IPlatformSpec } from './plan';
import { loadRecords, saveRecord } from '../record-files';
import { IRunRecord } from './run-record';

export interface IRunDocuments {
  ir: IPipelineIr;
  platformSpec?: IPlatformSpec;
  spec?: IPipelineSpec;
}

export class RunStore {
  constructor(
    private readonly stateDir: string,
    readonly pipelineRoot: string
  ) {}

  private get root(): string {
    return join(this.stateDir, 'runs');
  }

  get cacheDir(): string {
    return join(this.stateDir, 'pipeline-cache');
  }

  runDir(namespace: string, name: string): string {
    return join(this.root, namespace, name);
  }

  logPath(namespace: string, name: string, task: string): string {
    return join(this.runDir(namespace, name), 'logs', `${task}.log`);
  }

  exitPath(namespace: string, name: string, task: string, attempt: number): string {
    return join(this.runDir(namespace, name), 'logs', `${task}.${attempt}.exit`);
  }

  /** kfp.local's run directory name: `<pipeline-name>-<YYYY-mm-dd-HH-MM-SS-ffffff>`. */
  outputRoot(pipelineName: string, created: Date): string {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const d = created;
    const stamp =
      `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-` +
      `${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}-${p(d.getMilliseconds() * 1000, 6)}`;
    return join(this.pipelineRoot, `${pipelineName}-${stamp}`);
  }

  readExitCode(namespace: string, name: string, task: string, attempt: number): number | undefined {
    try {
      const text = readFileSync(this.exitPath(namespace, name, task, attempt), 'utf8').trim();
      const code = Number(text);
      return text !== '' && Number.isInteger(code) ? code : undefined;
    } catch {
      return undefined;
    }
  }

  /** The IR, the platform spec and the document a run was created from; written once, never changed. */
  saveDocuments(namespace: string, name: string, docs: IRunDocuments): void {
    const dir = this.runDir(namespace, name);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'documents.json'), JSON.stringify(docs));
  }

  loadDocuments(namespace: string, name: string): IRunDocuments {
    return JSON.parse(readFileSync(join(this.runDir(namespace, name), 'documents.json'), 'utf8'));
  }

  save(record: IRunRecord): void {
    saveRecord(this.runDir(record.namespace, record.name), 'run.json', record);
  }

  remove(record: IRunRecord): void {
    rmSync(this.runDir(record.namespace, record.name), { recursive: true, force: true });
    rmSync(record.outputRoot, { recursive: true, force: true });
  }

  /** Every readable record; a broken one is skipped rather than failing the start. */
  loadAll(): IRunRecord[] {
    return loadRecords<IRunRecord>(this.root, 'run.json');
  }
}
