/** The analysis feature's plugins, composed by src/index.ts (styles: style/analysis.css, imported by style/index.css). */
import plugins from './plugin';

export default plugins;
