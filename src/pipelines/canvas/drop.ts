/**
 * Accepts files dragged from JupyterLab's file browser. That drag is a Lumino drag (`lm-dragenter`,
 * `lm-dragover`, `lm-drop` events carrying `mimeData`), not an HTML5 one, so React's onDrop never sees it.
 * Handling the events here also stops the main area from opening the dragged file in a new tab.
 */
import React from 'react';

/** The file browser's drag payload: the dragged paths, relative to the Jupyter root. */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

interface ILuminoDragEvent extends MouseEvent {
  mimeData: { hasData(mime: string): boolean; getData(mime: string): unknown };
  proposedAction: string;
  dropAction: string;
}

export function useLuminoDrop(
  host: React.RefObject<HTMLElement>,
  onDrop: ((paths: string[], at: { x: number; y: number }) => void) | undefined,
  toFlow: (point: { x: number; y: number }) => { x: number; y: number }
): void {
  // The latest callbacks, so the listeners are attached once.
  const latest = React.useRef({ onDrop, toFlow });
  latest.current = { onDrop, toFlow };
  const enabled = !!onDrop;
  React.useEffect(() => {
    const node = host.current;
    if (!node || !enabled) {
      return;
    }
    const accepts = (e: ILuminoDragEvent) => e.mimeData?.hasData(CONTENTS_MIME);
    const over = (event: Event) => {
      const e = event as ILuminoDragEvent;
      if (!accepts(e)) {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      // The file browser only offers "move"; the file stays where it is, the canvas only references it.
      e.dropAction = e.proposedAction;
      node.classList.add('kf-mod-drop-target');
    };
    const leave = () => node.classList.remove('kf-mod-drop-target');
    const drop = (event: Event) => {
      const e = event as ILuminoDragEvent;
      leave();
      if (!accepts(e)) {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      e.dropAction = e.proposedAction;
      const paths = e.mimeData.getData(CONTENTS_MIME) as string[];
      latest.current.onDrop?.(paths, latest.current.toFlow({ x: e.clientX, y: e.clientY }));
    };
    node.addEventListener('lm-dragenter', over);
    node.addEventListener('lm-dragover', over);
    node.addEventListener('lm-dragleave', leave);
    node.addEventListener('lm-drop', drop);
    return () => {
      node.removeEventListener('lm-dragenter', over);
      node.removeEventListener('lm-dragover', over);
      node.removeEventListener('lm-dragleave', leave);
      node.removeEventListener('lm-drop', drop);
    };
  }, [host, enabled]);
}
