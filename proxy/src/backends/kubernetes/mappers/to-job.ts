/**
 * Spec → the object the cluster gets: one function per kind, `toKubeflowObject` dispatching on the framework.
 * We never set the variables the operators inject (TF_CONFIG, MASTER_ADDR, …): they would be wrong on a cluster.
 */
import { Framework, ITrainingJobSpec } from '../../../../../contract/training';
import { DEFAULT_TRAINING_IMAGE } from '../../../../../contract/training-schema';
import { KIND_INFO, SPEC_ANNOTATION } from './kind-info';
import { launchOf, shellQuote } from './launch-command';
import { TRAINJOB_SOURCE_ENV } from '../../../../../contract/training-rules';
import {
  OVERRIDE_ANNOTATION,
  TrainJobOverrideField,
  trainJobOverrides
} from './trainjob-overrides';
import { envList, jobLabels, podTemplateOf, resourcesOf } from './pod-template';

export interface IJobObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
  [key: string]: unknown;
}

function nameOf(spec: ITrainingJobSpec): string {
  if (!spec.name) {
    throw new Error('a job spec needs a name before it is mapped (routes generate one)');
  }
  return spec.name;
}

function metadataOf(spec: ITrainingJobSpec, namespace: string): IJobObject['metadata'] {
  return {
    name: nameOf(spec),
    namespace,
    labels: jobLabels(spec),
    annotations: { [SPEC_ANNOTATION]: JSON.stringify({ ...spec, namespace }) }
  };
}

function runPolicyOf(spec: ITrainingJobSpec): Record<string, unknown> {
  return { ...(spec.runPolicy ?? {}) };
}

function toV1Job(
  framework: Exclude<Framework, 'trainjob'>,
  spec: ITrainingJobSpec,
  namespace: string
): IJobObject {
  const info = KIND_INFO[framework];
  const name = nameOf(spec);
  const template = podTemplateOf(spec, name, info);
  const replicaSpecs: Record<string, unknown> = {};
  for (const role of info.roles) {
    const replica = spec.replicas[role];
    if (replica) {
      // In an MPIJob only the launcher runs the program (through mpirun); the local backend agrees.
      const idle = framework === 'mpi' && role === 'Worker';
      replicaSpecs[role] = {
        replicas: replica.count,
        restartPolicy: info.defaultRestartPolicy,
        template: idle ? podTemplateOf(spec, name, info, { idle }) : template
      };
    }
  }
  return {
    apiVersion: `${info.group}/${info.version}`,
    kind: info.kind,
    metadata: metadataOf(spec, namespace),
    spec: {
      runPolicy: runPolicyOf(spec),
      [info.replicaSpecField as string]: replicaSpecs
    }
  };
}

export const toTFJob = (spec: ITrainingJobSpec, ns: string) => toV1Job('tensorflow', spec, ns);
export const toPyTorchJob = (spec: ITrainingJobSpec, ns: string) => toV1Job('pytorch', spec, ns);
export const toMPIJob = (spec: ITrainingJobSpec, ns: string) => toV1Job('mpi', spec, ns);
export const toXGBoostJob = (spec: ITrainingJobSpec, ns: string) => toV1Job('xgboost', spec, ns);
export const toJAXJob = (spec: ITrainingJobSpec, ns: string) => toV1Job('jax', spec, ns);
export const toPaddleJob = (spec: ITrainingJobSpec, ns: string) => toV1Job('paddle', spec, ns);

/** Where a TrainJob's source is written at start: a TrainJob cannot mount volumes (its runtime owns the pod). */
export const TRAINJOB_SOURCE_DIR = '/tmp/kubeflow-workbench/src';
/** Carries the source into a TrainJob container, which writes it to a file before running it. */
export { TRAINJOB_SOURCE_ENV };

export interface IMapOptions {
  /** The installed Trainer's field for pod overrides (volumes, nodeSelector, tolerations of a TrainJob). */
  trainJobOverride?: TrainJobOverrideField;
}

export function toTrainJob(
  spec: ITrainingJobSpec,
  namespace: string,
  opts: IMapOptions = {}
): IJobObject {
  const info = KIND_INFO.trainjob;
  const env = envList(spec.env);
  let prelude: string[] = [];
  if (spec.source) {
    const file = `${TRAINJOB_SOURCE_DIR}/${spec.source.filename}`;
    env.push({ name: TRAINJOB_SOURCE_ENV, value: spec.source.content });
    prelude = [
      `mkdir -p ${TRAINJOB_SOURCE_DIR}`,
      `printf '%s' "$${TRAINJOB_SOURCE_ENV}" > ${shellQuote(file)}`
    ];
  }
  const resources = resourcesOf(spec);
  const trainer: Record<string, unknown> = {
    image: spec.image ?? DEFAULT_TRAINING_IMAGE,
    ...launchOf(spec, TRAINJOB_SOURCE_DIR, prelude),
    numNodes: spec.replicas.Node?.count ?? 1,
    ...(env.length > 0 ? { env } : {}),
    ...(resources ? { resourcesPerNode: resources } : {})
  };
  const runtimeRef = spec.runtimeRef ?? { name: '' };
  const overrides = trainJobOverrides(spec, opts.trainJobOverride);
  const metadata = metadataOf(spec, namespace);
  if (Object.keys(overrides).length > 0) {
    // Says which Trainer field carried volumes/nodeSelector/tolerations (the YAML view shows it too).
    metadata.annotations[OVERRIDE_ANNOTATION] = Object.keys(overrides)[0];
  }
  return {
    apiVersion: `${info.group}/${info.version}`,
    kind: info.kind,
    metadata,
    spec: {
      runtimeRef: {
        name: runtimeRef.name,
        apiGroup: info.group,
        kind: runtimeRef.kind ?? 'ClusterTrainingRuntime'
      },
      trainer,
      ...overrides,
      ...(spec.runPolicy?.activeDeadlineSeconds
        ? { activeDeadlineSeconds: spec.runPolicy.activeDeadlineSeconds }
        : {})
    }
  };
}

const MAPPERS: Record<
  Framework,
  (spec: ITrainingJobSpec, ns: string, opts?: IMapOptions) => IJobObject
> = {
  tensorflow: toTFJob,
  pytorch: toPyTorchJob,
  mpi: toMPIJob,
  xgboost: toXGBoostJob,
  jax: toJAXJob,
  paddle: toPaddleJob,
  trainjob: toTrainJob
};

export function toKubeflowObject(
  spec: ITrainingJobSpec,
  namespace: string,
  opts: IMapOptions = {}
): IJobObject {
  return MAPPERS[spec.framework](spec, namespace, opts);
}
