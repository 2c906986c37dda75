/**
 * The renderer of `application/vnd.kubeflow.run+json` outputs (`%kf pipeline run`): a live run card sharing the
 * namespace's run stream with the other cards and run views, falling back to the saved snapshot.
 */
import React from 'react';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';
import { MIME } from '../../contract/mime';
import { IRunOutput, isRunOutput, RunCard } from './RunCard';
import { RunsModel, RunsModelPool } from './model';

/** Above text/plain so the card replaces the magic's text fallback. */
export const RUN_RANK = 20;

export interface IRunRendererOptions {
  pool: RunsModelPool;
  openRun: (namespace: string, name: string) => void;
}

export class RunRenderer extends ReactWidget implements IRenderMime.IRenderer {
  private data: IRunOutput | null = null;
  private runs: RunsModel | undefined;

  constructor(private readonly options: IRunRendererOptions) {
    super();
    this.addClass('kf-run-output');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[MIME.run];
    this.data = isRunOutput(data) ? data : null;
    if (this.runs && this.runs.namespace !== this.data?.namespace) {
      this.options.pool.release(this.runs);
      this.runs = undefined;
    }
    if (this.data && !this.runs) {
      this.runs = this.options.pool.acquire(this.data.namespace);
    }
    this.update();
    return Promise.resolve();
  }

  dispose(): void {
    if (this.runs) {
      this.options.pool.release(this.runs);
      this.runs = undefined;
    }
    super.dispose();
  }

  protected render(): JSX.Element {
    const data = this.data;
    if (!data) {
      return React.createElement(
        'div',
        { className: 'kf-run-card', role: 'alert' },
        'This run output is damaged.'
      );
    }
    return React.createElement(RunCard, {
      data,
      runs: this.runs,
      onOpen: () => this.options.openRun(data.namespace, data.name)
    });
  }
}

export function runRendererFactory(options: IRunRendererOptions): IRenderMime.IRendererFactory {
  return {
    // Safe: the run is shown as text through React (escaped), never as HTML.
    safe: true,
    mimeTypes: [MIME.run],
    defaultRank: RUN_RANK,
    createRenderer: () => new RunRenderer(options)
  };
}
