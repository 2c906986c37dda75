/** One job's view: the live job (src/live/item-model), its events and its logs. */
import { IJob, IJobEvent } from '../../contract/training';
import { LiveItemModel } from '../live/item-model';
import { ILogSource, LogsModel } from '../live/logs-model';
import { ILogRequest } from '../api/client';
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

export class JobViewModel extends LiveItemModel<IJob, JobsModel> {
  readonly logs: LogsModel;
  private _events: IJobEvent[] = [];

  constructor(
    private readonly client: IJobViewClient,
    pool: JobsModelPool,
    namespace: string,
    name: string
  ) {
    super(pool, () => client.getJob(namespace, name), namespace, name);
    this.logs = new LogsModel(jobLogSource(client, namespace, name));
    // A changed job usually means new events (scheduling, pulls, restarts): fetch them with it.
    this.versionChanged.connect(() => void this.refreshEvents());
    void this.refreshEvents();
  }

  get job(): IJob | undefined {
    return this.item;
  }
  get events(): IJobEvent[] {
    return this._events;
  }

  async refreshEvents(): Promise<void> {
    try {
      this._events = await this.client.jobEvents(this.namespace, this.name);
      this.emitChanged();
    } catch {
      // Events are a help, not the job: a failure here leaves the last list in place.
    }
  }

  dispose(): void {
    this.logs.dispose();
    super.dispose();
  }
}
