/** Which replica roles each framework has, in display order, with the count a new form starts with. */
import { Framework } from '../../contract/training';

export interface IRoleInfo {
  role: string;
  /** At most one replica (Chief, Master, Launcher, Evaluator). */
  single: boolean;
  /** Count when the form switches to this framework (0 = role left out). */
  initial: number;
}

const role = (name: string, initial: number, single = false): IRoleInfo => ({
  role: name,
  single,
  initial
});

export const ROLES: Record<Framework, IRoleInfo[]> = {
  tensorflow: [
    role('Chief', 1, true),
    role('PS', 0),
    role('Worker', 2),
    role('Evaluator', 0, true)
  ],
  pytorch: [role('Master', 1, true), role('Worker', 1)],
  mpi: [role('Launcher', 1, true), role('Worker', 2)],
  xgboost: [role('Master', 1, true), role('Worker', 1)],
  paddle: [role('Master', 1, true), role('Worker', 1)],
  jax: [role('Worker', 1)],
  trainjob: [role('Node', 1)]
};

export const FRAMEWORKS: { value: Framework; label: string }[] = [
  { value: 'pytorch', label: 'PyTorch' },
  { value: 'tensorflow', label: 'TensorFlow' },
  { value: 'mpi', label: 'MPI' },
  { value: 'xgboost', label: 'XGBoost' },
  { value: 'paddle', label: 'PaddlePaddle' },
  { value: 'jax', label: 'JAX' },
  { value: 'trainjob', label: 'TrainJob (Trainer v2)' }
];

export const PHASES = [
  'Created',
  'Running',
  'Restarting',
  'Succeeded',
  'Failed',
  'Suspended',
  'Unknown'
] as const;
