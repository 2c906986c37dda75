/** The live run list of a namespace: the shared live list (src/live/) fed by the run stream. */
import { IRun, RunPhase } from '../../contract/pipeline';
import {
  IFiltering,
  INamespaceSource,
  IResourceStreamLike,
  LiveListModel,
  LiveModelPool
} from '../live/model';

/** What the list needs of `ProxyClient`. */
export interface IRunWatchClient {
  watchRuns(namespace: string): IResourceStreamLike<IRun>;
}

export interface IRunFilter {
  /** A run phase, or '' for all. */
  phase: RunPhase | '';
  /** Case-insensitive substring of the run name or the pipeline's name. */
  text: string;
  /** A KFP experiment's name (only KFP runs in it), or '' for all runs, local and KFP. */
  experiment: string;
}

export const RUN_FILTERING: IFiltering<IRun, IRunFilter> = {
  empty: { phase: '', text: '', experiment: '' },
  keep: (run, filter) => {
    if (filter.phase && run.phase !== filter.phase) {
      return false;
    }
    if (filter.experiment && run.kfp?.experiment !== filter.experiment) {
      return false;
    }
    const text = filter.text.trim().toLowerCase();
    return (
      !text ||
      run.name.toLowerCase().includes(text) ||
      (run.displayName ?? run.pipelineName).toLowerCase().includes(text)
    );
  }
};

export class RunsModel extends LiveListModel<IRun, IRunFilter> {
  constructor(client: IRunWatchClient, source: INamespaceSource) {
    super(namespace => client.watchRuns(namespace), source, RUN_FILTERING);
  }
}

/** One `RunsModel` per namespace shared by run views and run cards. */
export class RunsModelPool extends LiveModelPool<RunsModel> {
  constructor(client: IRunWatchClient) {
    super(namespace => new RunsModel(client, { namespace }));
  }
}
