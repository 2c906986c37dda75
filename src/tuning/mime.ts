/**
 * The renderer of `application/vnd.kubeflow.study+json` outputs (`%%kf tune`): a live study widget sharing the
 * namespace's study stream with the other widgets and views, falling back to the saved snapshot. The magic's
 * text/plain fallback stays in the output for other frontends.
 */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';
import { MIME } from '../../contract/mime';
import { StudiesModel, StudiesModelPool } from './model';
import { isStudyOutput, IStudyOutput, StudyCard } from './StudyCard';

/** Above text/plain so the widget replaces the magic's text fallback. */
export const STUDY_RANK = 20;

export interface IStudyRendererOptions {
  pool: StudiesModelPool;
  openStudy: (namespace: string, name: string) => void;
  rendermime?: IRenderMimeRegistry;
}

export class StudyRenderer extends ReactWidget implements IRenderMime.IRenderer {
  private data: IStudyOutput | null = null;
  private studies: StudiesModel | undefined;

  constructor(private readonly options: IStudyRendererOptions) {
    super();
    this.addClass('kf-study-output');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[MIME.study];
    this.data = isStudyOutput(data) ? data : null;
    if (this.studies && this.studies.namespace !== this.data?.namespace) {
      this.options.pool.release(this.studies);
      this.studies = undefined;
    }
    if (this.data && !this.studies) {
      this.studies = this.options.pool.acquire(this.data.namespace);
    }
    this.update();
    return Promise.resolve();
  }

  dispose(): void {
    if (this.studies) {
      this.options.pool.release(this.studies);
      this.studies = undefined;
    }
    super.dispose();
  }

  protected render(): JSX.Element {
    const data = this.data;
    if (!data) {
      return React.createElement(
        'div',
        { className: 'kf-study-card', role: 'alert' },
        'This study output is damaged.'
      );
    }
    return React.createElement(StudyCard, {
      data,
      studies: this.studies,
      rendermime: this.options.rendermime,
      onOpen: () => this.options.openStudy(data.namespace, data.name)
    });
  }
}

export function studyRendererFactory(options: IStudyRendererOptions): IRenderMime.IRendererFactory {
  return {
    // Safe: the study is shown as text through React (escaped), never as HTML; plots are Vega specs we build.
    safe: true,
    mimeTypes: [MIME.study],
    defaultRank: STUDY_RANK,
    createRenderer: () => new StudyRenderer(options)
  };
}
