/** The run view of a KFP run: its own actions (KFP UI link, Retry, Archive/Unarchive), pods, ids, polled note. */
import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { IRun } from '../../contract/pipeline';
import { RunsModelPool } from './model';
import { IRunActions, RunView } from './RunView';
import { RunViewModel } from './view-model';
import { FakeResourceStream } from '../live/__tests__/fake-stream';

// React Flow measures its container; jsdom has no layout.
class NoResize {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoResize;
// React Flow reads the zoom from the viewport's CSS transform (m22); jsdom has no DOMMatrix: zoom 1.
(window as { DOMMatrixReadOnly?: unknown }).DOMMatrixReadOnly ??= class {
  m22 = 1;
};
// jsdom lacks structuredClone (dagre uses it; every browser JupyterLab supports has it).
globalThis.structuredClone ??= <T,>(value: T): T => JSON.parse(JSON.stringify(value));

const RUN: IRun = {
  name: '3f0c9a4e-1b2c-4d5e-8f90-123456789abc',
  namespace: 'team-a',
  created: '2026-11-30T08:00:00Z',
  version: '1',
  phase: 'Failed',
  backend: 'kfp',
  pipelineName: 'train-eval',
  displayName: 'nightly-1',
  parameters: { rows: 5 },
  steps: [
    {
      task: 'train',
      label: 'train',
      phase: 'Failed',
      reason: 'ImagePullBackOff',
      pod: 'train-eval-x-system-container-impl-1',
      events: [
        {
          type: 'Warning',
          reason: 'Failed',
          message: 'Failed to pull image "registry.invalid/t:1"',
          object: 'Pod/train-eval-x-system-container-impl-1'
        }
      ],
      outputs: { parameters: {}, artifacts: [] }
    }
  ],
  kfp: {
    runId: '3f0c9a4e-1b2c-4d5e-8f90-123456789abc',
    experiment: 'nightly',
    experimentId: 'e-1',
    storageState: 'ARCHIVED',
    url: 'http://kfp.example/#/runs/details/3f0c9a4e'
  }
};

function setUp(polled: boolean) {
  const stream = new FakeResourceStream<IRun>('', 'open');
  const client = {
    watchRuns: () => stream,
    getRun: jest.fn(async () => RUN),
    stepLogs: jest.fn(async () => ''),
    followStepLogs: jest.fn(async () => undefined),
    stepOutput: jest.fn()
  };
  const model = new RunViewModel(client as never, new RunsModelPool(client), 'team-a', RUN.name);
  const actions: IRunActions = {
    onRerun: jest.fn(),
    onCancel: jest.fn(),
    onDelete: jest.fn(),
    onOpenPath: jest.fn(),
    onOpenNotebook: jest.fn(),
    downloadUrl: () => '',
    onRetry: jest.fn(),
    onArchive: jest.fn(),
    kfpPolled: () => polled
  };
  render(<RunView model={model} {...actions} now={Date.parse('2026-11-30T08:01:00Z')} />);
  act(() => stream.event.emit({ type: 'snapshot', items: [RUN] }));
  return { model, actions };
}

describe('RunView of a KFP run', () => {
  it("is titled by the run's name and offers KFP's actions, not the local runner's", async () => {
    const { model, actions } = setUp(false);
    await act(async () => undefined);
    expect(screen.getByRole('heading', { name: 'nightly-1' })).toBeTruthy();
    expect(screen.getByText(/experiment nightly · archived/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Re-run' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Open in KFP UI' }).getAttribute('href')).toBe(
      RUN.kfp!.url
    );
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(actions.onRetry).toHaveBeenCalledWith(expect.objectContaining({ name: RUN.name }));
    fireEvent.click(screen.getByRole('button', { name: 'Unarchive' }));
    expect(actions.onArchive).toHaveBeenCalledWith(
      expect.objectContaining({ name: RUN.name }),
      false
    );
    expect(screen.queryByRole('note')).toBeNull();
    // Steps: the pod column; Details: the KFP ids.
    fireEvent.click(screen.getByRole('tab', { name: 'Steps' }));
    const steps = screen.getByRole('table', { name: 'Steps' });
    expect(within(steps).getByText('train-eval-x-system-container-impl-1')).toBeTruthy();
    // The step's pod events, in their own tab of the step panel.
    fireEvent.click(within(steps).getByText('train-eval-x-system-container-impl-1'));
    fireEvent.click(screen.getByRole('tab', { name: 'Events (1)' }));
    expect(screen.getByRole('table', { name: 'Events' }).textContent).toContain(
      'Failed to pull image "registry.invalid/t:1"'
    );
    fireEvent.click(screen.getByRole('tab', { name: 'Details' }));
    expect(screen.getByText('KFP run id')).toBeTruthy();
    expect(screen.getByText('e-1')).toBeTruthy();
    model.dispose();
  });

  it('says when updates are polled', async () => {
    const { model } = setUp(true);
    await act(async () => undefined);
    expect(screen.getByRole('note').textContent).toMatch(
      /^Updates are polled from Kubeflow Pipelines/
    );
    model.dispose();
  });
});
