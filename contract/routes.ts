/** Route paths of the proxy, relative to its root (`<base_url>kubeflow-workbench/` in the browser). */
export const PROXY_NAME = 'kubeflow-workbench';
export const TOKEN_HEADER = 'x-kubeflow-workbench-token';
export const API = '/api/v1';

const ns = (namespace: string) => `${API}/namespaces/${encodeURIComponent(namespace)}`;
const job = (namespace: string, name: string) =>
  `${ns(namespace)}/jobs/${encodeURIComponent(name)}`;
const study = (namespace: string, name: string) =>
  `${ns(namespace)}/studies/${encodeURIComponent(name)}`;

export const routes = {
  info: () => `${API}/info`,
  retry: () => `${API}/connection/retry`,
  namespaces: () => `${API}/namespaces`,
  contexts: () => `${API}/contexts`,
  jobs: (namespace: string) => `${ns(namespace)}/jobs`,
  job,
  jobEvents: (namespace: string, name: string) => `${job(namespace, name)}/events`,
  jobLogs: (namespace: string, name: string) => `${job(namespace, name)}/logs`,
  watchJobs: (namespace: string) => `${ns(namespace)}/watch/jobs`,
  analysis: () => `${API}/analysis`,
  studies: (namespace: string) => `${ns(namespace)}/studies`,
  study,
  stopStudy: (namespace: string, name: string) => `${study(namespace, name)}/stop`,
  studyBudget: (namespace: string, name: string) => `${study(namespace, name)}/budget`,
  trialLogs: (namespace: string, name: string, trial: string) =>
    `${study(namespace, name)}/trials/${encodeURIComponent(trial)}/logs`,
  watchStudies: (namespace: string) => `${ns(namespace)}/watch/studies`
};
