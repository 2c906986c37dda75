/**
 * "Submit to Kubeflow" for a toolbar (the pipeline editor, the IR graph): on while KFP is connected, otherwise
 * off with the reason as its tooltip, following the connection live.
 */
import React from 'react';
import { ISignal } from '@lumino/signaling';
import {
  addToolbarButtonClass,
  ReactWidget,
  ToolbarButtonComponent,
  UseSignal
} from '@jupyterlab/ui-components';

export const SUBMIT_LABEL = 'Submit to Kubeflow';
export const SUBMIT_TOOLTIP =
  'Submit this pipeline to Kubeflow Pipelines: choose the experiment and parameters';

/** What the button needs of the connection (`KfpConnectionModel`). */
export interface ISubmitState {
  readonly changed: ISignal<unknown, unknown>;
  readonly disabledReason: string;
}

/** Without a KFP plugin: off, and says why. */
export const NO_KFP: ISubmitState = {
  changed: { connect: () => false, disconnect: () => false } as unknown as ISignal<
    unknown,
    unknown
  >,
  disabledReason: 'Kubeflow Pipelines support is not loaded.'
};

export function submitToolbarButton(state: ISubmitState, onClick: () => void): ReactWidget {
  return addToolbarButtonClass(
    ReactWidget.create(
      <UseSignal signal={state.changed}>
        {() => {
          const reason = state.disabledReason;
          return (
            <ToolbarButtonComponent
              className="kf-submit-kfp"
              label={SUBMIT_LABEL}
              tooltip={reason || SUBMIT_TOOLTIP}
              enabled={!reason}
              onClick={onClick}
            />
          );
        }}
      </UseSignal>
    )
  );
}
