/** The renderer of `application/vnd.kubeflow.run+json` outputs (`%kf pipeline run`): a live run card. */
import React from 'react';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME } from '../../contract/mime';
import { LIVE_OUTPUT_RANK, liveOutputFactory, LiveOutputRenderer } from '../live/output-renderer';
import { IRunOutput, RunCard } from './RunCard';
import { RunsModel, RunsModelPool } from './model';

export const RUN_RANK = LIVE_OUTPUT_RANK;

export interface IRunRendererOptions {
  pool: RunsModelPool;
  openRun: (namespace: string, name: string) => void;
}

export class RunRenderer extends LiveOutputRenderer<IRunOutput, RunsModel> {
  constructor(private readonly options: IRunRendererOptions) {
    super(MIME.run, options.pool, 'run');
  }

  protected renderOutput(data: IRunOutput, runs: RunsModel | undefined): JSX.Element {
    return React.createElement(RunCard, {
      data,
      runs,
      onOpen: () => this.options.openRun(data.namespace, data.name)
    });
  }
}

export function runRendererFactory(options: IRunRendererOptions): IRenderMime.IRendererFactory {
  return liveOutputFactory(MIME.run, () => new RunRenderer(options));
}
