/** Spec ↔ cluster objects, pure: no I/O here, so every field is checked by a unit test. */
export {
  frameworkOfKind,
  type IKindInfo,
  KIND_INFO,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SPEC_ANNOTATION
} from './kind-info';
export { launchOf, shellQuote, SOURCE_MOUNT_PATH } from './launch-command';
export { DEFAULT_GPU_RESOURCE, SOURCE_VOLUME, sourceConfigMapName } from './pod-template';
export {
  type IJobObject,
  toJAXJob,
  toKubeflowObject,
  toMPIJob,
  toPaddleJob,
  toPyTorchJob,
  toTFJob,
  toTrainJob,
  toXGBoostJob,
  TRAINJOB_SOURCE_DIR,
  TRAINJOB_SOURCE_ENV
} from './to-job';
export {
  type IConfigMap,
  type IOwnerReference,
  toSourceConfigMap,
  withOwner
} from './source-config-map';
export type { IJobLikeObject } from './job-from-object';
export { jobFromObject } from './job-from-object';
export type { IPodLike } from './replica-from-pod';
export { replicaFromPod } from './replica-from-pod';
