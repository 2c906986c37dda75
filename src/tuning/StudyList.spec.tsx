import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { fakeStudyClient, study } from './__tests__/fixtures';
import { StudiesModel } from './model';
import { shortValue, StudyList, trialProgress } from './StudyList';

describe('StudyList', () => {
  it('lists the live studies with best objective, progress and status; opens on Enter', () => {
    const client = fakeStudyClient();
    const model = new StudiesModel(client, { namespace: 'team-a' });
    const onOpen = jest.fn();
    render(
      <StudyList
        model={model}
        onOpen={onOpen}
        onNew={jest.fn()}
        now={Date.parse('2026-11-30T05:10:00Z')}
      />
    );
    expect(screen.getByText('Loading studies…')).toBeTruthy();
    act(() =>
      client.streams[0].live([
        study(),
        study({ name: 'fresh', best: undefined, phase: 'Created', created: '2026-11-30T05:09:00Z' })
      ])
    );
    const rows = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(rows.map(r => r.getAttribute('aria-label'))).toEqual(['fresh', 'demo']);
    expect(rows[1].textContent).toMatch(/★0\.2/);
    expect(rows[1].textContent).toMatch(/4\/6/);
    expect(rows[1].textContent).toMatch(/Running/);
    expect(rows[0].textContent).toMatch(/–/);
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'Created' } });
    expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(1);
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('Created');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Filter studies by name'), { target: { value: 'dem' } });
    expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(1);
    expect((screen.getByLabelText('Filter studies by name') as HTMLInputElement).value).toBe('dem');
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ name: 'demo' }));
  });

  it('counts finished trials against the budget and shortens the best value', () => {
    expect(trialProgress(study())).toBe('4/6');
    expect([0.25753, 1234.5, 0.000012, 0].map(shortValue)).toEqual([
      '0.258',
      '1230',
      '1.2e-5',
      '0'
    ]);
  });
});
