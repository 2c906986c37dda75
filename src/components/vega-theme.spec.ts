import { themeConfig, themedSpec } from './vega-theme';

const DARK: Record<string, string> = {
  '--jp-ui-font-color1': 'rgba(255,255,255,.87)',
  '--jp-ui-font-color2': 'rgba(255,255,255,.54)',
  '--jp-border-color2': '#616161'
};
const dark = (name: string, fallback: string) => DARK[name] ?? fallback;

describe('Vega-Lite theme', () => {
  it('reads text, grid and rule colours from the theme, on a transparent background', () => {
    const config = themeConfig(dark) as Record<string, Record<string, string>>;
    expect(config.background).toBe('transparent');
    expect(config.axis.labelColor).toBe('rgba(255,255,255,.54)');
    expect(config.axis.titleColor).toBe('rgba(255,255,255,.87)');
    expect(config.axis.gridColor).toBe('#616161');
    expect(config.legend.labelColor).toBe('rgba(255,255,255,.54)');
    expect(config.rule.color).toBe('rgba(255,255,255,.54)');
  });

  it('keeps the spec and lets its own config win, key by key', () => {
    const spec = { mark: 'bar', config: { axis: { labelAngle: -45 }, background: '#123' } };
    const themed = themedSpec(spec, dark) as { mark: string; config: Record<string, object> };
    expect(themed.mark).toBe('bar');
    expect(themed.config.background).toBe('#123');
    expect(themed.config.axis).toMatchObject({
      labelAngle: -45,
      titleColor: 'rgba(255,255,255,.87)'
    });
    expect(spec.config.axis).toEqual({ labelAngle: -45 });
  });

  it('falls back to light colours where the variables are missing', () => {
    const config = themeConfig((_n, fallback) => fallback) as Record<
      string,
      Record<string, string>
    >;
    expect(config.axis.titleColor).toBe('#212121');
  });
});
