import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { initialValues, SubmitForm } from './SubmitDialog';

const params = [
  { name: 'rows', type: 'NUMBER_INTEGER' as const, default: 100 },
  { name: 'label', type: 'STRING' as const }
];

describe('SubmitForm', () => {
  it('starts with the defaults and Default, and reports every edit', () => {
    const onChange = jest.fn();
    render(
      <SubmitForm
        pipeline="train-eval"
        params={params}
        experiments={['Default', 'nightly']}
        initial={initialValues(params)}
        onChange={onChange}
      />
    );
    expect((screen.getByLabelText('Experiment') as HTMLInputElement).value).toBe('Default');
    expect((screen.getByLabelText('rows') as HTMLInputElement).value).toBe('100');
    // A known experiment is one click (a button, so the keyboard reaches it too).
    fireEvent.click(screen.getByRole('button', { name: 'nightly' }));
    expect((screen.getByLabelText('Experiment') as HTMLInputElement).value).toBe('nightly');
    fireEvent.change(screen.getByLabelText('label'), { target: { value: 'x' } });
    expect(onChange).toHaveBeenLastCalledWith({
      name: '',
      experiment: 'nightly',
      parameters: { rows: '100', label: 'x' }
    });
  });

  it("shows the proxy's refusal verbatim with field paths, and marks the parameter it names", () => {
    render(
      <SubmitForm
        pipeline="train-eval"
        params={params}
        experiments={[]}
        initial={{ ...initialValues(params), parameters: { rows: 'many', label: '' } }}
        error={{
          message: 'Kubeflow Pipelines refused the run.',
          fields: [{ path: '/parameters/rows', message: 'must be an integer, got "many"' }]
        }}
        onChange={jest.fn()}
      />
    );
    const alert = screen.getByRole('alert', { name: 'Submission refused' });
    expect(alert.textContent).toBe(
      'Kubeflow Pipelines refused the run./parameters/rows: must be an integer, got "many"'
    );
    const rows = screen.getByLabelText('rows');
    expect(rows.getAttribute('aria-invalid')).toBe('true');
    expect(
      screen.getByText('must be an integer, got "many"', { selector: '.kf-form-error' })
    ).toBeTruthy();
    expect(screen.getByLabelText('label').getAttribute('aria-invalid')).toBe('false');
  });
});
