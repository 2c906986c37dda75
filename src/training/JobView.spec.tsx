import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { fakeClient, makeJob } from './__tests__/fakes';
import { JobView } from './JobView';
import { JobsModelPool } from './model';
import { JobViewModel } from './view-model';

// The unit project resolves `yaml` to its ES-module browser build, which it does not transform: use the CJS one.
jest.mock('yaml', () => jest.requireActual(`${process.cwd()}/node_modules/yaml/dist/index.js`));

const stuck = makeJob('mnist', {
  phase: 'Created',
  spec: { framework: 'pytorch', replicas: { Master: { count: 1 }, Worker: { count: 1 } } },
  conditions: [
    {
      type: 'Created',
      status: 'True',
      reason: 'JobCreated',
      lastTransitionTime: '2026-01-01T00:00:00Z'
    }
  ],
  replicas: [
    {
      name: 'master-0',
      role: 'Master',
      index: 0,
      phase: 'Pending',
      reason: 'Unschedulable',
      message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'
    },
    {
      name: 'worker-0',
      role: 'Worker',
      index: 0,
      phase: 'Failed',
      reason: 'OOMKilled',
      exitCode: 137,
      restarts: 2
    }
  ]
});

async function setup(job = stuck) {
  const client = fakeClient();
  client.getJob.mockResolvedValue(job);
  client.jobEvents.mockResolvedValue([
    {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: 'no GPU',
      object: 'pod/mnist-master-0',
      count: 3
    }
  ] as never);
  client.jobLogs.mockResolvedValue('epoch 1 loss 0.5\nepoch 2 loss 0.4\n' as never);
  const model = new JobViewModel(client, new JobsModelPool(client), 'team-a', 'mnist');
  const actions = { onDelete: jest.fn(), onClone: jest.fn(), onRerun: jest.fn() };
  await act(async () => {
    render(<JobView model={model} {...actions} />);
  });
  return { client, model, actions };
}

describe('JobView', () => {
  it('explains why replicas are stuck and lists replicas, conditions and events', async () => {
    await setup();
    const why = screen.getByRole('region', { name: 'Why is it stuck' });
    expect(why.textContent).toMatch(/master-0: Unschedulable — 0\/3 nodes are available/);
    expect(why.textContent).toMatch(/No node can take this replica/);
    expect(why.textContent).toMatch(/more memory than its limit/);
    const replicas = within(screen.getByRole('table', { name: 'Replicas' }));
    expect(replicas.getByText('137')).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Conditions' }).textContent).toMatch(
      /Created.*JobCreated/
    );
    expect(screen.getByRole('table', { name: 'Events' }).textContent).toMatch(
      /FailedScheduling.*no GPU \(×3\)/
    );
  });

  it('follows the job through the namespace stream', async () => {
    const { client } = await setup();
    await act(async () =>
      client.streams[0].push({
        type: 'snapshot',
        items: [{ ...stuck, phase: 'Running', resourceVersion: '9' }]
      })
    );
    expect(screen.getByLabelText('Job status: Running')).toBeTruthy();
    await act(async () =>
      client.streams[0].push({ type: 'deleted', object: { name: 'mnist', namespace: 'team-a' } })
    );
    expect(screen.getByRole('alert').textContent).toMatch(/no longer exists/);
  });

  it('shows logs, searches them and follows with an abortable request', async () => {
    const { client } = await setup();
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Logs' })));
    expect(client.jobLogs).toHaveBeenCalledWith('team-a', 'mnist', {
      replica: undefined,
      tail: 1000
    });
    fireEvent.change(screen.getByLabelText('Search logs'), { target: { value: 'loss' } });
    expect(screen.getByLabelText('Job logs').querySelectorAll('mark')).toHaveLength(2);
    const signals: AbortSignal[] = [];
    client.followLogs.mockImplementation((async (
      _ns: string,
      _name: string,
      _opts: unknown,
      onText: (t: string) => void,
      s: AbortSignal
    ) => {
      signals.push(s);
      onText('streamed line\n');
    }) as never);
    await act(async () => fireEvent.click(screen.getByLabelText('Follow')));
    expect(screen.getByLabelText('Job logs').textContent).toMatch(/streamed line/);
    await act(async () =>
      fireEvent.change(screen.getByLabelText('Replica'), { target: { value: 'worker-0' } })
    );
    expect(signals.map(s => s.aborted)).toEqual([true, false]);
    expect(client.followLogs).toHaveBeenLastCalledWith(
      'team-a',
      'mnist',
      { replica: 'worker-0', tail: 1000 },
      expect.any(Function),
      expect.anything()
    );
  });

  it("says in words why a replica log is missing and folds the cluster's own text behind Details", async () => {
    const { client } = await setup();
    client.jobLogs.mockResolvedValue(
      '[master-0] epoch 1\n' +
        '[worker-0] [workbench] The log of worker-0 cannot be read: the node running it does not answer.\n' +
        '[worker-0] [workbench:details] Get "https://10.0.0.9:10250/containerLogs/x": connection refused\n'
    );
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Logs' })));
    const text = () => screen.getByLabelText('Job logs').textContent ?? '';
    expect(text()).toMatch(/epoch 1/);
    expect(text()).toMatch(/worker-0 cannot be read: the node running it does not answer/);
    expect(text()).not.toMatch(/10250/);
    fireEvent.click(screen.getByLabelText('Details (1)'));
    expect(text()).toMatch(/10\.0\.0\.9:10250/);
  });

  it('shows the last lines of the failing replica in the failure box, without opening the logs', async () => {
    const { client } = await setup();
    await waitFor(() =>
      expect(client.jobLogs).toHaveBeenCalledWith('team-a', 'mnist', {
        replica: 'worker-0',
        tail: 15
      })
    );
    const tail = await screen.findByLabelText('Last log lines of worker-0');
    expect(tail.textContent).toMatch(/epoch 2 loss 0.4/);
    expect(screen.getByRole('region', { name: 'Why is it stuck' }).contains(tail)).toBe(true);
  });

  it('shows the exact cluster object as YAML, with a toggle for the workbench spec', async () => {
    await setup({
      ...stuck,
      manifest: { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'mnist' } }
    });
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'YAML' })));
    const yaml = () => screen.getByLabelText(/^YAML of mnist/).textContent ?? '';
    await waitFor(() => expect(yaml()).toMatch(/kind: PyTorchJob/));
    fireEvent.click(screen.getByLabelText('Show the workbench spec instead of the PyTorchJob'));
    await waitFor(() => expect(yaml()).toMatch(/framework: pytorch/));
  });

  it('offers clone, re-run and delete', async () => {
    const { actions } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Re-run' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(actions.onRerun).toHaveBeenCalledWith(expect.objectContaining({ name: 'mnist' }));
    expect(actions.onDelete).toHaveBeenCalled();
  });
});
