/** The pipeline file and launcher icon: three steps joined by edges, themed through jp-icon classes. */
import { LabIcon } from '@jupyterlab/ui-components';

const pipelineSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><rect x="2" y="3" width="7" height="5" rx="1"/><rect x="15" y="3" width="7" height="5" rx="1"/><rect x="8.5" y="16" width="7" height="5" rx="1"/><path d="M9 5h6v1.2H9zM5 8h1.2v4.4h6.2V16h-1.2v-2.4H5zM18.8 8H17.6v4.4h-5v1.2h6.2z"/></g></svg>';

export const pipelineIcon = new LabIcon({
  name: 'kubeflow-workbench:pipeline',
  svgstr: pipelineSvg
});
