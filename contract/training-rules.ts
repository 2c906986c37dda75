/**
 * Rules of the cluster that JSON Schema cannot say (uniqueness, sizes in bytes, combinations), checked after
 * the schema by the same validator the proxy and the form use. Each one is something the real apiserver, the
 * Training Operator or the Trainer webhook refused in the integration suite (issue 11): catching it here gives
 * a 400 naming the spec's own field instead of a cluster error pointing into the generated object.
 */
import { IFieldError } from './errors';
import { ITrainingJobSpec } from './training';

/** Where the shipped source is mounted, read-only, in every replica of a v1 kind. */
export const SOURCE_MOUNT_PATH = '/opt/kubeflow-workbench/src';
/** The env var carrying a TrainJob's source into its container (a TrainJob cannot mount our ConfigMap). */
export const TRAINJOB_SOURCE_ENV = 'KFWB_SOURCE';
/** The annotation holding the spec on the job object. */
export const SPEC_ANNOTATION = 'kubeflow-workbench.io/spec';
/** kube-apiserver's limit on all annotations of an object together: 256 KiB, counted in bytes. */
export const ANNOTATIONS_LIMIT_BYTES = 256 * 1024;
/** Room for the other annotations the job may get (ours are tiny; operators and tools add a few). */
const ANNOTATIONS_HEADROOM_BYTES = 4 * 1024;
/** The torch runtime of Trainer v2.3 sets these itself, and its webhook refuses them in trainer.env. */
export const TORCH_RUNTIME_ENV = [
  'PET_NNODES',
  'PET_NPROC_PER_NODE',
  'PET_NODE_RANK',
  'PET_MASTER_ADDR',
  'PET_MASTER_PORT'
];

const QUALIFIED_NAME =
  /^(?:(?=[^/]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

function volumeRules(spec: ITrainingJobSpec): IFieldError[] {
  const errors: IFieldError[] = [];
  const seen = new Map<string, number>();
  (spec.volumes ?? []).forEach((v, i) => {
    const path = v.mountPath.replace(/\/+$/, '') || '/';
    const first = seen.get(path);
    if (first !== undefined) {
      errors.push({
        path: `/volumes/${i}/mountPath`,
        message: `is already the mount path of volume ${first + 1}: Kubernetes refuses two mounts at one path`
      });
    } else {
      seen.set(path, i);
    }
    if (spec.source && spec.framework !== 'trainjob' && path === SOURCE_MOUNT_PATH) {
      errors.push({
        path: `/volumes/${i}/mountPath`,
        message: `is where the job's source is mounted (${SOURCE_MOUNT_PATH}): choose another path`
      });
    }
  });
  return errors;
}

function trainJobEnvRules(spec: ITrainingJobSpec): IFieldError[] {
  if (spec.framework !== 'trainjob') {
    return [];
  }
  return Object.keys(spec.env ?? {}).flatMap(name => {
    if (TORCH_RUNTIME_ENV.includes(name)) {
      return [
        {
          path: `/env/${name}`,
          message: `is set by the TrainJob's torch runtime (from numNodes and the runtime's numProcPerNode); the Trainer webhook refuses it in trainer.env`
        }
      ];
    }
    if (spec.source && name === TRAINJOB_SOURCE_ENV) {
      return [
        {
          path: `/env/${name}`,
          message: `is the variable that carries this job's source into the TrainJob container: choose another name`
        }
      ];
    }
    return [];
  });
}

/** The Pod API's toleration rules (k8s.io/kubernetes pkg/apis/core/validation ValidateTolerations). */
function tolerationRules(spec: ITrainingJobSpec): IFieldError[] {
  const errors: IFieldError[] = [];
  (spec.tolerations ?? []).forEach((t, i) => {
    const operator = t.operator ?? 'Equal';
    if (t.key && !QUALIFIED_NAME.test(t.key)) {
      errors.push({
        path: `/tolerations/${i}/key`,
        message: 'must be a label key such as example.com/gpu-type'
      });
    }
    if (!t.key && operator !== 'Exists') {
      errors.push({
        path: `/tolerations/${i}/operator`,
        message: 'must be Exists when the key is empty (a toleration of every taint)'
      });
    }
    if (operator === 'Exists' && t.value) {
      errors.push({
        path: `/tolerations/${i}/value`,
        message: 'must be empty when the operator is Exists'
      });
    }
    if (
      operator === 'Equal' &&
      t.value &&
      !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(t.value)
    ) {
      errors.push({ path: `/tolerations/${i}/value`, message: 'must be a label value' });
    }
  });
  return errors;
}

/**
 * The spec travels in an annotation, and the apiserver caps annotations at 256 KiB of bytes; the schema's
 * character limits cannot see that 100,000 CJK characters are 300,000 bytes. Reported at the largest field.
 */
function annotationRule(spec: ITrainingJobSpec): IFieldError[] {
  const bytes = utf8Bytes(SPEC_ANNOTATION) + utf8Bytes(JSON.stringify(spec)) + 64; // + the namespace we add
  const limit = ANNOTATIONS_LIMIT_BYTES - ANNOTATIONS_HEADROOM_BYTES;
  if (bytes <= limit) {
    return [];
  }
  const candidates: Array<[string, number]> = [
    ...(spec.source
      ? ([['/source/content', utf8Bytes(spec.source.content)]] as Array<[string, number]>)
      : []),
    ...Object.entries(spec.env ?? {}).map(
      ([k, v]) => [`/env/${k}`, utf8Bytes(v)] as [string, number]
    )
  ];
  const [path] = candidates.sort((a, b) => b[1] - a[1])[0] ?? ['/'];
  const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
  return [
    {
      path,
      message: `makes the job too large: the spec is ${kib(bytes)} in UTF-8 and Kubernetes keeps at most ${kib(limit)} of it with the job (annotations are limited to 256 KiB)`
    }
  ];
}

export function clusterRules(spec: ITrainingJobSpec): IFieldError[] {
  return [
    ...volumeRules(spec),
    ...trainJobEnvRules(spec),
    ...tolerationRules(spec),
    ...annotationRule(spec)
  ];
}
