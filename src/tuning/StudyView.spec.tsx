import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { fakeStudyClient, study, TRIALS } from './__tests__/fixtures';
import { StudiesModelPool, StudyViewModel } from './model';
import { StudyView } from './StudyView';

jest.mock('yaml', () => jest.requireActual(`${process.cwd()}/node_modules/yaml/dist/index.js`));

async function setup(initial = study()) {
  const client = fakeStudyClient();
  client.getStudy.mockResolvedValue(initial);
  client.trialLogs.mockResolvedValue('epoch=1 loss=0.8\nepoch=2 loss=0.2\n');
  const model = new StudyViewModel(client, new StudiesModelPool(client), 'team-a', 'demo');
  const actions = {
    onStop: jest.fn(),
    onEditBudget: jest.fn(),
    onDelete: jest.fn(),
    onClone: jest.fn(),
    onTrainBest: jest.fn()
  };
  await act(async () => {
    render(<StudyView model={model} {...actions} />);
  });
  return { client, model, actions };
}

const rowNumbers = () =>
  within(screen.getByRole('table', { name: 'Trials of demo' }))
    .getAllByRole('row')
    .slice(1)
    .map(r => r.querySelector('td')!.textContent!.replace('★', '').trim());

describe('StudyView', () => {
  it('shows the best trial, the stuck trial with its pod reason, and every trial newest first', async () => {
    await setup();
    const best = screen.getByRole('region', { name: 'Best trial' });
    expect(best.textContent).toMatch(/demo-001 \(#2\)/);
    expect(best.textContent).toMatch(/loss = 0.2/);
    expect(within(best).getByText('opt = adam')).toBeTruthy();
    const stuck = screen.getByRole('region', { name: 'Why is it stuck' });
    expect(stuck.textContent).toMatch(/#6 demo-005: Unschedulable: 0\/3 nodes are available/);
    expect(rowNumbers()).toEqual(['6', '5', '4', '3', '2', '1']);
    expect(screen.getByText('ExitCode 1: the script raised')).toBeTruthy();
    expect(screen.getByText(/6 trials: 2 Running/)).toBeTruthy();
  });

  it('says once why trials ended without the objective, and draws no empty plot', async () => {
    await setup(
      study({
        best: undefined,
        trials: [
          {
            ...TRIALS[2],
            phase: 'MetricsUnavailable',
            reason: undefined,
            message: undefined,
            objective: undefined
          }
        ]
      })
    );
    const lost = screen.getByRole('region', { name: 'Metrics not collected' });
    expect(lost.textContent).toMatch(/1 trial ended without loss/);
    expect(lost.textContent).toMatch(/loss: 0.25 is not read/);
    expect(screen.getByText(/loss per trial: no values yet/)).toBeTruthy();
    expect(screen.getByText(/without printing the objective metric/)).toBeTruthy();
  });

  it('sorts by a column from its header, and flips on a second click', async () => {
    await setup();
    const table = screen.getByRole('table', { name: 'Trials of demo' });
    fireEvent.click(within(table).getByRole('button', { name: 'loss' }));
    expect(rowNumbers()).toEqual(['4', '2', '5', '1', '3', '6']);
    expect(
      within(table).getByRole('columnheader', { name: /loss/ }).getAttribute('aria-sort')
    ).toBe('ascending');
    fireEvent.click(within(table).getByRole('button', { name: /loss/ }));
    expect(rowNumbers()).toEqual(['1', '5', '2', '4', '3', '6']);
  });

  it("opens a trial's logs in the logs tab", async () => {
    const { client } = await setup();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Logs of trial 2' }));
    });
    expect(screen.getByRole('tab', { name: 'Trial logs' }).getAttribute('aria-selected')).toBe(
      'true'
    );
    expect(client.trialLogs).toHaveBeenCalledWith('team-a', 'demo', 'demo-001', { tail: 1000 });
    expect(screen.getByLabelText('Trial logs').textContent).toContain('epoch=2 loss=0.2');
  });

  it('offers the actions that fit the state', async () => {
    const { actions } = await setup(study({ phase: 'Succeeded' }));
    expect((screen.getByRole('button', { name: 'Stop' }) as HTMLButtonElement).disabled).toBe(true);
    for (const name of ['Edit budget', 'Clone', 'Train with best', 'Delete']) {
      fireEvent.click(screen.getByRole('button', { name }));
    }
    expect(actions.onEditBudget).toHaveBeenCalled();
    expect(actions.onClone).toHaveBeenCalled();
    expect(actions.onTrainBest).toHaveBeenCalled();
    expect(actions.onDelete).toHaveBeenCalled();
  });

  it('follows the stream: a new trial and a new best arrive without a reload', async () => {
    const { client } = await setup();
    const next = study({
      version: '2',
      trials: [...TRIALS, { ...TRIALS[0], name: 'demo-006', index: 6, objective: 0.01 }],
      best: { trial: 'demo-006', objective: 0.01, params: TRIALS[0].params }
    });
    act(() => client.streams[0].live([next]));
    expect(rowNumbers()[0]).toBe('7');
    expect(screen.getByRole('region', { name: 'Best trial' }).textContent).toMatch(/demo-006/);
  });

  it('shows the exact Experiment as YAML, with the study spec behind a toggle', async () => {
    await setup(study({ manifest: { kind: 'Experiment', apiVersion: 'kubeflow.org/v1beta1' } }));
    await act(async () => {
      fireEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    });
    expect(screen.getByLabelText('YAML of demo').textContent).toContain('kind: Experiment');
    await act(async () => {
      fireEvent.click(
        screen.getByLabelText(/Show the workbench spec instead of the Katib Experiment/)
      );
    });
    expect(screen.getByLabelText(/YAML of demo/).textContent).toContain('metricName: loss');
  });
});
