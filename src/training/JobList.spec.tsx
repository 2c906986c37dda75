import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { FakeCluster, fakeClient, makeJob } from './__tests__/fakes';
import { JobList } from './JobList';
import { JobsModel } from './model';

function setup(count: number) {
  const client = fakeClient();
  const model = new JobsModel(client, new FakeCluster('team-a'));
  const items = Array.from({ length: count }, (_, i) =>
    makeJob(`job-${i}`, {
      created: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      framework: i % 2 ? 'tensorflow' : 'pytorch',
      phase: i % 3 ? 'Running' : 'Failed'
    })
  );
  const onOpen = jest.fn();
  const onNew = jest.fn();
  render(<JobList model={model} onOpen={onOpen} onNew={onNew} />);
  act(() => client.streams[0].push({ type: 'snapshot', items }));
  return { model, onOpen, onNew, stream: client.streams[0] };
}

const rows = () => document.querySelectorAll('.kf-live-row');

describe('JobList', () => {
  it('renders far fewer rows than jobs for 10,000 jobs, newest first', () => {
    setup(10000);
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(60);
    expect(rows()[0].getAttribute('aria-label')).toBe('job-9999');
    expect(rows()[0].getAttribute('role')).toBe('option');
  });

  it('filters by framework, status and text', () => {
    setup(30);
    fireEvent.change(screen.getByLabelText('Framework'), { target: { value: 'tensorflow' } });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'Failed' } });
    const names = [...rows()].map(r => r.getAttribute('aria-label'));
    expect(names).toEqual(['job-27', 'job-21', 'job-15', 'job-9', 'job-3']);
    // The selects show what the list is filtered by (they used to snap back to "all").
    expect((screen.getByLabelText('Framework') as HTMLSelectElement).value).toBe('tensorflow');
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('Failed');
    fireEvent.change(screen.getByLabelText('Filter jobs by name'), { target: { value: 'job-2' } });
    expect([...rows()].map(r => r.getAttribute('aria-label'))).toEqual(['job-27', 'job-21']);
  });

  it('moves with arrow keys and opens with Enter', () => {
    const { onOpen } = setup(100);
    const list = screen.getByRole('listbox');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowUp' });
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ name: 'job-98' }));
    fireEvent.keyDown(list, { key: 'End' });
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(onOpen).toHaveBeenLastCalledWith(expect.objectContaining({ name: 'job-0' }));
    expect(document.querySelector('[aria-label="job-0"]')).toBeTruthy();
  });

  it('opens a job with one click, its full name on the row', () => {
    const { onOpen } = setup(3);
    const row = document.querySelector('[aria-label="job-1"]') as HTMLElement;
    expect(row.querySelector('.kf-live-row-name')?.getAttribute('title')).toBe('job-1');
    fireEvent.click(row);
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ name: 'job-1' }));
  });

  it('shows an empty state with a New button, and updates live', () => {
    const { onNew, stream } = setup(0);
    expect(screen.getByText('No training jobs in team-a')).toBeTruthy();
    fireEvent.click(screen.getAllByRole('button', { name: 'New training job' })[1]);
    expect(onNew).toHaveBeenCalled();
    act(() => stream.push({ type: 'added', object: makeJob('fresh') }));
    expect([...rows()].map(r => r.getAttribute('aria-label'))).toEqual(['fresh']);
  });

  it('shows why a job is stuck beside its phase, and ages that tick', () => {
    jest.useFakeTimers();
    try {
      jest.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 20));
      const { stream } = setup(0);
      act(() =>
        stream.push({
          type: 'added',
          object: makeJob('stuck', {
            created: new Date(Date.UTC(2026, 0, 1)).toISOString(),
            phase: 'Created',
            replicas: [
              {
                name: 'worker-0',
                role: 'Worker',
                index: 0,
                phase: 'Pending',
                reason: 'ImagePullBackOff'
              }
            ]
          })
        })
      );
      const row = rows()[0];
      expect(row.querySelector('.kf-live-row-reason')?.textContent).toBe('ImagePullBackOff');
      expect(row.querySelector('.kf-live-row-age')?.textContent).toBe('20s');
      act(() => {
        jest.setSystemTime(Date.UTC(2026, 0, 1, 0, 1, 30));
        jest.advanceTimersByTime(5000);
      });
      expect(rows()[0].querySelector('.kf-live-row-age')?.textContent).toBe('1m');
    } finally {
      jest.useRealTimers();
    }
  });
});
