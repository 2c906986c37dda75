/**
 * Test double of `@jupyterlab/ui-components`' ReactWidget: the unit jest project cannot load the real package
 * (it ships ES modules that the project does not transform), so specs mock it with this synchronous one.
 */
import React from 'react';
import { createRoot, Root } from 'react-dom/client';
import { act } from '@testing-library/react';

export abstract class ReactWidget {
  readonly node = document.createElement('div');
  isDisposed = false;
  private root: Root = createRoot(this.node);

  addClass(name: string): void {
    this.node.classList.add(name);
  }
  update(): void {
    act(() => this.root.render(this.render()));
  }
  dispose(): void {
    this.isDisposed = true;
    act(() => this.root.unmount());
  }
  protected abstract render(): React.ReactElement;
}
