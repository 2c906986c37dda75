/** Route paths of the proxy, relative to its root (`<base_url>kubeflow-workbench/` in the browser). */
export const PROXY_NAME = 'kubeflow-workbench';
export const TOKEN_HEADER = 'x-kubeflow-workbench-token';
export const API = '/api/v1';

const ns = (namespace: string) => `${API}/namespaces/${encodeURIComponent(namespace)}`;
const job = (namespace: string, name: string) =>
  `${ns(namespace)}/jobs/${encodeURIComponent(name)}`;

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
  analysis: () => `${API}/analysis`
};
