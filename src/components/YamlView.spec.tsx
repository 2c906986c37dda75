import { fireEvent, render, screen } from '@testing-library/react';
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

  describe('Copy', () => {
    const setClipboard = (writeText: (text: string) => Promise<void>) =>
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    afterEach(() => {
      Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    });

    it('copies the YAML and says so', async () => {
      const writeText = jest.fn(async (_: string) => undefined);
      setClipboard(writeText);
      render(<YamlView value={{ kind: 'PyTorchJob' }} label="Manifest" />);
      await screen.findByText(/kind: PyTorchJob/);
      fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
      expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Copied');
      expect(writeText).toHaveBeenCalledWith('kind: PyTorchJob\n');
    });

    it('says why when the clipboard refuses', async () => {
      setClipboard(async () => {
        throw new Error('Write permission denied.');
      });
      render(<YamlView value={{ kind: 'PyTorchJob' }} label="Manifest" />);
      await screen.findByText(/kind: PyTorchJob/);
      fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
      expect(await screen.findByRole('status')).toHaveProperty(
        'textContent',
        'Could not copy: Write permission denied.'
      );
    });
  });
});
