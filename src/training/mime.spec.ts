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
  const model = {
    data: { [MIME.job]: { name: 'mnist', namespace: 'team-a', job: saved } }
  } as never;
  return { client, openJob, factory, renderer, model, view: within(renderer.node) };
}

describe('job mime renderer', () => {
  it('shows the saved snapshot, marked as not live, while the proxy is unreachable', async () => {
    const { client, renderer, model, view } = setup();
    await renderer.renderModel(model);
    act(() => client.streams[0].setState('retrying'));
    expect(view.getByText('saved snapshot — not live')).toBeTruthy();
    expect(view.getByText('Running', { selector: '.kf-status-badge' })).toBeTruthy();
    expect(view.getByText('1 replica: 1 Running')).toBeTruthy();
    expect(view.getByText(/JobRunning/)).toBeTruthy();
  });

  it('goes live and follows the job when the stream answers', async () => {
    const { client, renderer, model, view } = setup();
    await renderer.renderModel(model);
    act(() => {
      client.streams[0].setState('open');
      client.streams[0].push({
        type: 'snapshot',
        items: [{ ...saved, phase: 'Failed', resourceVersion: '2' }]
      });
    });
    expect(view.queryByText(/saved snapshot/)).toBeNull();
    expect(view.getByText('Failed', { selector: '.kf-status-badge' })).toBeTruthy();
  });

  it('opens the job view and releases the stream on dispose', async () => {
    const { client, openJob, renderer, model, view } = setup();
    await renderer.renderModel(model);
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
