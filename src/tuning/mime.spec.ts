import { act, fireEvent, within } from '@testing-library/react';
import { MIME } from '../../contract/mime';
import { fakeStudyClient, study } from './__tests__/fixtures';
import { studyRendererFactory } from './mime';
import { StudiesModelPool } from './model';

jest.mock('@jupyterlab/ui-components', () =>
  jest.requireActual('../training/__tests__/react-widget-shim')
);

function setup(data: unknown = { name: 'demo', namespace: 'team-a', study: study() }) {
  const client = fakeStudyClient();
  const openStudy = jest.fn();
  const factory = studyRendererFactory({ pool: new StudiesModelPool(client), openStudy });
  const renderer = factory.createRenderer({} as never);
  document.body.appendChild(renderer.node);
  const model = { data: { [MIME.study]: data } } as never;
  return { client, openStudy, factory, renderer, model, view: within(renderer.node) };
}

describe('study mime renderer', () => {
  it('renders the study type above the text fallback', () => {
    const { factory } = setup();
    expect(factory.mimeTypes).toEqual(['application/vnd.kubeflow.study+json']);
    expect(factory.defaultRank).toBeLessThan(100);
  });

  it('shows the saved snapshot marked not live, with the best trials first', async () => {
    const { renderer, model, view } = setup();
    await renderer.renderModel(model);
    expect(view.getByText('saved snapshot — not live')).toBeTruthy();
    expect(view.getByText(/best loss 0.2 \(lr=0.001, layers=3, opt=adam\)/)).toBeTruthy();
    const rows = view.getAllByRole('row').slice(1);
    expect(rows[0].getAttribute('aria-label')).toBe('Trial 4');
    expect(rows[1].getAttribute('aria-label')).toBe('Trial 2 (best)');
  });

  it('follows the study live without the kernel and opens the study view', async () => {
    const { client, renderer, model, view, openStudy } = setup();
    await renderer.renderModel(model);
    act(() => client.streams[0].live([study({ phase: 'Succeeded', version: '9' })]));
    expect(view.getByText('live')).toBeTruthy();
    expect(
      view.getByText('Succeeded', { selector: '.kf-job-card-header .kf-status-badge' })
    ).toBeTruthy();
    fireEvent.click(view.getByRole('button', { name: 'Open study view' }));
    expect(openStudy).toHaveBeenCalledWith('team-a', 'demo');
    renderer.dispose();
    expect(client.streams[0].disposed).toBe(true);
  });

  it('says when the output is damaged', async () => {
    const { renderer, model, view } = setup({ nope: 1 });
    await renderer.renderModel(model);
    expect(view.getByRole('alert').textContent).toBe('This study output is damaged.');
  });
});
