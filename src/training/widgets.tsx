/** Lumino wrappers of the training views; each disposes the model it owns with itself. */
import React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import { IJob } from '../../contract/training';
import { JobForm } from './JobForm';
import { JobFormModel } from './form-model';
import { JobList } from './JobList';
import { JobView } from './JobView';
import { JobsModel } from './model';
import { JobViewModel } from './view-model';

/** The "Training jobs" section of the Kubeflow sidebar. */
export class JobListSection extends ReactWidget {
  constructor(
    readonly model: JobsModel,
    private readonly actions: { onOpen: (job: IJob) => void; onNew: () => void }
  ) {
    super();
    this.id = 'kf-training-jobs';
    this.title.label = 'Training jobs';
    this.addClass('kf-job-list-section');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <JobList model={this.model} onOpen={this.actions.onOpen} onNew={this.actions.onNew} />;
  }
}

export class JobFormWidget extends ReactWidget {
  constructor(readonly model: JobFormModel) {
    super();
    this.addClass('kf-job-form-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <JobForm model={this.model} />;
  }
}

export interface IJobActions {
  onDelete: (job: IJob) => void;
  onClone: (job: IJob) => void;
  onRerun: (job: IJob) => void;
}

export class JobViewWidget extends ReactWidget {
  constructor(
    readonly model: JobViewModel,
    private readonly actions: IJobActions
  ) {
    super();
    this.addClass('kf-job-view-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <JobView model={this.model} {...this.actions} />;
  }
}

/** Main-area id of a job's view, so opening it twice activates the first. */
export const jobViewId = (namespace: string, name: string): string => `kf-job-${namespace}-${name}`;
