/** Icons of the workbench, themed through JupyterLab's jp-icon classes (inline: no asset loader needed). */
import { LabIcon } from '@jupyterlab/ui-components';

const kubeflowSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><path d="M12 2 3.5 6.9v10.2L12 22l8.5-4.9V6.9L12 2zm0 2.3 6.5 3.75v7.9L12 19.7l-6.5-3.75v-7.9L12 4.3z"/><path d="M9.2 7.6h1.7v3.6l3-3.6h2.1l-3.2 3.7 3.4 5.1h-2.1l-2.4-3.7-.8.9v2.8H9.2z"/></g></svg>';

export const kubeflowIcon = new LabIcon({
  name: 'kubeflow-workbench:kubeflow',
  svgstr: kubeflowSvg
});

// A training job: replicas as a rack of three machines.
const trainingSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><path fill-rule="evenodd" d="M4 3h16a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1zM6 4.8v1.4h2v-1.4zM10 4.8v1.4h2v-1.4zM4 10h16a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1zM6 11.8v1.4h2v-1.4zM10 11.8v1.4h2v-1.4zM4 17h16a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1zM6 18.8v1.4h2v-1.4zM10 18.8v1.4h2v-1.4z"/></g></svg>';

export const trainingIcon = new LabIcon({
  name: 'kubeflow-workbench:training',
  svgstr: trainingSvg
});

// A hyperparameter study: three parameters as sliders.
const studySvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><path d="M5 3h1.4v18H5zM11.3 3h1.4v18h-1.4zM17.6 3H19v18h-1.4z"/><rect x="3" y="13" width="5.4" height="3.2" rx="1"/><rect x="9.3" y="6" width="5.4" height="3.2" rx="1"/><rect x="15.6" y="10" width="5.4" height="3.2" rx="1"/></g></svg>';

export const studyIcon = new LabIcon({
  name: 'kubeflow-workbench:study',
  svgstr: studySvg
});
