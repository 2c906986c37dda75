/**
 * The renderer of `application/vnd.kubeflow.study+json` outputs (`%%kf tune`): a live study widget. The magic's
 * text/plain fallback stays in the output for other frontends.
 */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME } from '../../contract/mime';
import { LIVE_OUTPUT_RANK, liveOutputFactory, LiveOutputRenderer } from '../live/output-renderer';
import { StudiesModel, StudiesModelPool } from './model';
import { IStudyOutput, StudyCard } from './StudyCard';

export const STUDY_RANK = LIVE_OUTPUT_RANK;

export interface IStudyRendererOptions {
  pool: StudiesModelPool;
  openStudy: (namespace: string, name: string) => void;
  rendermime?: IRenderMimeRegistry;
}

export class StudyRenderer extends LiveOutputRenderer<IStudyOutput, StudiesModel> {
  constructor(private readonly options: IStudyRendererOptions) {
    super(MIME.study, options.pool, 'study');
  }

  protected renderOutput(data: IStudyOutput, studies: StudiesModel | undefined): JSX.Element {
    return React.createElement(StudyCard, {
      data,
      studies,
      rendermime: this.options.rendermime,
      onOpen: () => this.options.openStudy(data.namespace, data.name)
    });
  }
}

export function studyRendererFactory(options: IStudyRendererOptions): IRenderMime.IRendererFactory {
  return liveOutputFactory(MIME.study, () => new StudyRenderer(options));
}
