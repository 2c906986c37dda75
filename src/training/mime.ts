/**
 * The renderer of `application/vnd.kubeflow.job+json` outputs (`%%kf train`): a live card sharing the
 * namespace's job stream with the other cards and views. What it sees live is written back into the output,
 * so a saved notebook records the job's last known state (and that it was deleted), never an older one.
 */
import React from 'react';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';
import { MIME } from '../../contract/mime';
import { ReadonlyJSONObject } from '@lumino/coreutils';
import { IJobOutput, isJobOutput, JobCard, nextSavedOutput } from './JobCard';
import { failingReplica } from './explain';
import { JobsModel, JobsModelPool } from './model';

/** Above text/plain so the card replaces the magic's text fallback. */
export const JOB_RANK = 20;

export interface IJobRendererOptions {
  pool: JobsModelPool;
  openJob: (namespace: string, name: string) => void;
  /** The last lines of a replica's log (the failure box); absent in tests that do not need it. */
  readTail?: (namespace: string, name: string, replica: string) => Promise<string>;
}

export class JobRenderer extends ReactWidget implements IRenderMime.IRenderer {
  private data: IJobOutput | null = null;
  private model: IRenderMime.IMimeModel | null = null;
  private jobs: JobsModel | undefined;
  private tailOf = '';

  constructor(private readonly options: IJobRendererOptions) {
    super();
    this.addClass('kf-job-output');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[MIME.job];
    this.model = model;
    this.data = isJobOutput(data) ? data : null;
    if (this.jobs && this.jobs.namespace !== this.data?.namespace) {
      this.release();
    }
    if (this.data && !this.jobs) {
      this.jobs = this.options.pool.acquire(this.data.namespace);
      this.jobs.changed.connect(this.record, this);
      this.record();
    }
    this.update();
    return Promise.resolve();
  }

  dispose(): void {
    this.release();
    super.dispose();
  }

  private release(): void {
    if (this.jobs) {
      this.jobs.changed.disconnect(this.record, this);
      this.options.pool.release(this.jobs);
      this.jobs = undefined;
    }
  }

  /** Writes the live state into the output (only on change, so a re-render does not loop). */
  private record(): void {
    const { data, jobs, model } = this;
    if (!data || !jobs || !model?.setData || !jobs.hasSnapshot || jobs.liveState !== 'live') {
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
    this.model?.setData?.({
      data: { ...this.model.data, [MIME.job]: next as unknown as ReadonlyJSONObject }
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

  protected render(): JSX.Element {
    const data = this.data;
    if (!data) {
      return React.createElement(
        'div',
        { className: 'kf-job-card', role: 'alert' },
        'This job output is damaged.'
      );
    }
    return React.createElement(JobCard, {
      data,
      jobs: this.jobs,
      onOpen: () => this.options.openJob(data.namespace, data.name)
    });
  }
}

export function jobRendererFactory(options: IJobRendererOptions): IRenderMime.IRendererFactory {
  return {
    // Safe: the job is shown as text through React (escaped), never as HTML.
    safe: true,
    mimeTypes: [MIME.job],
    defaultRank: JOB_RANK,
    createRenderer: () => new JobRenderer(options)
  };
}
