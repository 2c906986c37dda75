/** Lumino wrappers of the run views; each disposes the model it owns with itself. */
import React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import { IRun } from '../../contract/pipeline';
import type { KfpConnectionModel } from '../kfp/connection';
import { KfpBadge } from '../kfp/KfpBadge';
import { DetailPlaceholder } from '../live/DetailFrame';
import { RunList } from './RunList';
import { RunsModel } from './model';
import type { IRunActions } from './RunView';
import { RunViewModel } from './view-model';

/** The "Pipeline runs" section of the Kubeflow sidebar. */
export class RunListSection extends ReactWidget {
  constructor(
    readonly model: RunsModel,
    private readonly actions: { onOpen: (run: IRun) => void; onNew: () => void },
    /** The Kubeflow Pipelines connection, shown above the list. */
    private readonly kfp?: KfpConnectionModel
  ) {
    super();
    this.id = 'kf-pipeline-runs';
    this.title.label = 'Pipeline runs';
    this.addClass('kf-run-list-section');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <RunList
        model={this.model}
        onOpen={this.actions.onOpen}
        onNew={this.actions.onNew}
        header={this.kfp && <KfpBadge model={this.kfp} />}
      />
    );
  }
}

type RunViewModule = typeof import('./RunView');
let runViewModule: Promise<RunViewModule> | null = null;
/** The run view with the canvas: the same lazily loaded libraries as the editor. */
export const loadRunView = (): Promise<RunViewModule> =>
  (runViewModule ??= import(/* webpackChunkName: "kf-run-view" */ './RunView'));

function LazyRunView(props: { model: RunViewModel; actions: IRunActions }): JSX.Element {
  const [mod, setMod] = React.useState<RunViewModule | null>(null);
  const [error, setError] = React.useState('');
  React.useEffect(() => {
    loadRunView().then(setMod, e =>
      setError(`The run view could not load: ${(e as Error).message}`)
    );
  }, []);
  if (!mod) {
    return <DetailPlaceholder name={props.model.name} error={error} />;
  }
  return <mod.RunView model={props.model} {...props.actions} />;
}

export class RunViewWidget extends ReactWidget {
  constructor(
    readonly model: RunViewModel,
    private readonly actions: IRunActions
  ) {
    super();
    this.addClass('kf-run-view-widget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <LazyRunView model={this.model} actions={this.actions} />;
  }
}

/** Main-area id of a run's view, so opening it twice activates the first. */
export const runViewId = (namespace: string, name: string): string => `kf-run-${namespace}-${name}`;
