import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { ClusterSection } from './ClusterSection';

const ready = {
  status: 'ready' as const,
  info: {
    backend: {
      kind: 'local' as const,
      selected: 'auto' as const,
      state: 'connected' as const,
      namespace: 'default',
      message: 'No cluster reachable, running jobs on this machine.'
    },
    versions: { proxy: '0.1.0', node: 'v20', clientNode: '1.4.0' }
  },
  namespaces: ['default', 'team-a']
};

describe('ClusterSection', () => {
  it('shows the active backend, why, and a working namespace picker', () => {
    const onNamespace = jest.fn();
    render(
      <ClusterSection
        state={ready}
        namespace="default"
        onNamespace={onNamespace}
        onRetry={jest.fn()}
      />
    );
    expect(screen.getByTitle('Backend: local (connected)').textContent).toBe('local');
    expect(screen.getByRole('status').textContent).toContain('running jobs on this machine');
    const picker = screen.getByLabelText('Namespace') as HTMLSelectElement;
    expect([...picker.options].map(o => o.value)).toEqual(['default', 'team-a']);
    fireEvent.change(picker, { target: { value: 'team-a' } });
    expect(onNamespace).toHaveBeenCalledWith('team-a');
  });

  it('says what is wrong in plain words and offers a retry', () => {
    const onRetry = jest.fn();
    render(
      <ClusterSection
        state={{ status: 'error', message: 'Could not reach the Jupyter server' }}
        namespace=""
        onNamespace={jest.fn()}
        onRetry={onRetry}
      />
    );
    expect(screen.getByRole('alert').textContent).toBe('Could not reach the Jupyter server');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalled();
  });

  it('offers a retry when the cluster is unreachable', () => {
    const down = {
      ...ready,
      info: {
        ...ready.info,
        backend: {
          ...ready.info.backend,
          kind: 'kubernetes' as const,
          state: 'unreachable' as const,
          message: 'context "prod" not found'
        }
      }
    };
    render(
      <ClusterSection
        state={down}
        namespace="default"
        onNamespace={jest.fn()}
        onRetry={jest.fn()}
      />
    );
    expect(screen.getByRole('status').className).toBe('kf-error-banner');
    expect(screen.getByRole('button', { name: 'Retry connection' })).toBeTruthy();
  });
});
