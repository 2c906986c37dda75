/**
 * The renderer of `application/vnd.kubeflow.slices+json` outputs. It needs nothing but the saved document, so
 * a reloaded notebook shows the browser with no kernel; the React view is loaded on first use (dynamic import).
 */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';
import { MIME } from '../../contract/mime';
import { checkDocument } from './document';

/** Below text/html (50) so JupyterLab prefers the browser over the static table in the same bundle. */
export const SLICES_RANK = 20;

const SliceBrowser = React.lazy(() => import('./SliceBrowser'));

export class SlicesRenderer extends ReactWidget implements IRenderMime.IRenderer {
  private data: unknown = null;

  constructor(private readonly rendermime?: IRenderMimeRegistry) {
    super();
    this.addClass('kf-slices-output');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.data = model.data[MIME.slices];
    this.update();
    return Promise.resolve();
  }

  protected render(): JSX.Element {
    const checked = checkDocument(this.data);
    if ('problem' in checked) {
      return React.createElement(
        'div',
        { className: 'kf-slices-note', role: 'alert' },
        checked.problem
      );
    }
    return React.createElement(
      React.Suspense,
      {
        fallback: React.createElement(
          'div',
          { className: 'kf-slices-note' },
          'Loading the slice browser…'
        )
      },
      React.createElement(SliceBrowser, {
        document: checked.doc,
        rendermime: this.rendermime
      })
    );
  }
}

/** Factory bound to the registry so the browser can render its chart through JupyterLab's Vega renderer. */
export function slicesRendererFactory(
  rendermime?: IRenderMimeRegistry
): IRenderMime.IRendererFactory {
  return {
    // Safe: the document is shown as text through React (escaped), never as HTML or script.
    safe: true,
    mimeTypes: [MIME.slices],
    defaultRank: SLICES_RANK,
    createRenderer: () => new SlicesRenderer(rendermime)
  };
}
