/**
 * Everything a local job needs before its processes start: checks that it can run here, its directories and
 * source file, free ports, and the first record with one launch per replica.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ITrainingJobSpec } from '../../../../contract/training';
import { BackendError } from '../types';
import { IJobRecord, withCondition, withEvent } from './job-record';
import { checkGpus, gpuShares, imageNotice } from './host-devices';
import { planReplicas, processCount, replicaSlots } from './replica-plan';
import { IReplicaLaunch } from './replica-process';
import { activated, IPackageEnv } from './package-env';
import { RecordStore } from './record-store';

/** Refuses what this machine cannot do, with the field to fix. */
export function checkRunnable(spec: ITrainingJobSpec, maxProcesses: number, gpus = 0): void {
  const count = processCount(spec);
  if (count > maxProcesses) {
    throw new BackendError(
      'invalid_spec',
      `The job needs ${count} processes; this machine runs at most ${maxProcesses}.`,
      [
        {
          path: '/replicas',
          message: `needs ${count} processes; the local backend runs at most ${maxProcesses} per job`
        }
      ]
    );
  }
  checkGpus(spec, replicaSlots(spec).length, gpus);
  if (!spec.source && !(spec.command && spec.command.length > 0)) {
    throw new BackendError(
      'invalid_spec',
      'The local backend needs a command or a source file to run.',
      [
        {
          path: '/command',
          message: 'is required by the local backend (it runs no image), unless source is given'
        }
      ]
    );
  }
}

/** A create under an existing name is a retry only with the same spec. */
export function checkSameSpec(
  existing: ITrainingJobSpec,
  wanted: ITrainingJobSpec & { name: string; namespace: string }
): void {
  if (!isDeepStrictEqual(existing, wanted)) {
    throw new BackendError(
      'conflict',
      `A job named "${wanted.name}" already exists in namespace "${wanted.namespace}" and has a different spec. ` +
        'Choose another name or delete that job first.'
    );
  }
}

/** Free loopback ports, all held open together so one job never gets the same port twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
        })
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map(server => new Promise(resolve => server.close(resolve))));
  }
}

/** The proxy's secret and settings are not the job's business. */
export function baseEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('KFWB_')
    )
  );
}

export interface IPreparedJob {
  record: IJobRecord;
  launches: Map<string, IReplicaLaunch>;
}

export interface IPrepareOptions {
  /** The user's interpreter: runs the supervisors, and source files unless a package environment is given. */
  python: string;
  graceSeconds: number;
  /** The job's `packages` environment: first on PATH, and the interpreter of its source file. */
  packageEnv?: IPackageEnv;
  /** NVIDIA GPUs of this machine, shared out to the replicas that ask (host-devices.ts). */
  gpus?: number;
}

export async function prepareJob(
  store: RecordStore,
  spec: ITrainingJobSpec & { name: string; namespace: string },
  { python, graceSeconds, packageEnv, gpus = 0 }: IPrepareOptions
): Promise<IPreparedJob> {
  const { name, namespace } = spec;
  const dir = store.jobDir(namespace, name);
  mkdirSync(dir, { recursive: true });
  let program = [...(spec.command ?? []), ...(spec.args ?? [])];
  if (spec.source) {
    const file = join(dir, 'src', spec.source.filename);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(file, spec.source.content);
    const interpreter = packageEnv ? join(packageEnv.bin, 'python') : python;
    const launcher = spec.command && spec.command.length > 0 ? spec.command : [interpreter];
    program = [...launcher, file, ...(spec.args ?? [])];
  }
  const hostfile = join(dir, 'hostfile');
  if (spec.framework === 'mpi') {
    writeFileSync(hostfile, `127.0.0.1 slots=${spec.replicas.Worker?.count ?? 1}\n`);
  }
  const plans = planReplicas(spec, name, await freePorts(replicaSlots(spec).length), hostfile);
  const launches = new Map<string, IReplicaLaunch>();
  const shares = gpuShares(spec, plans.length, gpus);
  for (const [k, plan] of plans.entries()) {
    const cwd = store.replicaDir(namespace, name, plan.name);
    mkdirSync(cwd, { recursive: true });
    const logPath = store.logPath(namespace, name, plan.name);
    writeFileSync(logPath, '');
    launches.set(plan.name, {
      python,
      command: program,
      cwd,
      env: packageEnv
        ? activated(packageEnv, { ...baseEnvironment(), ...plan.env, ...shares[k] })
        : { ...baseEnvironment(), ...plan.env, ...shares[k] },
      logPath,
      exitPath: store.exitPath(namespace, name, plan.name),
      graceSeconds
    });
  }
  let record: IJobRecord = {
    version: 1,
    name,
    namespace,
    spec,
    created: new Date().toISOString(),
    conditions: [],
    replicas: plans.map(p => ({
      name: p.name,
      role: p.role,
      index: p.index,
      phase: 'Pending',
      port: p.port
    })),
    events: [],
    generation: 0
  };
  const notice = imageNotice(spec, python);
  record = withCondition(
    record,
    'Created',
    `${name} is created on this machine${notice ? `. ${notice}` : ''}`
  );
  record = withEvent(
    record,
    'Normal',
    'Created',
    `Created ${plans.length} local replica process(es)`,
    name
  );
  if (notice) {
    record = withEvent(record, 'Warning', 'ImageNotUsed', notice, name);
  }
  return { record, launches };
}
