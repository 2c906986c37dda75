/**
 * Mark colours of the study plots from JupyterLab's CSS variables. Axes, legends, text and background come
 * from the shared chart theme (src/components/vega-theme.ts, applied by VegaChart); this adds what only these
 * plots draw: points, the running best, the goal, the trial palette. `useChartTheme` re-reads on a theme switch.
 */
import React from 'react';
import { readThemeVariable, ReadVariable } from '../../components/vega-theme';

export interface IChartTheme {
  mutedText: string;
  domain: string;
  accent: string;
  good: string;
  bad: string;
  warn: string;
  info: string;
}

/** What the colours resolve to where no theme CSS is loaded (unit tests): JupyterLab's light values. */
export const FALLBACK_THEME: IChartTheme = {
  mutedText: '#616161',
  domain: '#bdbdbd',
  accent: '#1976d2',
  good: '#388e3c',
  bad: '#d32f2f',
  warn: '#f57c00',
  info: '#0097a7'
};

export function chartTheme(read: ReadVariable): IChartTheme {
  return {
    mutedText: read('--jp-ui-font-color2', FALLBACK_THEME.mutedText),
    domain: read('--jp-border-color1', FALLBACK_THEME.domain),
    accent: read('--jp-brand-color1', FALLBACK_THEME.accent),
    good: read('--jp-success-color1', FALLBACK_THEME.good),
    bad: read('--jp-error-color1', FALLBACK_THEME.bad),
    warn: read('--jp-warn-color1', FALLBACK_THEME.warn),
    info: read('--jp-info-color1', FALLBACK_THEME.info)
  };
}

/** The plots' own part of the Vega-Lite config: the trial palette in theme colours. */
export function vegaConfig(theme: IChartTheme): Record<string, unknown> {
  return {
    range: {
      category: [
        theme.accent,
        theme.warn,
        theme.good,
        theme.bad,
        theme.info,
        '#8e24aa',
        '#6d4c41',
        '#546e7a'
      ]
    }
  };
}

/**
 * The colours of the document, re-read when JupyterLab switches theme (it sets `data-jp-theme-name` on the
 * body once the new theme's CSS is in; one frame later the variables are certain to resolve).
 */
export function useChartTheme(): IChartTheme {
  const [theme, setTheme] = React.useState(() => chartTheme(readThemeVariable()));
  React.useEffect(() => {
    let frame = 0;
    const observer = new MutationObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setTheme(chartTheme(readThemeVariable())));
    });
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name', 'data-jp-theme-light']
    });
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);
  return theme;
}
