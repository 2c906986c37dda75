/**
 * Chart colours from JupyterLab's CSS variables, as a Vega-Lite `config`: the plots follow the light and dark
 * themes (and custom ones) instead of Vega's white default. Read at render time; `useChartTheme` re-reads
 * when the user switches theme.
 */
import React from 'react';

export interface IChartTheme {
  font: string;
  text: string;
  mutedText: string;
  grid: string;
  domain: string;
  accent: string;
  good: string;
  bad: string;
  warn: string;
  info: string;
}

/** What a theme resolves to when no CSS is loaded (unit tests, a detached node): JupyterLab's light values. */
export const FALLBACK_THEME: IChartTheme = {
  font: 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
  text: 'rgba(0, 0, 0, 0.87)',
  mutedText: 'rgba(0, 0, 0, 0.54)',
  grid: '#e0e0e0',
  domain: '#bdbdbd',
  accent: '#1976d2',
  good: '#388e3c',
  bad: '#d32f2f',
  warn: '#f57c00',
  info: '#0097a7'
};

const VARIABLES: Record<keyof IChartTheme, string> = {
  font: '--jp-ui-font-family',
  text: '--jp-ui-font-color1',
  mutedText: '--jp-ui-font-color2',
  grid: '--jp-border-color2',
  domain: '--jp-border-color1',
  accent: '--jp-brand-color1',
  good: '--jp-success-color1',
  bad: '--jp-error-color1',
  warn: '--jp-warn-color1',
  info: '--jp-info-color1'
};

export function readChartTheme(element: Element = document.body): IChartTheme {
  const style = getComputedStyle(element);
  const theme = { ...FALLBACK_THEME };
  for (const [key, variable] of Object.entries(VARIABLES) as [keyof IChartTheme, string][]) {
    const value = style.getPropertyValue(variable).trim();
    if (value) {
      theme[key] = value;
    }
  }
  return theme;
}

/** The Vega-Lite `config` for a theme: transparent background, themed axes, legends and titles. */
export function vegaConfig(theme: IChartTheme): Record<string, unknown> {
  const axis = {
    labelColor: theme.mutedText,
    titleColor: theme.text,
    gridColor: theme.grid,
    domainColor: theme.domain,
    tickColor: theme.domain,
    labelFont: theme.font,
    titleFont: theme.font,
    titleFontWeight: 600
  };
  return {
    background: null,
    font: theme.font,
    view: { stroke: theme.grid },
    axis,
    legend: {
      labelColor: theme.mutedText,
      titleColor: theme.text,
      labelFont: theme.font,
      titleFont: theme.font
    },
    title: { color: theme.text, font: theme.font },
    text: { color: theme.mutedText, font: theme.font },
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
 * The theme of the document, re-read when JupyterLab switches theme (it sets `data-jp-theme-name` on the
 * body once the new theme's CSS is in; one frame later the variables are certain to resolve).
 */
export function useChartTheme(): IChartTheme {
  const [theme, setTheme] = React.useState(readChartTheme);
  React.useEffect(() => {
    let frame = 0;
    const observer = new MutationObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setTheme(readChartTheme()));
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
