/** One job's view: the live job (src/live/item-model), its events and its logs. */
import { IJob, IJobEvent } from '../../contract/training';
import { LiveItemModel } from '../live/item-model';
import { ILogSource, LogsModel } from '../live/logs-model';
import { ILogRequest } from '../api/client';
import { FAILURE_TAIL_LINES, failingReplica } from './explain';
import { JobsModel, JobsModelPool } from './model';

export interface IJobViewClient {
  getJob(namespace: string, name: string): Promise<IJob>;
  jobEvents(namespace: string, name: string): Promise<IJobEvent[]>;
  jobLogs(namespace: string, name: string, options?: ILogRequest): Promise<string>;
  followLogs(
    namespace: string,
    name: string,
    options: ILogRequest,
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void>;
}

/** The logs of one job's replicas ('' = all merged). */
export function jobLogSource(client: IJobViewClient, namespace: string, name: string): ILogSource {
  const options = (replica: string, tail: number) => ({ replica: replica || undefined, tail });
  return {
    read: (replica, tail) => client.jobLogs(namespace, name, options(replica, tail)),
    follow: (replica, tail, onText, signal) =>
      client.followLogs(namespace, name, options(replica, tail), onText, signal)
  };
}

/** The last lines of the replica that made a job fail (the exception), for the failure box. */
export interface IFailureTail {
  replica: string;
  text: string;
}

export class JobViewModel extends LiveItemModel<IJob, JobsModel> {
  readonly logs: LogsModel;
  private _events: IJobEvent[] = [];
  private _failureTail: IFailureTail | undefined;
  private _tailOf = '';

  constructor(
    private readonly client: IJobViewClient,
    pool: JobsModelPool,
    namespace: string,
    name: string,
    logTail?: number
  ) {
    super(pool, () => client.getJob(namespace, name), namespace, name);
    this.logs = new LogsModel(jobLogSource(client, namespace, name), '', logTail);
    // A changed job usually means new events (scheduling, pulls, restarts): fetch them with it.
    this.versionChanged.connect(() => void this.refreshEvents());
    // Cheap when nothing failed: it reads a log only once per failing replica and job version.
    this.changed.connect(() => void this.refreshFailureTail());
    void this.refreshEvents();
  }

  get job(): IJob | undefined {
    return this.item;
  }
  get events(): IJobEvent[] {
    return this._events;
  }
  get failureTail(): IFailureTail | undefined {
    return this._failureTail;
  }

  async refreshEvents(): Promise<void> {
    try {
      this._events = await this.client.jobEvents(this.namespace, this.name);
      this.emitChanged();
    } catch {
      // Events are a help, not the job: a failure here leaves the last list in place.
    }
  }

  /** Once per failing replica (and version): its last lines, so the failure box shows the exception. */
  async refreshFailureTail(): Promise<void> {
    const job = this.job;
    const replica = job && failingReplica(job);
    const key = replica ? `${replica.name}@${job?.version ?? ''}` : '';
    if (!replica || key === this._tailOf) {
      return;
    }
    this._tailOf = key;
    try {
      const text = await this.client.jobLogs(this.namespace, this.name, {
        replica: replica.name,
        tail: FAILURE_TAIL_LINES
      });
      this._failureTail = { replica: replica.name, text };
      this.emitChanged();
    } catch {
      // The failure box still says which replica failed and why; the lines are a help.
    }
  }

  dispose(): void {
    this.logs.dispose();
    super.dispose();
  }
}
