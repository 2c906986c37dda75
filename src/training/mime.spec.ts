/* eslint-disable @typescript-eslint/no-explicit-any -- the output data is untyped JSON */
import { act, fireEvent, within } from '@testing-library/react';
import { MIME } from '../../contract/mime';
import { fakeClient, makeJob } from './__tests__/fakes';
import { jobRendererFactory } from './mime';
import { JobsModelPool } from './model';

jest.mock('@jupyterlab/ui-components', () => jest.requireActual('./__tests__/react-widget-shim'));

const saved = makeJob('mnist', {
  phase: 'Running',
  kind: 'PyTorchJob',
  replicas: [{ name: 'master-0', role: 'Master', index: 0, phase: 'Running' }],
  conditions: [{ type: 'Running', status: 'True', reason: 'JobRunning' }]
});

function setup() {
  const client = fakeClient();
  const openJob = jest.fn();
  const factory = jobRendererFactory({ pool: new JobsModelPool(client), openJob });
  const renderer = factory.createRenderer({} as never);
  document.body.appendChild(renderer.node);
  // Like an output's MimeModel: setData replaces the data that a saved notebook records.
  const model = {
    data: { [MIME.job]: { name: 'mnist', namespace: 'team-a', job: saved } } as Record<string, any>,
    setData(options: { data: Record<string, unknown> }) {
      model.data = options.data;
    }
  };
  return { client, openJob, factory, renderer, model, view: within(renderer.node) };
}

describe('job mime renderer', () => {
  it('shows the saved snapshot, marked as not live, while the proxy is unreachable', async () => {
    const { client, renderer, model, view } = setup();
    await renderer.renderModel(model as never);
    act(() => client.streams[0].setState('retrying'));
    expect(view.getByText('last state seen — not live')).toBeTruthy();
    expect(view.getByText('Running', { selector: '.kf-status-badge' })).toBeTruthy();
    expect(view.getByText('1 replica: 1 Running')).toBeTruthy();
    expect(view.getByText(/JobRunning/)).toBeTruthy();
  });

  it('goes live and follows the job when the stream answers', async () => {
    const { client, renderer, model, view } = setup();
    await renderer.renderModel(model as never);
    act(() => {
      client.streams[0].setState('open');
      client.streams[0].push({
        type: 'snapshot',
        items: [{ ...saved, phase: 'Failed', resourceVersion: '2' }]
      });
    });
    expect(view.queryByText(/last state seen/)).toBeNull();
    expect(view.getByText('Failed', { selector: '.kf-status-badge' })).toBeTruthy();
  });

  it('records the last live state in the output, and that the job was deleted (never goes backwards)', async () => {
    const { client, renderer, model, view } = setup();
    await renderer.renderModel(model as never);
    const succeeded = {
      ...saved,
      phase: 'Succeeded' as const,
      version: 'v9',
      replicas: [
        { name: 'master-0', role: 'Master', index: 0, phase: 'Succeeded' as const, exitCode: 0 }
      ]
    };
    act(() => {
      client.streams[0].setState('open');
      client.streams[0].push({ type: 'snapshot', items: [succeeded] });
    });
    expect(model.data[MIME.job].job.phase).toBe('Succeeded');
    act(() =>
      client.streams[0].push({ type: 'deleted', object: { name: 'mnist', namespace: 'team-a' } })
    );
    expect(model.data[MIME.job]).toMatchObject({ deleted: true, job: { phase: 'Succeeded' } });
    expect(view.getByText('Succeeded', { selector: '.kf-status-badge' })).toBeTruthy();
    expect(view.getByText(/deleted from team-a — last state seen/)).toBeTruthy();

    // Reopened later with no proxy: the saved output still says Succeeded, and deleted.
    const again = setup();
    await again.renderer.renderModel({ data: model.data } as never);
    act(() => again.client.streams[0].setState('retrying'));
    expect(again.view.getByText('deleted — last state seen')).toBeTruthy();
    expect(again.view.getByText('Succeeded', { selector: '.kf-status-badge' })).toBeTruthy();
  });

  it('shows and saves the last lines of the failing replica', async () => {
    const client = fakeClient();
    const readTail = jest.fn(
      async () => 'Traceback (most recent call last):\nValueError: bad lr\n'
    );
    const factory = jobRendererFactory({
      pool: new JobsModelPool(client),
      openJob: jest.fn(),
      readTail
    });
    const renderer = factory.createRenderer({} as never);
    document.body.appendChild(renderer.node);
    const model = {
      data: { [MIME.job]: { name: 'mnist', namespace: 'team-a', job: saved } } as Record<
        string,
        any
      >,
      setData(options: { data: Record<string, unknown> }) {
        model.data = options.data;
      }
    };
    await renderer.renderModel(model as never);
    const failed = {
      ...saved,
      phase: 'Failed' as const,
      version: 'v3',
      replicas: [
        {
          name: 'master-0',
          role: 'Master',
          index: 0,
          phase: 'Failed' as const,
          reason: 'ExitCode 1',
          exitCode: 1
        }
      ]
    };
    await act(async () => {
      client.streams[0].setState('open');
      client.streams[0].push({ type: 'snapshot', items: [failed] });
    });
    expect(readTail).toHaveBeenCalledWith('team-a', 'mnist', 'master-0');
    const view = within(renderer.node);
    expect(view.getByLabelText('Last log lines of master-0').textContent).toMatch(
      /ValueError: bad lr/
    );
    expect(model.data[MIME.job].failureTail).toEqual({
      replica: 'master-0',
      text: expect.stringMatching(/ValueError/)
    });
  });

  it('says why a job is stuck, live', async () => {
    const { client, renderer, model, view } = setup();
    await renderer.renderModel(model as never);
    const stuck = {
      ...saved,
      version: 'v2',
      replicas: [
        {
          name: 'worker-0',
          role: 'Worker',
          index: 0,
          phase: 'Pending' as const,
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.'
        }
      ]
    };
    act(() => {
      client.streams[0].setState('open');
      client.streams[0].push({ type: 'snapshot', items: [stuck] });
    });
    const why = view.getByRole('list', { name: 'Why is it stuck or failing' });
    expect(why.textContent).toMatch(/worker-0: Unschedulable — 0\/1 nodes are available/);
    expect(why.textContent).toMatch(/No node can take this replica/);
  });

  it('opens the job view and releases the stream on dispose', async () => {
    const { client, openJob, renderer, model, view } = setup();
    await renderer.renderModel(model as never);
    fireEvent.click(view.getByRole('button', { name: 'Open job view' }));
    expect(openJob).toHaveBeenCalledWith('team-a', 'mnist');
    renderer.dispose();
    expect(client.streams[0].disposed).toBe(true);
  });

  it('is safe and claims only the job mime type', () => {
    const { factory } = setup();
    expect(factory.safe).toBe(true);
    expect(factory.mimeTypes).toEqual([MIME.job]);
  });
});
