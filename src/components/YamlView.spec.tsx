import { render, screen } from '@testing-library/react';
import React from 'react';
import { YamlView } from './YamlView';

describe('YamlView', () => {
  it('shows the object as YAML once the yaml package has loaded', async () => {
    render(
      <YamlView value={{ kind: 'PyTorchJob', spec: { replicas: [1, 2] } }} label="Manifest" />
    );
    const pre = screen.getByLabelText('Manifest');
    expect(pre.textContent).toBe('Loading…');
    await screen.findByText(/kind: PyTorchJob/);
    expect(pre.textContent).toBe('kind: PyTorchJob\nspec:\n  replicas:\n    - 1\n    - 2\n');
    expect(screen.getByRole('button', { name: 'Copy' })).not.toHaveProperty('disabled', true);
  });
});
