/**
 * One run's view: the live run (src/live/item-model), the selected step, that step's logs (the shared logs
 * model, one source per step), its output previews, and the last log lines behind "why is it stuck/failed".
 */
import { IArtifactPreview, IPipelineSpec, IRun } from '../../contract/pipeline';
import { LiveItemModel } from '../live/item-model';
import { ILogSource, LogsModel } from '../live/logs-model';
import { RunsModel, RunsModelPool } from './model';
import { lastLines } from './selectors';

/** What the view needs of `ProxyClient`. */
export interface IRunViewClient {
  getRun(namespace: string, name: string): Promise<IRun>;
  stepLogs(namespace: string, name: string, task: string, tail: number): Promise<string>;
  followStepLogs(
    namespace: string,
    name: string,
    task: string,
    onText: (text: string) => void,
    signal: AbortSignal,
    tail?: number
  ): Promise<void>;
  stepOutput(
    namespace: string,
    name: string,
    task: string,
    artifact: string
  ): Promise<IArtifactPreview>;
}

export interface IPreviewState {
  loading: boolean;
  preview?: IArtifactPreview;
  error?: string;
}

/** The logs of one run's steps; the source is the step's task name. */
export function stepLogSource(client: IRunViewClient, namespace: string, name: string): ILogSource {
  return {
    read: (task, tail) =>
      task ? client.stepLogs(namespace, name, task, tail) : Promise.resolve(''),
    follow: (task, tail, onText, signal) =>
      task ? client.followStepLogs(namespace, name, task, onText, signal, tail) : Promise.resolve()
  };
}

const WHY_LINES = 15;

export class RunViewModel extends LiveItemModel<IRun, RunsModel> {
  readonly logs: LogsModel;
  private _step = '';
  private readonly _previews = new Map<string, IPreviewState>();
  private readonly _tails = new Map<string, string>();
  private _spec: IPipelineSpec | undefined;
  private _ir: Record<string, unknown> | undefined;

  constructor(
    private readonly client: IRunViewClient,
    pool: RunsModelPool,
    namespace: string,
    name: string
  ) {
    super(pool, () => client.getRun(namespace, name), namespace, name);
    this.logs = new LogsModel(stepLogSource(client, namespace, name));
    // The stream's runs leave out the document and the IR (big, never change): read them once.
    void client.getRun(namespace, name).then(
      run => {
        this._spec = run.spec;
        this._ir = run.ir;
        this.emitChanged();
      },
      () => undefined
    );
  }

  get run(): IRun | undefined {
    return this.item;
  }
  /** The document the run was started from (its steps' kinds, ports, edges and positions), once read. */
  get spec(): IPipelineSpec | undefined {
    return this.item?.spec ?? this._spec;
  }
  /** The IR the run runs, once read (draws the DAG of a run without a document: a kfp-compiled IR). */
  get ir(): Record<string, unknown> | undefined {
    return this.item?.ir ?? this._ir;
  }
  /** The selected step's task name ('' for none). */
  get step(): string {
    return this._step;
  }

  selectStep(task: string): void {
    if (task === this._step) {
      return;
    }
    this._step = task;
    if (task) {
      const running = this.run?.steps.find(s => s.task === task)?.phase === 'Running';
      // A running step's log is followed; a finished one is read once.
      if (this.logs.follow !== running) {
        this.logs.setFollow(running);
      }
      this.logs.setSource(task);
      const step = this.run?.steps.find(s => s.task === task);
      if (step && (step.phase === 'Failed' || step.reason)) {
        void this.loadTail(task);
      }
    }
    this.emitChanged();
  }

  preview(task: string, artifact: string): IPreviewState | undefined {
    return this._previews.get(`${task}/${artifact}`);
  }

  async loadPreview(task: string, artifact: string): Promise<void> {
    const key = `${task}/${artifact}`;
    this._previews.set(key, { loading: true });
    this.emitChanged();
    try {
      const preview = await this.client.stepOutput(this.namespace, this.name, task, artifact);
      this._previews.set(key, { loading: false, preview });
    } catch (e) {
      this._previews.set(key, { loading: false, error: (e as Error).message });
    }
    this.emitChanged();
  }

  /** The last lines of a step's log, once loaded (for the "why" panel). */
  tail(task: string): string | undefined {
    return this._tails.get(task);
  }

  async loadTail(task: string): Promise<void> {
    try {
      const text = await this.client.stepLogs(this.namespace, this.name, task, WHY_LINES * 4);
      this._tails.set(task, lastLines(text, WHY_LINES));
    } catch (e) {
      this._tails.set(task, `(the log could not be read: ${(e as Error).message})`);
    }
    this.emitChanged();
  }

  dispose(): void {
    this.logs.dispose();
    super.dispose();
  }
}
