/**
 * Renders a Vega-Lite spec through the rendermime registry (JupyterLab's own Vega renderer): the extension
 * ships no Vega. Without a registry that knows the mime type (tests, other frontends) it shows a short note.
 */
import React, { useLayoutEffect, useRef } from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { VEGALITE_MIME } from './chart';

/**
 * Detaches and disposes a Lumino widget that React hosts. When the host already left the document (the output
 * was cleared, the notebook closed) Lumino's detach would throw, so only its attached state is reset.
 */
function release(widget: Widget): void {
  if (widget.isAttached && widget.node.isConnected) {
    Widget.detach(widget);
  } else if (widget.isAttached) {
    widget.processMessage(Widget.Msg.BeforeDetach);
    widget.clearFlag(Widget.Flag.IsAttached);
    widget.processMessage(Widget.Msg.AfterDetach);
  }
  widget.dispose();
}

export function VegaChart(props: {
  spec: Record<string, unknown>;
  rendermime?: IRenderMimeRegistry;
  /** Host class (default: the slice browser's). */
  className?: string;
  /** Accessible name of the chart. */
  label?: string;
  /** Shown instead when no Vega-Lite renderer is registered. */
  fallback?: string;
  /** Keeps the host's height while a changed spec re-renders, so live charts do not make the page jump. */
  minHeight?: number;
}): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const { spec, rendermime } = props;
  const available = !!rendermime && rendermime.mimeTypes.includes(VEGALITE_MIME);
  // A layout effect: its cleanup runs while the host is still in the document, so the detach is clean.
  useLayoutEffect(() => {
    if (!available || !host.current) {
      return;
    }
    const renderer = rendermime!.createRenderer(VEGALITE_MIME);
    const model = rendermime!.createModel({
      data: { [VEGALITE_MIME]: spec as never },
      trusted: true
    });
    Widget.attach(renderer, host.current);
    void renderer.renderModel(model);
    return () => release(renderer);
  }, [available, spec, rendermime]);
  if (!available) {
    return (
      <p className="kf-slices-note">
        {props.fallback ??
          "The chart needs JupyterLab's Vega-Lite renderer; the table above has every value."}
      </p>
    );
  }
  return (
    <div
      ref={host}
      className={props.className ?? 'kf-slices-chart'}
      role={props.label ? 'img' : undefined}
      aria-label={props.label}
      style={props.minHeight ? { minHeight: props.minHeight } : undefined}
    />
  );
}
