/**
 * "Will metrics be collected?" before an Experiment is created, in plain words. Katib injects its metrics
 * collector only into namespaces labelled for it, and an Istio sidecar keeps the trial pod running after the
 * training process ends (the collector waits for every container), so trials never finish. Findings that make
 * every trial fail are errors; the rest come back as warnings with the created study.
 */
import { IStudySpec } from '../../../../../contract/study';
import { BackendError } from '../../types';
import { IKubeClient } from '../client';

export const INJECTION_LABEL = 'katib.kubeflow.org/metrics-collector-injection';
const KATIB_TRIAL_KINDS = ['pytorch', 'tensorflow', 'mpi', 'xgboost', 'trainjob'];

interface INamespace {
  metadata?: { labels?: Record<string, string> };
}

export async function preflight(
  client: IKubeClient,
  namespace: string,
  spec: IStudySpec
): Promise<string[]> {
  const warnings: string[] = [];
  let labels: Record<string, string> | undefined;
  try {
    const ns = await client.request<INamespace>(
      'GET',
      `/api/v1/namespaces/${encodeURIComponent(namespace)}`
    );
    labels = ns.metadata?.labels ?? {};
  } catch (e) {
    if (!(e instanceof BackendError && e.code === 'forbidden')) {
      throw e;
    }
    warnings.push(
      `Could not read namespace "${namespace}" to check that Katib collects metrics there ` +
        `(label ${INJECTION_LABEL}=enabled); if trials end MetricsUnavailable, ask an admin to add it.`
    );
  }
  if (labels && labels[INJECTION_LABEL] !== 'enabled') {
    throw new BackendError(
      'invalid_spec',
      `Namespace "${namespace}" lacks the label ${INJECTION_LABEL}=enabled, so Katib would not collect the ` +
        'metrics of any trial and every trial would end MetricsUnavailable. Kubeflow profile namespaces have it; ' +
        `add it with: kubectl label namespace ${namespace} ${INJECTION_LABEL}=enabled`,
      [
        {
          path: '/namespace',
          message: `lacks the label ${INJECTION_LABEL}=enabled that Katib needs to collect metrics`
        }
      ]
    );
  }
  if (labels && labels['istio-injection'] === 'enabled') {
    warnings.push(
      `Namespace "${namespace}" has Istio sidecar injection on: trial pods opt out with the annotation ` +
        'sidecar.istio.io/inject: "false" (set by the workbench), since a sidecar keeps the pod running and ' +
        "Katib's collector then never reports."
    );
  }
  if (!KATIB_TRIAL_KINDS.includes(spec.trial.framework)) {
    warnings.push(
      `Katib's default configuration runs trials of kinds Job, TFJob, PyTorchJob, MPIJob, XGBoostJob and ` +
        `TrainJob; a ${spec.trial.framework} trial needs its kind in katib-config's trialResources.`
    );
  }
  return warnings;
}
