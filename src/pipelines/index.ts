/** The pipelines feature's plugins, composed by src/index.ts (styles: style/pipelines.css). */
import runPlugins from '../runs/plugin';
import editorPlugins from './plugin';

export default [...editorPlugins, ...runPlugins];
