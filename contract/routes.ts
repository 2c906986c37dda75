/** Route paths of the proxy, relative to its root (`<base_url>kubeflow-workbench/` in the browser). */
export const PROXY_NAME = 'kubeflow-workbench';
export const TOKEN_HEADER = 'x-kubeflow-workbench-token';
export const API = '/api/v1';

const ns = (namespace: string) => `${API}/namespaces/${encodeURIComponent(namespace)}`;
const run = (namespace: string, name: string) =>
  `${ns(namespace)}/runs/${encodeURIComponent(name)}`;
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
  watchStudies: (namespace: string) => `${ns(namespace)}/watch/studies`,
  /** POST a pipeline document → IR + YAML + warnings (400 with field paths when invalid). */
  pipelineCompile: () => `${API}/pipelines/compile`,
  /** GET list, POST create (`ICreateRunRequest`). */
  runs: (namespace: string) => `${ns(namespace)}/runs`,
  /** GET one (with `ir` and `spec`), DELETE. */
  run,
  runCancel: (namespace: string, name: string) => `${run(namespace, name)}/cancel`,
  /** KFP runs: POST retries the failed steps of the same run (KFP `:retry`). */
  runRetry: (namespace: string, name: string) => `${run(namespace, name)}/retry`,
  /** KFP runs: POST archives, DELETE unarchives. */
  runArchive: (namespace: string, name: string) => `${run(namespace, name)}/archive`,
  /** POST `IRerunRequest` → the new run. */
  runRerun: (namespace: string, name: string) => `${run(namespace, name)}/rerun`,
  runStepLogs: (namespace: string, name: string, task: string) =>
    `${run(namespace, name)}/steps/${encodeURIComponent(task)}/logs`,
  /** GET an output artifact of a step (a preview: text, image, small table; `?download=1` for the file). */
  runStepOutput: (namespace: string, name: string, task: string, artifact: string) =>
    `${run(namespace, name)}/steps/${encodeURIComponent(task)}/outputs/${encodeURIComponent(artifact)}`,
  watchRuns: (namespace: string) => `${ns(namespace)}/watch/runs`,
  /** GET the KFP connection (`IKfpConnection`); POST `IKfpConnectRequest` sets the endpoint and re-detects. */
  kfp: () => `${API}/kfp`
};
