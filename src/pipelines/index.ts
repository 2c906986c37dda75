/** The pipelines feature's plugins, composed by src/index.ts (styles: style/pipelines.css). */
import plugins from './plugin';

export default plugins;
