/** How the job list filters: by phase, framework and a name substring (the live list itself is src/live/). */
import { IJob, JobPhase } from '../../contract/training';
import { IFiltering } from '../live/model';

export interface IJobFilter {
  /** A phase, or '' for all. */
  status: JobPhase | '';
  /** A framework, or '' for all. */
  framework: string;
  /** Case-insensitive substring of the name. */
  text: string;
}

export const NO_FILTER: IJobFilter = { status: '', framework: '', text: '' };

export const JOB_FILTERING: IFiltering<IJob, IJobFilter> = {
  empty: NO_FILTER,
  keep(job, filter) {
    const text = filter.text.trim().toLowerCase();
    return (
      (!filter.status || job.phase === filter.status) &&
      (!filter.framework || job.framework === filter.framework) &&
      (!text || job.name.toLowerCase().includes(text))
    );
  }
};
