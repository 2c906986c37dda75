/**
 * Vega-Lite charts in JupyterLab's colours: the spec gets a `config` read from the theme's CSS variables at
 * render time (transparent background, text, grid and domain colours), so light and dark themes both read well.
 */
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/** Reads a CSS variable; `fallback` where the variable is not defined (tests, other frontends). */
export type ReadVariable = (name: string, fallback: string) => string;

export function readThemeVariable(element: Element = document.body): ReadVariable {
  const styles = getComputedStyle(element);
  return (name, fallback) => styles.getPropertyValue(name).trim() || fallback;
}

/** The theme part of a Vega-Lite config. */
export function themeConfig(read: ReadVariable): Record<string, unknown> {
  const text = read('--jp-ui-font-color1', '#212121');
  const muted = read('--jp-ui-font-color2', '#616161');
  const grid = read('--jp-border-color2', '#e0e0e0');
  const font = read('--jp-ui-font-family', 'sans-serif');
  const axis = {
    labelColor: muted,
    titleColor: text,
    gridColor: grid,
    domainColor: muted,
    tickColor: muted,
    labelFont: font,
    titleFont: font
  };
  return {
    background: 'transparent',
    font,
    view: { stroke: grid },
    axis,
    legend: { labelColor: muted, titleColor: text, labelFont: font, titleFont: font },
    title: { color: text, font },
    header: { labelColor: text, titleColor: text },
    text: { color: text },
    // Rules (interval whiskers, reference lines) take the muted text colour: visible on either background.
    rule: { color: muted }
  };
}

/** `spec` with the theme config under any config of its own (the spec's own settings win). */
export function themedSpec(
  spec: Record<string, unknown>,
  read: ReadVariable
): Record<string, unknown> {
  const own = (spec.config ?? {}) as Record<string, unknown>;
  const theme = themeConfig(read);
  const config: Record<string, unknown> = { ...theme };
  for (const [key, value] of Object.entries(own)) {
    const base = theme[key];
    config[key] =
      base && typeof base === 'object' && value && typeof value === 'object'
        ? { ...base, ...value }
        : value;
  }
  return { ...spec, config };
}
