/** The live job list of a namespace: the shared live list (src/live/) fed by the job stream. */
import { IJob } from '../../contract/training';
import { INamespaceSource, IResourceStreamLike, LiveListModel, LiveModelPool } from '../live/model';
import { IJobFilter, JOB_FILTERING } from './reducer';

export type { INamespaceSource, LiveState } from '../live/model';

/** What the model needs of `ProxyClient`. */
export interface IWatchClient {
  watchJobs(namespace: string): IResourceStreamLike<IJob>;
}

export class JobsModel extends LiveListModel<IJob, IJobFilter> {
  constructor(client: IWatchClient, source: INamespaceSource) {
    super(namespace => client.watchJobs(namespace), source, JOB_FILTERING);
  }
}

/** One `JobsModel` per namespace shared by the job views and output cards. */
export class JobsModelPool extends LiveModelPool<JobsModel> {
  constructor(client: IWatchClient) {
    super(namespace => new JobsModel(client, { namespace }));
  }
}
