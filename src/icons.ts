/** Icons of the workbench, themed through JupyterLab's jp-icon classes (inline: no asset loader needed). */
import { LabIcon } from '@jupyterlab/ui-components';

const kubeflowSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><path d="M12 2 3.5 6.9v10.2L12 22l8.5-4.9V6.9L12 2zm0 2.3 6.5 3.75v7.9L12 19.7l-6.5-3.75v-7.9L12 4.3z"/><path d="M9.2 7.6h1.7v3.6l3-3.6h2.1l-3.2 3.7 3.4 5.1h-2.1l-2.4-3.7-.8.9v2.8H9.2z"/></g></svg>';

export const kubeflowIcon = new LabIcon({
  name: 'kubeflow-workbench:kubeflow',
  svgstr: kubeflowSvg
});
