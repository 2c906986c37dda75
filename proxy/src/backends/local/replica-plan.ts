/**
 * Which processes a spec becomes on this machine and the environment each gets: the variables the operators
 * inject (kubeflow-api.md §1.5), with loopback addresses and free ports, so a script that rendezvouses locally
 * rendezvouses unchanged on a cluster.
 *
 * | framework  | replicas run         | environment (besides the spec's env and PYTHONUNBUFFERED=1)                        |
 * | ---------- | -------------------- | ---------------------------------------------------------------------------------- |
 * | pytorch    | Master, Worker       | MASTER_ADDR=127.0.0.1, MASTER_PORT (Master's port, else worker-0's), WORLD_SIZE,  |
 * | trainjob   | Node (torch runtime) | RANK (Master 0, workers index+1; index when no Master), LOCAL_RANK=0, and the same |
 * |            |                      | as PET_MASTER_ADDR, PET_MASTER_PORT, PET_NNODES, PET_NODE_RANK                     |
 * | tensorflow | Chief, PS, Worker,   | TF_CONFIG {cluster: {chief,ps,worker: ["127.0.0.1:<port>"…]}, task: {type, index}, |
 * |            | Evaluator            | environment: "cloud"}, only when distributed; the evaluator is not in the cluster  |
 * | xgboost    | Master, Worker       | MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK (as PyTorch), WORKER_PORT (own port),   |
 * |            |                      | WORKER_ADDRS (127.0.0.1 per worker)                                                |
 * | jax        | Worker               | COORDINATOR_ADDRESS=127.0.0.1, COORDINATOR_PORT (worker-0's), NUM_PROCESSES,       |
 * |            |                      | PROCESS_ID                                                                         |
 * | paddle     | Master, Worker       | PADDLE_MASTER=127.0.0.1:<Master's or worker-0's port>, PADDLE_NNODES,              |
 * |            |                      | PADDLE_TRAINER_ID (rank as PyTorch), PADDLE_JOB_ID=<job name>                      |
 * | mpi        | Launcher only        | OMPI_MCA_orte_default_hostfile → a hostfile "127.0.0.1 slots=<workers>": mpirun   |
 * |            |                      | starts the ranks itself, as on a cluster where workers only host them              |
 */
import { replicaName } from '../../../../contract/replica-name';
import { ITrainingJobSpec } from '../../../../contract/training';
import { KIND_INFO } from '../kubernetes/mappers';

export interface IReplicaPlan {
  /** `worker-0`: lowercased role and index, as the operators name pods. */
  name: string;
  role: string;
  index: number;
  port: number;
  env: Record<string, string>;
}

const LOOPBACK = '127.0.0.1';

/** The replicas that get a process, in role order (the order of KIND_INFO roles). */
export function replicaSlots(spec: ITrainingJobSpec): { role: string; index: number }[] {
  const roles = KIND_INFO[spec.framework].roles.filter(
    role => !(spec.framework === 'mpi' && role === 'Worker')
  );
  return roles.flatMap(role =>
    Array.from({ length: spec.replicas[role]?.count ?? 0 }, (_, index) => ({
      role,
      index
    }))
  );
}

/** How many processes the spec needs; MPI workers are ranks started by mpirun, counted as such. */
export function processCount(spec: ITrainingJobSpec): number {
  return Object.values(spec.replicas).reduce((sum, replica) => sum + replica.count, 0);
}

/** Rank as the PyTorch operator numbers it: Master 0, workers after it (or from 0 without a Master). */
function torchRank(spec: ITrainingJobSpec, role: string, index: number): number {
  const hasMaster = (spec.replicas.Master?.count ?? 0) > 0;
  return role === 'Master' || !hasMaster ? index : index + 1;
}

function tfConfig(
  slots: { role: string; index: number; port: number }[],
  role: string,
  index: number
): string {
  const cluster: Record<string, string[]> = {};
  for (const slot of slots) {
    if (slot.role !== 'Evaluator') {
      const key = slot.role.toLowerCase();
      cluster[key] = [...(cluster[key] ?? []), `${LOOPBACK}:${slot.port}`];
    }
  }
  return JSON.stringify({
    cluster,
    task: { type: role.toLowerCase(), index },
    environment: 'cloud'
  });
}

/** `ports[i]` is the free port of the i-th slot of `replicaSlots(spec)`. */
export function planReplicas(
  spec: ITrainingJobSpec,
  jobName: string,
  ports: number[],
  hostfile = ''
): IReplicaPlan[] {
  const slots = replicaSlots(spec).map((slot, i) => ({
    ...slot,
    port: ports[i]
  }));
  const total = slots.length;
  const first = slots.find(s => s.role === 'Master') ?? slots[0];
  const workers = slots.filter(s => s.role === 'Worker');
  return slots.map(({ role, index, port }) => {
    const rank = String(torchRank(spec, role, index));
    let injected: Record<string, string> = {};
    switch (spec.framework) {
      case 'pytorch':
      case 'trainjob':
        injected = {
          MASTER_ADDR: LOOPBACK,
          MASTER_PORT: String(first.port),
          WORLD_SIZE: String(total),
          RANK: rank,
          LOCAL_RANK: '0',
          PET_MASTER_ADDR: LOOPBACK,
          PET_MASTER_PORT: String(first.port),
          PET_NNODES: String(total),
          PET_NODE_RANK: rank
        };
        break;
      case 'tensorflow':
        injected = total > 1 ? { TF_CONFIG: tfConfig(slots, role, index) } : {};
        break;
      case 'xgboost':
        injected = {
          MASTER_ADDR: LOOPBACK,
          MASTER_PORT: String(first.port),
          WORLD_SIZE: String(total),
          RANK: rank,
          WORKER_PORT: String(port),
          WORKER_ADDRS: workers.map(() => LOOPBACK).join(',')
        };
        break;
      case 'jax':
        injected = {
          COORDINATOR_ADDRESS: LOOPBACK,
          COORDINATOR_PORT: String(first.port),
          NUM_PROCESSES: String(total),
          PROCESS_ID: String(index)
        };
        break;
      case 'paddle':
        injected = {
          PADDLE_MASTER: `${LOOPBACK}:${first.port}`,
          PADDLE_NNODES: String(total),
          PADDLE_TRAINER_ID: rank,
          PADDLE_JOB_ID: jobName
        };
        break;
      case 'mpi':
        injected = { OMPI_MCA_orte_default_hostfile: hostfile };
        break;
    }
    return {
      name: replicaName(role, index),
      role,
      index,
      port,
      env: { ...(spec.env ?? {}), PYTHONUNBUFFERED: '1', ...injected }
    };
  });
}
