/** The Kubeflow Workbench extension: the plugins of each feature, composed. */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import analysisPlugins from './analysis';
import { workbenchPlugin } from './cluster/plugin';

const plugins: JupyterFrontEndPlugin<unknown>[] = [workbenchPlugin, ...analysisPlugins];

export default plugins;
