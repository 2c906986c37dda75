/**
 * Container resources as kfp 2.17 writes them: the `resource*` strings (current) and the deprecated doubles
 * (`cpuLimit` in cores, `memoryLimit` in GB = 10^9 bytes) side by side; requests equal limits.
 */
import { INodeResources } from '../contract/pipeline';

const MEMORY_UNITS: Record<string, number> = {
  E: 1e18,
  Ei: 2 ** 60,
  P: 1e15,
  Pi: 2 ** 50,
  T: 1e12,
  Ti: 2 ** 40,
  G: 1e9,
  Gi: 2 ** 30,
  M: 1e6,
  Mi: 2 ** 20,
  K: 1e3,
  Ki: 2 ** 10,
  '': 1
};

/** kfp's `_cpu_to_float`: `500m` → 0.5. */
export function cpuToFloat(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
}

/** kfp's `_memory_to_float`: GB (10^9 bytes), e.g. `256Mi` → 0.268435456. */
export function memoryToFloat(memory: string): number {
  const m = /^([0-9]+)([A-Za-z]*)$/.exec(memory);
  if (!m || !(m[2] in MEMORY_UNITS)) {
    throw new Error(`not a memory quantity: ${memory}`);
  }
  // Same operation order as kfp (value * unit / 1e9) so the doubles match bit for bit.
  return m[2] === 'G'
    ? Number(m[1])
    : m[2]
      ? (Number(m[1]) * MEMORY_UNITS[m[2]]) / 1e9
      : Number(m[1]) / 1e9;
}

export function containerResources(
  r: INodeResources | undefined
): Record<string, unknown> | undefined {
  if (!r) {
    return undefined;
  }
  const out: Record<string, unknown> = {};
  if (r.gpus) {
    const type = r.gpuResource ?? 'nvidia.com/gpu';
    // int64 counts are strings in protobuf JSON, as kfp writes them.
    out.accelerator = {
      count: String(r.gpus),
      resourceCount: String(r.gpus),
      resourceType: type,
      type
    };
  }
  if (r.cpu) {
    out.cpuLimit = cpuToFloat(r.cpu);
    out.cpuRequest = cpuToFloat(r.cpu);
    out.resourceCpuLimit = r.cpu;
    out.resourceCpuRequest = r.cpu;
  }
  if (r.memory) {
    out.memoryLimit = memoryToFloat(r.memory);
    out.memoryRequest = memoryToFloat(r.memory);
    out.resourceMemoryLimit = r.memory;
    out.resourceMemoryRequest = r.memory;
  }
  return Object.keys(out).length ? out : undefined;
}
