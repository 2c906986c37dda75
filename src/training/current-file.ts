/**
 * "Use current file": the text of the editor or notebook the user last worked in. The form itself becomes
 * the current widget when it opens, so the last document widget is remembered as focus moves.
 */
import { ILabShell } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

interface IDocumentLike extends Widget {
  context: { path: string; model: { toString(): string } };
}

const isDocument = (widget: Widget | null | undefined): widget is IDocumentLike =>
  !!widget && typeof (widget as unknown as Partial<IDocumentLike>).context?.path === 'string';

/** IPython-only lines (magics, shell escapes) would be syntax errors in a plain script: keep them as comments. */
function notebookSource(
  panel: IDocumentLike & { content: { model: { cells: Iterable<unknown> } | null } }
): string {
  const cells: string[] = [];
  for (const cell of panel.content.model?.cells ?? []) {
    const c = cell as { type: string; sharedModel: { getSource(): string } };
    if (c.type === 'code') {
      cells.push(
        c.sharedModel
          .getSource()
          .split('\n')
          .map(line => (/^\s*[%!]/.test(line) ? `# ${line}` : line))
          .join('\n')
      );
    }
  }
  return cells.join('\n\n');
}

export class CurrentFileTracker {
  private last: IDocumentLike | null = null;

  constructor(
    labShell: ILabShell | null,
    private readonly notebooks: INotebookTracker | null
  ) {
    labShell?.currentChanged.connect((_, change) => this.remember(change.newValue), this);
  }

  /** Called before opening the form too, for shells without `currentChanged`. */
  remember(widget: Widget | null | undefined): void {
    if (isDocument(widget) && !widget.isDisposed) {
      this.last = widget;
    }
  }

  read = async (): Promise<{ filename: string; content: string } | null> => {
    const widget = this.last && !this.last.isDisposed ? this.last : null;
    if (!widget) {
      return null;
    }
    const filename = widget.context.path.split('/').pop() ?? 'main.py';
    if (this.notebooks?.has(widget)) {
      return { filename, content: notebookSource(widget as never) };
    }
    return { filename, content: widget.context.model.toString() };
  };
}
