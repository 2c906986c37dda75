/** The training feature's plugins, composed by src/index.ts (styles: style/training.css, style/components.css). */
import plugins from './plugin';

export default plugins;
