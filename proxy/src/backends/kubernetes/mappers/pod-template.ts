/** The pod template every replica of a v1 kind gets: one container named as the operator expects. */
import { ITrainingJobSpec } from '../../../../../contract/training';
import { DEFAULT_TRAINING_IMAGE } from '../../../../../contract/training-schema';
import { IKindInfo, MANAGED_BY, MANAGED_BY_LABEL } from './kind-info';
import { launchOf, pipInstallScript, SOURCE_MOUNT_PATH } from './launch-command';

export const DEFAULT_GPU_RESOURCE = 'nvidia.com/gpu';
export const SOURCE_VOLUME = 'workbench-source';

export type EnvVar = { name: string; value: string };
type Quantities = Record<string, string>;

export function envList(env: Record<string, string> | undefined): EnvVar[] {
  return Object.entries(env ?? {}).map(([name, value]) => ({ name, value }));
}

/** CPU and memory as requests (memory also as limit, so a job is OOM-killed where it was scheduled); GPUs as
 * both, because extended resources cannot be overcommitted and Kubernetes requires requests = limits. */
export function resourcesOf(
  spec: ITrainingJobSpec
): { requests?: Quantities; limits?: Quantities } | undefined {
  const r = spec.resources;
  if (!r) {
    return undefined;
  }
  const requests: Quantities = {};
  const limits: Quantities = {};
  if (r.cpu) {
    requests.cpu = r.cpu;
  }
  if (r.memory) {
    requests.memory = r.memory;
    limits.memory = r.memory;
  }
  if (r.gpus) {
    const name = r.gpuResource ?? DEFAULT_GPU_RESOURCE;
    requests[name] = String(r.gpus);
    limits[name] = String(r.gpus);
  }
  const out: { requests?: Quantities; limits?: Quantities } = {};
  if (Object.keys(requests).length > 0) {
    out.requests = requests;
  }
  if (Object.keys(limits).length > 0) {
    out.limits = limits;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function sourceConfigMapName(jobName: string): string {
  return `${jobName}-source`;
}

/**
 * MPI workers only host the ranks mpirun starts from the launcher: the user's program must not run there. With
 * no command the operator makes them `sleep 365d`; with packages they install them first, then sleep the same,
 * so the ranks find the packages (and the mounted source) in place.
 */
export function idleWorkerLaunch(spec: ITrainingJobSpec): { command?: string[] } {
  if (!spec.packages || spec.packages.length === 0) {
    return {};
  }
  return { command: ['sh', '-c', `${pipInstallScript(spec.packages)} && exec sleep 365d`] };
}

export function podTemplateOf(
  spec: ITrainingJobSpec,
  jobName: string,
  info: IKindInfo,
  opts: { idle?: boolean } = {}
): Record<string, unknown> {
  const volumes: Record<string, unknown>[] = (spec.volumes ?? []).map((v, i) => ({
    name: `pvc-${i}`,
    persistentVolumeClaim: {
      claimName: v.claimName,
      ...(v.readOnly ? { readOnly: true } : {})
    }
  }));
  const volumeMounts: Record<string, unknown>[] = (spec.volumes ?? []).map((v, i) => ({
    name: `pvc-${i}`,
    mountPath: v.mountPath,
    ...(v.readOnly ? { readOnly: true } : {})
  }));
  if (spec.source) {
    volumes.push({
      name: SOURCE_VOLUME,
      configMap: { name: sourceConfigMapName(jobName) }
    });
    volumeMounts.push({
      name: SOURCE_VOLUME,
      mountPath: SOURCE_MOUNT_PATH,
      readOnly: true
    });
  }
  const env = envList(spec.env);
  const resources = resourcesOf(spec);
  const container: Record<string, unknown> = {
    name: info.container,
    image: spec.image ?? DEFAULT_TRAINING_IMAGE,
    ...(opts.idle ? idleWorkerLaunch(spec) : launchOf(spec)),
    ...(env.length > 0 ? { env } : {}),
    ...(info.port ? { ports: [{ name: info.portName, containerPort: info.port }] } : {}),
    ...(resources ? { resources } : {}),
    ...(volumeMounts.length > 0 ? { volumeMounts } : {})
  };
  const podSpec: Record<string, unknown> = {
    containers: [container],
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0
      ? { nodeSelector: spec.nodeSelector }
      : {}),
    ...(spec.tolerations && spec.tolerations.length > 0 ? { tolerations: spec.tolerations } : {}),
    ...(spec.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }
      : {})
  };
  const labels = jobLabels(spec);
  return { metadata: { labels }, spec: podSpec };
}

export function jobLabels(spec: ITrainingJobSpec): Record<string, string> {
  return { ...(spec.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY };
}
