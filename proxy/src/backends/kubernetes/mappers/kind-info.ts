/**
 * The one table of job kinds (kubeflow-api.md §1.1 and §1.7). Everything that needs a kind's group, plural,
 * replica-spec field, container or port reads it from here.
 */
import { Framework } from '../../../../../contract/training';

export interface IKindInfo {
  kind: string;
  plural: string;
  group: string;
  version: string;
  /** Field under `spec` holding the replica specs; TrainJob has none (its runtime owns the pod template). */
  replicaSpecField?: string;
  /** The container name the operator looks for (it injects env and ports only there). */
  container: string;
  portName?: string;
  port?: number;
  defaultRestartPolicy?: 'Never' | 'OnFailure';
  /** Value of `training.kubeflow.org/operator-name` on the operator's pods. */
  operatorName?: string;
  /** Roles the kind accepts, in display order (the schema enforces the same lists). */
  roles: string[];
}

const V1 = { group: 'kubeflow.org', version: 'v1' };

export const KIND_INFO: Record<Framework, IKindInfo> = {
  tensorflow: {
    ...V1,
    kind: 'TFJob',
    plural: 'tfjobs',
    replicaSpecField: 'tfReplicaSpecs',
    container: 'tensorflow',
    portName: 'tfjob-port',
    port: 2222,
    defaultRestartPolicy: 'Never',
    operatorName: 'tfjob-controller',
    roles: ['Chief', 'PS', 'Worker', 'Evaluator']
  },
  pytorch: {
    ...V1,
    kind: 'PyTorchJob',
    plural: 'pytorchjobs',
    replicaSpecField: 'pytorchReplicaSpecs',
    container: 'pytorch',
    portName: 'pytorchjob-port',
    port: 23456,
    defaultRestartPolicy: 'OnFailure',
    operatorName: 'pytorchjob-controller',
    roles: ['Master', 'Worker']
  },
  mpi: {
    ...V1,
    kind: 'MPIJob',
    plural: 'mpijobs',
    replicaSpecField: 'mpiReplicaSpecs',
    container: 'mpi',
    portName: 'mpi-port',
    port: 9999,
    defaultRestartPolicy: 'Never',
    operatorName: 'mpijob-controller',
    roles: ['Launcher', 'Worker']
  },
  xgboost: {
    ...V1,
    kind: 'XGBoostJob',
    plural: 'xgboostjobs',
    replicaSpecField: 'xgbReplicaSpecs',
    container: 'xgboost',
    portName: 'xgboostjob-port',
    port: 9999,
    defaultRestartPolicy: 'Never',
    operatorName: 'xgboostjob-controller',
    roles: ['Master', 'Worker']
  },
  jax: {
    ...V1,
    kind: 'JAXJob',
    plural: 'jaxjobs',
    replicaSpecField: 'jaxReplicaSpecs',
    container: 'jax',
    portName: 'jaxjob-port',
    port: 6666,
    defaultRestartPolicy: 'Never',
    operatorName: 'jaxjob-controller',
    roles: ['Worker']
  },
  paddle: {
    ...V1,
    kind: 'PaddleJob',
    plural: 'paddlejobs',
    replicaSpecField: 'paddleReplicaSpecs',
    container: 'paddle',
    portName: 'master',
    port: 36543,
    defaultRestartPolicy: 'OnFailure',
    operatorName: 'paddlejob-controller',
    roles: ['Master', 'Worker']
  },
  trainjob: {
    group: 'trainer.kubeflow.org',
    version: 'v1alpha1',
    kind: 'TrainJob',
    plural: 'trainjobs',
    // The trainer container of the torch runtimes; a TrainJob does not name containers itself.
    container: 'node',
    roles: ['Node']
  }
};

export function frameworkOfKind(kind: string | undefined): Framework | undefined {
  return (Object.keys(KIND_INFO) as Framework[]).find(
    framework => KIND_INFO[framework].kind === kind
  );
}

/** Labels and annotations the workbench puts on everything it creates. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kubeflow-workbench';
/** Holds the spec a job was created from (JSON), so it can be shown and cloned. */
export { SPEC_ANNOTATION } from '../../../../../contract/training-rules';
