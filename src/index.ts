/** The Kubeflow Workbench extension: the plugins of each feature, composed. */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import analysisPlugins from './analysis';
import { workbenchPlugin } from './cluster/plugin';
import kfpPlugins from './kfp/plugin';
import pipelinePlugins from './pipelines';
import trainingPlugins from './training';
import tuningPlugins from './tuning';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  workbenchPlugin,
  ...trainingPlugins,
  ...tuningPlugins,
  ...analysisPlugins,
  ...pipelinePlugins,
  ...kfpPlugins
];

export default plugins;
