/**
 * Renders a Vega-Lite spec through the rendermime registry (JupyterLab's own Vega renderer): the extension
 * ships no Vega. Themed from JupyterLab's CSS variables, re-rendered when the theme changes. Without a registry
 * that knows the mime type (tests, other frontends) it shows a short note.
 */
import React, { useLayoutEffect, useRef } from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { readThemeVariable, themedSpec, VEGALITE_MIME } from './vega-theme';

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

/** Bumps when JupyterLab switches theme (it flips `data-jp-theme-light` on the body). */
function useThemeGeneration(): number {
  const [generation, setGeneration] = React.useState(0);
  React.useEffect(() => {
    const observer = new MutationObserver(() => setGeneration(g => g + 1));
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light'] });
    return () => observer.disconnect();
  }, []);
  return generation;
}

export function VegaChart(props: {
  spec: Record<string, unknown>;
  rendermime?: IRenderMimeRegistry;
  /** Class of the host element (its size and margins). */
  className?: string;
  /** Said instead of the chart where no Vega-Lite renderer is available. */
  fallback?: string;
  /** Accessible name of the chart. */
  label?: string;
  /** Keeps the host's height while a changed spec re-renders, so live charts do not make the page jump. */
  minHeight?: number;
}): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const { spec, rendermime } = props;
  const theme = useThemeGeneration();
  const available = !!rendermime && rendermime.mimeTypes.includes(VEGALITE_MIME);
  // A layout effect: its cleanup runs while the host is still in the document, so the detach is clean.
  useLayoutEffect(() => {
    if (!available || !host.current) {
      return;
    }
    const renderer = rendermime!.createRenderer(VEGALITE_MIME);
    const model = rendermime!.createModel({
      data: { [VEGALITE_MIME]: themedSpec(spec, readThemeVariable(host.current)) as never },
      trusted: true
    });
    Widget.attach(renderer, host.current);
    void renderer.renderModel(model);
    return () => release(renderer);
  }, [available, spec, rendermime, theme]);
  if (!available) {
    return (
      <p className="kf-chart-note">
        {props.fallback ?? "This chart needs JupyterLab's Vega-Lite renderer."}
      </p>
    );
  }
  return (
    <div
      ref={host}
      className={props.className ?? 'kf-chart'}
      role={props.label ? 'img' : undefined}
      aria-label={props.label}
      style={props.minHeight ? { minHeight: props.minHeight } : undefined}
    />
  );
}
