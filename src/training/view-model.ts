/**
 * One job's view: the job itself, followed live through the shared `JobsModel` of its namespace, its events,
 * and its logs. Falls back to one `getJob` so the view has something before the stream's first snapshot.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IJob, IJobEvent } from '../../contract/training';
import { ILogsClient, JobLogsModel } from './logs-model';
import { JobsModel, JobsModelPool } from './model';

export interface IJobViewClient extends ILogsClient {
  getJob(namespace: string, name: string): Promise<IJob>;
  jobEvents(namespace: string, name: string): Promise<IJobEvent[]>;
}

export class JobViewModel {
  readonly logs: JobLogsModel;
  private readonly jobs: JobsModel;
  private _fetched: IJob | undefined;
  private _lastKnown: IJob | undefined;
  private _events: IJobEvent[] = [];
  private _error = '';
  private _lastVersion: string | undefined;
  private _lastSeen: { job: IJob | undefined; live: boolean; gone: boolean } = {
    job: undefined,
    live: false,
    gone: false
  };
  private readonly _changed = new Signal<this, void>(this);

  constructor(
    private readonly client: IJobViewClient,
    private readonly pool: JobsModelPool,
    readonly namespace: string,
    readonly name: string
  ) {
    this.logs = new JobLogsModel(client, namespace, name);
    this.jobs = pool.acquire(namespace);
    this.jobs.changed.connect(this.onJobsChanged, this);
    void this.fetchJob();
    void this.refreshEvents();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The live job; else the last one seen (deleted since), or the one fetched at open. */
  get job(): IJob | undefined {
    return this.jobs.get(this.name) ?? this._lastKnown ?? this._fetched;
  }
  /** True when the live list no longer has the job (deleted elsewhere). */
  get gone(): boolean {
    return this.jobs.hasSnapshot && !this.jobs.get(this.name);
  }
  get events(): IJobEvent[] {
    return this._events;
  }
  get error(): string {
    return this._error;
  }
  get live(): boolean {
    return this.jobs.liveState === 'live';
  }

  async refreshEvents(): Promise<void> {
    try {
      this._events = await this.client.jobEvents(this.namespace, this.name);
      this._changed.emit();
    } catch {
      // Events are a help, not the job: a failure here leaves the last list in place.
    }
  }

  dispose(): void {
    this.jobs.changed.disconnect(this.onJobsChanged, this);
    this.pool.release(this.jobs);
    this.logs.dispose();
    Signal.clearData(this);
  }

  private async fetchJob(): Promise<void> {
    try {
      this._fetched = await this.client.getJob(this.namespace, this.name);
    } catch (e) {
      this._error = (e as Error).message;
    }
    this._changed.emit();
  }

  private onJobsChanged(): void {
    // The namespace's list changes for every job in it; re-render only when this one (or liveness) did.
    this._lastKnown = this.jobs.get(this.name) ?? this._lastKnown;
    const seen = { job: this.job, live: this.live, gone: this.gone };
    const last = this._lastSeen;
    if (seen.job === last.job && seen.live === last.live && seen.gone === last.gone) {
      return;
    }
    this._lastSeen = seen;
    const version = this.job?.resourceVersion;
    if (version !== this._lastVersion) {
      // A changed job usually means new events (scheduling, pulls, restarts): fetch them with it.
      this._lastVersion = version;
      void this.refreshEvents();
    }
    this._changed.emit();
  }
}
