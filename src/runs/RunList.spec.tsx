/** The runs list with local and KFP runs: where each runs, and the experiment filter fed by the live items. */
import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { IRun } from '../../contract/pipeline';
import { RunsModel } from './model';
import { RunList } from './RunList';
import { FakeResourceStream } from '../live/__tests__/fake-stream';

const run = (name: string, extra: Partial<IRun> = {}): IRun => ({
  name,
  namespace: 'team-a',
  created: `2026-11-30T05:0${name.length % 10}:00Z`,
  version: '1',
  phase: 'Running',
  backend: 'local',
  pipelineName: 'demo',
  parameters: {},
  steps: [],
  ...extra
});

describe('RunList with KFP runs', () => {
  it('marks where each run runs, and offers the experiments that arrive live', () => {
    const stream = new FakeResourceStream<IRun>();
    const model = new RunsModel({ watchRuns: () => stream }, { namespace: 'team-a' });
    render(
      <RunList
        model={model}
        onOpen={jest.fn()}
        onNew={jest.fn()}
        now={Date.parse('2026-11-30T06:00:00Z')}
        header={<p>connection</p>}
      />
    );
    expect(screen.getByText('connection')).toBeTruthy();
    act(() => stream.event.emit({ type: 'snapshot', items: [run('local-1')] }));
    // Only local runs: no experiments, so no experiment filter.
    expect(screen.queryByLabelText('Experiment')).toBeNull();
    // A KFP run arrives after the first render: its experiment becomes a choice.
    act(() =>
      stream.event.emit({
        type: 'added',
        object: run('kfp-run-1', {
          backend: 'kfp',
          kfp: { runId: 'kfp-run-1', experiment: 'nightly' }
        })
      })
    );
    const experiment = screen.getByLabelText('Experiment') as HTMLSelectElement;
    expect([...experiment.options].map(o => o.value)).toEqual(['', 'nightly']);
    const list = screen.getByRole('listbox');
    expect(within(list).getAllByText('KFP')).toHaveLength(1);
    expect(within(list).getAllByText('local')).toHaveLength(1);
    fireEvent.change(experiment, { target: { value: 'nightly' } });
    expect(
      within(list)
        .getAllByRole('option')
        .map(o => o.getAttribute('aria-label'))
    ).toEqual(['kfp-run-1']);
    model.dispose();
  });
});
