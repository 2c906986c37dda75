/**
 * Wire types of the Kubeflow Pipelines connection: how the proxy found KFP, with which identity, and what a run
 * on KFP is called there. Runs themselves are `IRun`s (contract/pipeline.ts) with `backend: 'kfp'`.
 */

/** How the endpoint was found, in the order the proxy tries: in-cluster service, the kube-apiserver's service
 * proxy (the user's kubeconfig), a configured URL (setting `kfpEndpoint`, else env `KF_PIPELINES_ENDPOINT`). */
export type KfpEndpointSource = 'in-cluster' | 'service-proxy' | 'configured';

/** Which identity the proxy sends: a projected ServiceAccount token (audience `pipelines.kubeflow.org`) as Bearer,
 * the `kubeflow-userid` header (behind the Kubeflow gateway), the kubeconfig's credentials (service proxy). */
export type KfpAuthMode = 'service-account-token' | 'userid-header' | 'kubeconfig' | 'none';

export type KfpConnectionState =
  | 'connected'
  /** No endpoint found and none configured: KFP submission is off, local runs work as ever. */
  | 'not-found'
  | 'unreachable'
  /** 401/403 from KFP: `message` names the identity used and what to fix. */
  | 'unauthorized'
  /** Answers only the v1 API (KFP 1.x). */
  | 'too-old'
  | 'error';

/** `GET /api/v1/kfp` (and `POST` with `IKfpConnectRequest` to re-detect). */
export interface IKfpConnection {
  state: KfpConnectionState;
  via?: KfpEndpointSource;
  /** The URL the proxy talks to (for the service proxy: the apiserver path). */
  endpoint?: string;
  auth?: KfpAuthMode;
  /** The user KFP sees, when known (the userid header's value, the token's subject). */
  identity?: string;
  multiUser?: boolean;
  /** healthz `tag_name`. */
  version?: string;
  /** Plain words: why this endpoint, why not connected and what to do. */
  message?: string;
  /** How KFP runs' changes reach the browser: pushed from a watch on the Workflows and pods, or polled from
   * KFP's run details (RBAC forbids the watch) with backoff — the run view says so. */
  updates?: 'watch' | 'poll';
}

/** Body of `POST /api/v1/kfp`: a configured endpoint (`null` clears it) and re-detection. */
export interface IKfpConnectRequest {
  endpoint?: string | null;
}

/** What KFP calls a run that the workbench shows as an `IRun` (whose `name` is the KFP run id). */
export interface IKfpRunRef {
  runId: string;
  experimentId?: string;
  /** The experiment's display name. */
  experiment?: string;
  pipelineId?: string;
  pipelineVersionId?: string;
  /** `AVAILABLE` or `ARCHIVED`. */
  storageState?: string;
  /** The run in the KFP UI, when the endpoint has one. */
  url?: string;
}
