import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { study } from './__tests__/fixtures';
import { budgetText } from './actions';
import { BudgetForm } from './BudgetDialog';

describe('BudgetForm', () => {
  it('starts from the current budget and marks a bad value as you type', () => {
    const s = study();
    const onChange = jest.fn();
    render(<BudgetForm study={s} initial={budgetText(s)} onChange={onChange} />);
    const max = screen.getByLabelText('Max trials') as HTMLInputElement;
    expect(max.value).toBe('6');
    expect(screen.getByText('6 trials created so far.')).toBeTruthy();
    fireEvent.change(max, { target: { value: '3' } });
    expect(max.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be at least 6, the trials already created')).toBeTruthy();
    fireEvent.change(max, { target: { value: '20' } });
    expect(max.getAttribute('aria-invalid')).toBe('false');
    expect(onChange).toHaveBeenLastCalledWith({
      maxTrialCount: '20',
      parallelTrialCount: '2',
      maxFailedTrialCount: ''
    });
  });
});
