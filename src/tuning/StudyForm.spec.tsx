import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { IStudyCreated } from '../../contract/study';
import { StudyFormModel } from './form-model';
import { StudyForm } from './StudyForm';

jest.mock('yaml', () => jest.requireActual(`${process.cwd()}/node_modules/yaml/dist/index.js`));

async function setup(backend: 'local' | 'kubernetes' = 'local') {
  const createStudy = jest.fn(
    async () => ({ study: {}, created: true, warnings: [] }) as unknown as IStudyCreated
  );
  const model = new StudyFormModel({
    client: { createStudy, listJobs: async () => ({ items: [] }) },
    namespace: () => 'team-a',
    onCreated: jest.fn()
  });
  await act(async () => {
    render(<StudyForm model={model} backend={backend} />);
  });
  return {
    model,
    createStudy,
    form: screen.getByRole('form', { name: 'New hyperparameter study' })
  };
}

describe('StudyForm', () => {
  it("shows only the chosen algorithm's settings, with their defaults", async () => {
    const { form } = await setup();
    const f = within(form);
    // Local: TPE's gamma follows Optuna's rule (no fixed value); prior weight 1.
    expect(f.getByLabelText('Gamma').getAttribute('placeholder')).toBe('');
    expect(f.getByLabelText('Prior weight').getAttribute('placeholder')).toBe('1');
    expect(f.queryByLabelText('Max resource (r_l)')).toBeNull();
    fireEvent.change(f.getByLabelText('Algorithm'), { target: { value: 'hyperband' } });
    expect(f.queryByLabelText('Gamma')).toBeNull();
    expect(f.getByLabelText('Max resource (r_l)')).toBeTruthy();
    // The resource is picked among the numeric parameters.
    const resource = f.getByLabelText('Resource parameter') as HTMLSelectElement;
    expect([...resource.options].map(o => o.value)).toEqual(['', 'lr']);
    fireEvent.change(resource, { target: { value: 'lr' } });
    expect(f.queryByText('is required', { selector: '#' + resource.id + '-error' })).toBeNull();
    expect(
      f.getByText(/Required\./, {
        selector:
          '#' +
          f.getByLabelText('Resource parameter').getAttribute('aria-describedby')!.split(' ').pop()
      })
    ).toBeTruthy();
  });

  it('marks a bad field as you type with the shared message and blocks Create', async () => {
    const { form } = await setup();
    const f = within(form);
    const max = f.getByLabelText('Parameter 1 max');
    fireEvent.change(max, { target: { value: '0.00001' } });
    expect(max.getAttribute('aria-invalid')).toBe('true');
    expect(f.getByText('must be greater than min (0.0001)')).toBeTruthy();
    expect((f.getByRole('button', { name: 'Create study' }) as HTMLButtonElement).disabled).toBe(
      true
    );
    expect(f.getByText('1 field to fix')).toBeTruthy();
  });

  it('adds parameters of each type with the matching inputs', async () => {
    const { form, model } = await setup();
    const f = within(form);
    fireEvent.click(f.getByRole('button', { name: 'Add parameter' }));
    fireEvent.change(f.getByLabelText('Parameter 2 name'), { target: { value: 'opt' } });
    fireEvent.change(f.getByLabelText('Parameter 2 type'), { target: { value: 'categorical' } });
    fireEvent.change(f.getByLabelText('Parameter 2 values (comma-separated)'), {
      target: { value: 'sgd, adam' }
    });
    expect(f.queryByLabelText('Parameter 2 min')).toBeNull();
    expect(model.spec.parameters[1]).toEqual({
      name: 'opt',
      parameterType: 'categorical',
      list: ['sgd', 'adam']
    });
    fireEvent.click(f.getByRole('button', { name: 'Remove parameter 2' }));
    expect(model.spec.parameters).toHaveLength(1);
  });

  it('tests a pasted line against the metric format', async () => {
    const { form } = await setup();
    const f = within(form);
    fireEvent.change(f.getByLabelText('Test with a line'), { target: { value: 'loss: 0.3' } });
    expect(f.getByRole('status', { name: 'Metric format test' }).textContent).toMatch(
      /Reads nothing for loss/
    );
    expect(f.getByText(/print loss=<value> \(with '='\)/)).toBeTruthy();
    fireEvent.change(f.getByLabelText('Test with a line'), {
      target: { value: 'step=1 loss=0.3' }
    });
    expect(f.getByRole('status', { name: 'Metric format test' }).textContent).toMatch(
      /Reads loss = 0.3/
    );
  });

  it("shows the active backend's defaults: Katib's on a cluster, the local tuner's here", async () => {
    const local = within((await setup('local')).form);
    fireEvent.change(local.getByLabelText('Algorithm'), { target: { value: 'cmaes' } });
    expect(local.getByLabelText('Initial sigma').getAttribute('placeholder')).toBe('0.1667');
    document.body.innerHTML = '';
    const cluster = within((await setup('kubernetes')).form);
    fireEvent.change(cluster.getByLabelText('Algorithm'), { target: { value: 'cmaes' } });
    expect(cluster.getByLabelText('Initial sigma').getAttribute('placeholder')).toBe('0.001');
  });

  it('says which algorithms the local backend lacks', async () => {
    const { form } = await setup('local');
    const f = within(form);
    fireEvent.change(f.getByLabelText('Algorithm'), { target: { value: 'sobol' } });
    expect(f.getByRole('alert').textContent).toMatch(
      /local backend does not run sobol; it has tpe, random/
    );
  });

  it('previews the substituted trial command and creates the study', async () => {
    const { form, createStudy } = await setup();
    const f = within(form);
    expect(f.getByLabelText('Example trial command').textContent).toBe(
      'python3 train.py --lr 0.0001'
    );
    expect(form.textContent).toMatch(/Up to 12 trials, 3 at a time, chosen by tpe/);
    await act(async () => {
      fireEvent.click(f.getByRole('button', { name: 'Create study' }));
    });
    expect(createStudy).toHaveBeenCalledWith(
      'team-a',
      expect.objectContaining({
        name: expect.stringMatching(/^study-/),
        algorithm: { name: 'tpe' }
      })
    );
  });
});
