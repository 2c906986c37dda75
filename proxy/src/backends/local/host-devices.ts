/**
 * What the local backend does with a spec's `image` and `gpus` (issue 11, local parity): the image is not
 * used (the job runs in this machine's Python, and the job says so), and GPUs are real — NVIDIA GPUs of this
 * machine shared out with CUDA_VISIBLE_DEVICES, a request beyond them refused.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { DEFAULT_GPU_RESOURCE } from '../kubernetes/mappers/pod-template';
import { ITrainingJobSpec } from '../../../../contract/training';
import { DEFAULT_TRAINING_IMAGE } from '../../../../contract/training-schema';
import { BackendError } from '../types';

/** NVIDIA GPUs of this machine: nvidia-smi's list, else the driver's /proc entries, else none. */
export function detectNvidiaGpus(): number {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000
    });
    return out.split('\n').filter(l => l.trim() !== '').length;
  } catch {
    try {
      return readdirSync('/proc/driver/nvidia/gpus').length;
    } catch {
      return 0;
    }
  }
}

/** The Python a replica runs with, as the job's messages name it. */
export function pythonVersion(python: string): string {
  try {
    const out = execFileSync(python, ['--version'], { encoding: 'utf8', timeout: 5000 }).trim();
    return `${python} (${out})`;
  } catch {
    return python;
  }
}

/** undefined when the spec names no image of its own (the schema's default stands for "any Python"). */
export function imageNotice(spec: ITrainingJobSpec, python: string): string | undefined {
  if (!spec.image || spec.image === DEFAULT_TRAINING_IMAGE) {
    return undefined;
  }
  return (
    `The local backend runs no container image: "${spec.image}" is not used; the replicas run ` +
    `${pythonVersion(python)} with this machine's packages.`
  );
}

/** Refuses a GPU request this machine cannot meet, at /resources/gpus, with the reason. */
export function checkGpus(spec: ITrainingJobSpec, processes: number, available: number): void {
  const perReplica = spec.resources?.gpus ?? 0;
  if (perReplica === 0) {
    return;
  }
  const resource = spec.resources?.gpuResource ?? DEFAULT_GPU_RESOURCE;
  const refuse = (message: string) => {
    throw new BackendError(
      'invalid_spec',
      `The local backend cannot give this job its GPUs: ${message}.`,
      [{ path: '/resources/gpus', message }]
    );
  };
  if (resource !== DEFAULT_GPU_RESOURCE) {
    refuse(`only NVIDIA GPUs (${DEFAULT_GPU_RESOURCE}) are shared out locally, not ${resource}`);
  }
  if (available === 0) {
    refuse(
      'this machine has no NVIDIA GPU (none listed by nvidia-smi or /proc/driver/nvidia); run the job on a cluster'
    );
  }
  const total = perReplica * processes;
  if (total > available) {
    refuse(
      `needs ${perReplica} × ${processes} replica process(es) = ${total} GPUs; this machine has ${available}`
    );
  }
}

/**
 * CUDA_VISIBLE_DEVICES per replica process, in launch order: each its own consecutive share. A job asking for
 * no GPUs sees none on a GPU machine, as a pod without a GPU request would.
 */
export function gpuShares(
  spec: ITrainingJobSpec,
  processes: number,
  available: number
): Array<Record<string, string>> {
  const perReplica = spec.resources?.gpus ?? 0;
  return Array.from({ length: processes }, (_, k): Record<string, string> => {
    if (available === 0) {
      return {};
    }
    const ids = Array.from({ length: perReplica }, (_, j) => String(k * perReplica + j));
    return { CUDA_VISIBLE_DEVICES: ids.join(',') };
  });
}
