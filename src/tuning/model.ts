/** The live study list of a namespace, and one study's view: the shared live pieces (src/live/) fed by the study stream. */
import { IStudy, StudyPhase } from '../../contract/study';
import { LiveItemModel } from '../live/item-model';
import { ILogSource, LogsModel } from '../live/logs-model';
import {
  IFiltering,
  INamespaceSource,
  IResourceStreamLike,
  LiveListModel,
  LiveModelPool
} from '../live/model';

export interface IStudyFilter {
  /** A phase, or '' for all. */
  status: StudyPhase | '';
  /** Case-insensitive substring of the name. */
  text: string;
}

export const STUDY_FILTERING: IFiltering<IStudy, IStudyFilter> = {
  empty: { status: '', text: '' },
  keep(study, filter) {
    const text = filter.text.trim().toLowerCase();
    return (
      (!filter.status || study.phase === filter.status) &&
      (!text || study.name.toLowerCase().includes(text))
    );
  }
};

export interface IStudyWatchClient {
  watchStudies(namespace: string): IResourceStreamLike<IStudy>;
}

export class StudiesModel extends LiveListModel<IStudy, IStudyFilter> {
  constructor(client: IStudyWatchClient, source: INamespaceSource) {
    super(namespace => client.watchStudies(namespace), source, STUDY_FILTERING);
  }
}

/** One `StudiesModel` per namespace, shared by the study views and the study output widgets. */
export class StudiesModelPool extends LiveModelPool<StudiesModel> {
  constructor(client: IStudyWatchClient) {
    super(namespace => new StudiesModel(client, { namespace }));
  }
}

export interface IStudyViewClient {
  getStudy(namespace: string, name: string): Promise<IStudy>;
  trialLogs(
    namespace: string,
    study: string,
    trial: string,
    options?: { tail?: number }
  ): Promise<string>;
  followTrialLogs(
    namespace: string,
    study: string,
    trial: string,
    options: { tail?: number },
    onText: (text: string) => void,
    signal: AbortSignal
  ): Promise<void>;
}

/** The logs of one trial of a study (the route has no "all trials" merge: a trial must be chosen). */
export function trialLogSource(
  client: IStudyViewClient,
  namespace: string,
  study: string
): ILogSource {
  return {
    read: (trial, tail) =>
      trial ? client.trialLogs(namespace, study, trial, { tail }) : Promise.resolve(''),
    follow: (trial, tail, onText, signal) =>
      trial
        ? client.followTrialLogs(namespace, study, trial, { tail }, onText, signal)
        : Promise.resolve()
  };
}

export class StudyViewModel extends LiveItemModel<IStudy, StudiesModel> {
  readonly logs: LogsModel;

  constructor(
    client: IStudyViewClient,
    pool: StudiesModelPool,
    namespace: string,
    name: string,
    logTail?: number
  ) {
    super(pool, () => client.getStudy(namespace, name), namespace, name);
    this.logs = new LogsModel(trialLogSource(client, namespace, name), '', logTail);
  }

  get study(): IStudy | undefined {
    return this.item;
  }

  dispose(): void {
    this.logs.dispose();
    super.dispose();
  }
}
