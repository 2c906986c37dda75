/**
 * Kubeflow Pipelines for a backend: the connector (discovery, auth), the KFP runs, and the pipelines backend
 * that serves local and KFP runs together. Settings (env): `KF_PIPELINES_ENDPOINT` (a configured URL),
 * `KF_PIPELINES_SA_TOKEN_PATH` (the projected token), `KFWB_KUBEFLOW_USERID` / `KFWB_KUBEFLOW_USERID_HEADER`
 * (the userid header), `KFWB_KFP_WORKFLOW_NAMESPACE` (single-user Workflows, default `kubeflow`),
 * `KF_PIPELINES_UI_ENDPOINT` (links to runs in the KFP UI).
 */
import { existsSync } from 'node:fs';
import { IKfpControl, IPipelinesBackend } from '../types';
import { authOptionsFromEnv, IKfpAuthOptions, KfpAuth } from './auth';
import { IKfpCluster } from './cluster';
import { CompositePipelines } from './composite';
import { IN_CLUSTER_URL, IServiceProxyAccess, KfpConnector } from './connection';
import { IKfpRunsOptions, KfpRuns } from './kfp-runs';

export interface IKfpOptions {
  /** The kubernetes backend's cluster access (pods, logs, watch); absent in local mode. */
  cluster?: IKfpCluster;
  serviceProxy?: IServiceProxyAccess;
  impersonateUser?: string;
  /** Overrides of what the environment says (tests). */
  auth?: Partial<IKfpAuthOptions>;
  configured?: string;
  inCluster?: string | null;
  probeTimeoutMs?: number;
  pollMs?: IKfpRunsOptions['pollMs'];
  workflowNamespace?: string;
}

/** In a pod (a service account mounted and the apiserver announced), KFP's in-cluster service is tried first. */
function inClusterUrl(): string | undefined {
  const inPod =
    !!process.env.KUBERNETES_SERVICE_HOST &&
    existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
  return inPod ? IN_CLUSTER_URL : undefined;
}

export function createKfp(
  local: IPipelinesBackend & { close(): void },
  options: IKfpOptions = {}
): { pipelines: CompositePipelines; control: IKfpControl } {
  const auth = new KfpAuth({
    ...authOptionsFromEnv(process.env, options.impersonateUser),
    ...options.auth
  });
  const connector = new KfpConnector({
    auth,
    inCluster: options.inCluster === null ? undefined : (options.inCluster ?? inClusterUrl()),
    ...(options.serviceProxy ? { serviceProxy: options.serviceProxy } : {}),
    configured: options.configured ?? (process.env.KF_PIPELINES_ENDPOINT || undefined),
    ...(options.probeTimeoutMs ? { probeTimeoutMs: options.probeTimeoutMs } : {})
  });
  void connector.discover();
  const runs = new KfpRuns({
    connector,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.workflowNamespace ? { workflowNamespace: options.workflowNamespace } : {})
  });
  return {
    pipelines: new CompositePipelines(local, runs),
    control: {
      connection: () => connector.ready(),
      connect: endpoint => connector.connect(endpoint)
    }
  };
}
