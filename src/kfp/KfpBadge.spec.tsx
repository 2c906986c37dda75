import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { IKfpConnection } from '../../contract/kfp';
import { KfpConnectionModel } from './connection';
import { KfpBadge } from './KfpBadge';

function model(answer: IKfpConnection) {
  const client = {
    kfp: jest.fn(async () => answer),
    setKfpEndpoint: jest.fn(async () => answer)
  };
  return { client, model: new KfpConnectionModel(client) };
}

describe('KfpBadge', () => {
  it('connected: the state, and on click how it was found and as whom', async () => {
    const { model: m } = model({
      state: 'connected',
      via: 'in-cluster',
      endpoint: 'http://ml-pipeline.kubeflow:8888',
      auth: 'service-account-token',
      identity: 'system:serviceaccount:team-a:default-editor',
      message: 'Kubeflow Pipelines 2.5.0 (multi-user).'
    });
    render(<KfpBadge model={m} />);
    await act(() => m.refresh());
    const badge = screen.getByRole('button', { name: 'connected' });
    expect(screen.queryByText('Found via')).toBeNull();
    fireEvent.click(badge);
    expect(badge.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('the in-cluster service ml-pipeline.kubeflow')).toBeTruthy();
    expect(
      screen.getByText('system:serviceaccount:team-a:default-editor (ServiceAccount token)')
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Look again' })).toBeNull();
    m.dispose();
  });

  it('not connected: the reason in words without a click, and Look again re-detects', async () => {
    const { client, model: m } = model({
      state: 'unauthorized',
      via: 'service-proxy',
      auth: 'kubeconfig',
      identity: 'alice',
      message: 'Kubeflow Pipelines refused alice (kubeconfig): 403. To fix: ask for access.'
    });
    render(<KfpBadge model={m} />);
    await act(() => m.refresh());
    expect(screen.getByRole('button', { name: 'refused' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe(
      'Kubeflow Pipelines refused alice (kubeconfig): 403. To fix: ask for access.'
    );
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Look again' })));
    expect(client.setKfpEndpoint).toHaveBeenCalledWith(null);
    m.dispose();
  });
});
