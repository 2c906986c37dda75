/**
 * The renderer of `application/vnd.kubeflow.job+json` outputs (`%%kf train`): a live job card. What it sees live
 * is written back into the output, so a saved notebook records the job's last known state (and that it was
 * deleted), never an older one.
 */
import React from 'react';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReadonlyJSONObject } from '@lumino/coreutils';
import { MIME } from '../../contract/mime';
import { LIVE_OUTPUT_RANK, liveOutputFactory, LiveOutputRenderer } from '../live/output-renderer';
import { IJobOutput, JobCard, nextSavedOutput } from './JobCard';
import { failingReplica } from './explain';
import { JobsModel, JobsModelPool } from './model';

export const JOB_RANK = LIVE_OUTPUT_RANK;

export interface IJobRendererOptions {
  pool: JobsModelPool;
  openJob: (namespace: string, name: string) => void;
  /** The last lines of a replica's log (the failure box); absent in tests that do not need it. */
  readTail?: (namespace: string, name: string, replica: string) => Promise<string>;
}

export class JobRenderer extends LiveOutputRenderer<IJobOutput, JobsModel> {
  private tailOf = '';

  constructor(private readonly options: IJobRendererOptions) {
    super(MIME.job, options.pool, 'job');
  }

  protected renderOutput(data: IJobOutput, jobs: JobsModel | undefined): JSX.Element {
    return React.createElement(JobCard, {
      data,
      jobs,
      onOpen: () => this.options.openJob(data.namespace, data.name)
    });
  }

  protected followed(jobs: JobsModel): void {
    jobs.changed.connect(this.record, this);
    this.record();
  }

  protected unfollowed(jobs: JobsModel): void {
    jobs.changed.disconnect(this.record, this);
  }

  /** Writes the live state into the output (only on change, so a re-render does not loop). */
  private record(): void {
    const { data, live: jobs, mimeModel } = this;
    if (!data || !jobs || !mimeModel?.setData || !jobs.hasSnapshot || jobs.liveState !== 'live') {
      return;
    }
    const next = nextSavedOutput(data, jobs.get(data.name));
    if (next !== data) {
      this.save(next);
    }
    void this.readFailureTail();
  }

  private save(next: IJobOutput): void {
    this.data = next;
    this.update();
    this.mimeModel?.setData?.({
      data: { ...this.mimeModel.data, [MIME.job]: next as unknown as ReadonlyJSONObject }
    });
  }

  /** Once per failing replica and version: its last lines go into the card and the saved output. */
  private async readFailureTail(): Promise<void> {
    const { data } = this;
    const replica = data?.job && !data.deleted ? failingReplica(data.job) : undefined;
    const key = replica ? `${replica.name}@${data?.job?.version ?? ''}` : '';
    if (!data || !replica || !this.options.readTail || key === this.tailOf) {
      return;
    }
    this.tailOf = key;
    try {
      const text = await this.options.readTail(data.namespace, data.name, replica.name);
      if (this.data && this.data.name === data.name) {
        this.save({ ...this.data, failureTail: { replica: replica.name, text } });
      }
    } catch {
      // The card still says which replica failed and why.
    }
  }
}

export function jobRendererFactory(options: IJobRendererOptions): IRenderMime.IRendererFactory {
  return liveOutputFactory(MIME.job, () => new JobRenderer(options));
}
