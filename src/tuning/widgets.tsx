/** Lumino wrappers of the tuning views; each disposes the model it owns with itself. */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';
import { IStudy } from '../../contract/study';
import { StudyFormModel } from './form-model';
import { StudiesModel, StudyViewModel } from './model';
import { StudyForm } from './StudyForm';
import { StudyList } from './StudyList';
import { IStudyActions, StudyView } from './StudyView';

/** The "Studies" section of the Kubeflow sidebar. */
export class StudyListSection extends ReactWidget {
  constructor(
    readonly model: StudiesModel,
    private readonly actions: { onOpen: (study: IStudy) => void; onNew: () => void }
  ) {
    super();
    this.id = 'kf-studies';
    this.title.label = 'Studies';
    this.addClass('kf-study-list-section');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <StudyList model={this.model} onOpen={this.actions.onOpen} onNew={this.actions.onNew} />;
  }
}

export class StudyFormWidget extends ReactWidget {
  constructor(
    readonly model: StudyFormModel,
    private readonly backend: () => 'local' | 'kubernetes' | undefined
  ) {
    super();
    this.addClass('kf-job-form-widget');
    this.addClass('kf-study-form-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <StudyForm model={this.model} backend={this.backend()} />;
  }
}

export class StudyViewWidget extends ReactWidget {
  constructor(
    readonly model: StudyViewModel,
    private readonly actions: IStudyActions,
    private readonly rendermime?: IRenderMimeRegistry
  ) {
    super();
    this.addClass('kf-job-view-widget');
    this.addClass('kf-study-view-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <StudyView model={this.model} rendermime={this.rendermime} {...this.actions} />;
  }
}

/** Main-area id of a study's view, so opening it twice activates the first. */
export const studyViewId = (namespace: string, name: string): string =>
  `kf-study-${namespace}-${name}`;
