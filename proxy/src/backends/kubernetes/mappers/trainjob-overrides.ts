/**
 * Volumes, node selector and tolerations of a TrainJob. A TrainJob has no pod template of its own (the runtime
 * owns it); each Trainer version offers one field to patch it, and the installed CRD says which:
 * - v2.1: `spec.podTemplateOverrides[{targetJobs: [{name}], spec: {volumes, nodeSelector, tolerations, containers}}]`
 * - v2.2+: `spec.runtimePatches[{manager, trainingRuntimeSpec: {template: {spec: {replicatedJobs: [{name,
 *   template: {spec: {template: {spec: {…the same…}}}}}]}}}}]`
 * Both target the runtime's trainer job and container, named `node` in the upstream torch runtimes.
 */
import { ITrainingJobSpec } from '../../../../../contract/training';

export type TrainJobOverrideField = 'runtimePatches' | 'podTemplateOverrides';
export const TRAINER_NODE = 'node';
export const PATCH_MANAGER = 'kubeflow-workbench.io/proxy';
/** On the TrainJob: which of the two fields carried the overrides. */
export const OVERRIDE_ANNOTATION = 'kubeflow-workbench.io/trainer-override-field';

export function needsPodOverrides(spec: ITrainingJobSpec): boolean {
  return (
    (spec.volumes?.length ?? 0) > 0 ||
    Object.keys(spec.nodeSelector ?? {}).length > 0 ||
    (spec.tolerations?.length ?? 0) > 0
  );
}

function podSpecPatch(spec: ITrainingJobSpec): Record<string, unknown> {
  const volumes = (spec.volumes ?? []).map((v, i) => ({
    name: `pvc-${i}`,
    persistentVolumeClaim: { claimName: v.claimName, ...(v.readOnly ? { readOnly: true } : {}) }
  }));
  const volumeMounts = (spec.volumes ?? []).map((v, i) => ({
    name: `pvc-${i}`,
    mountPath: v.mountPath,
    ...(v.readOnly ? { readOnly: true } : {})
  }));
  return {
    ...(volumes.length > 0 ? { volumes, containers: [{ name: TRAINER_NODE, volumeMounts }] } : {}),
    ...(Object.keys(spec.nodeSelector ?? {}).length > 0 ? { nodeSelector: spec.nodeSelector } : {}),
    ...((spec.tolerations?.length ?? 0) > 0 ? { tolerations: spec.tolerations } : {})
  };
}

/** The TrainJob spec fields carrying the overrides in the given Trainer version's field ({} when none needed). */
export function trainJobOverrides(
  spec: ITrainingJobSpec,
  field: TrainJobOverrideField | undefined
): Record<string, unknown> {
  if (!needsPodOverrides(spec) || !field) {
    return {};
  }
  const podSpec = podSpecPatch(spec);
  if (field === 'podTemplateOverrides') {
    return { podTemplateOverrides: [{ targetJobs: [{ name: TRAINER_NODE }], spec: podSpec }] };
  }
  return {
    runtimePatches: [
      {
        manager: PATCH_MANAGER,
        trainingRuntimeSpec: {
          template: {
            spec: {
              replicatedJobs: [
                { name: TRAINER_NODE, template: { spec: { template: { spec: podSpec } } } }
              ]
            }
          }
        }
      }
    ]
  };
}

/**
 * Which override field the installed TrainJob CRD has, from its OpenAPI v3 schema (readable by any
 * authenticated user, unlike the CRD object itself). undefined when it has neither.
 */
export function overrideFieldOfSchema(openapi: unknown): TrainJobOverrideField | undefined {
  const schemas =
    (openapi as { components?: { schemas?: Record<string, any> } })?.components?.schemas ?? {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  const trainJob = Object.values(schemas).find(s =>
    (s?.['x-kubernetes-group-version-kind'] ?? []).some(
      (g: { kind?: string }) => g.kind === 'TrainJob'
    )
  );
  const props = trainJob?.properties?.spec?.properties ?? {};
  if (props.runtimePatches) {
    return 'runtimePatches';
  }
  if (props.podTemplateOverrides) {
    return 'podTemplateOverrides';
  }
  return undefined;
}
