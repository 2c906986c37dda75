/** The Kubeflow Workbench extension: the plugins of each feature, composed. */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import analysisPlugins from './analysis';
import { workbenchPlugin } from './cluster/plugin';
import pipelinePlugins from './pipelines';
import trainingPlugins from './training';
import tuningPlugins from './tuning';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  workbenchPlugin,
  ...trainingPlugins,
  ...tuningPlugins,
  ...analysisPlugins,
  ...pipelinePlugins
];

export default plugins;
