/** The tuning feature's plugins, composed by src/index.ts (styles: style/tuning.css). */
import plugins from './plugin';

export default plugins;
