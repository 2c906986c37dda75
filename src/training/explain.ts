/** Plain-words explanations of why a replica is stuck or failed, and short relative ages. */
import { IJob, IReplicaState } from '../../contract/training';

const EXPLANATIONS: [RegExp, string][] = [
  [
    /^Unschedulable$/,
    'No node can take this replica now: not enough CPU, memory or GPUs, or taints and node selectors exclude every node.'
  ],
  [
    /^(ImagePullBackOff|ErrImagePull|InvalidImageName)$/,
    'The image cannot be pulled: check its name and tag, and that the cluster may read the registry.'
  ],
  [/^CrashLoopBackOff$/, 'The container keeps crashing right after it starts; the logs show why.'],
  [
    /^OOMKilled$/,
    'The container used more memory than its limit and was killed: ask for more memory or use less.'
  ],
  [
    /^ExitCode (\d+)$/,
    'The training command ended with an error (non-zero exit code); the logs show why.'
  ],
  [
    /^(CreateContainerConfigError|CreateContainerError)$/,
    'The container could not be created: a missing Secret, ConfigMap or volume is the usual cause.'
  ],
  [/^(Evicted|Preempted)$/, 'The node reclaimed its resources and removed this replica.'],
  [/^DeadlineExceeded$/, 'The job ran longer than its active deadline and was stopped.'],
  [
    /^InstallFailed$/,
    "The job's packages could not be installed: the message is pip's; fix the requirement and run it again."
  ],
  [
    /^Stopped$/,
    'The replica was stopped because the job ended (another replica failed or the job succeeded).'
  ]
];

/** One line saying what a known reason means, or undefined for reasons we do not know. */
export function explainReason(reason: string | undefined): string | undefined {
  if (!reason) {
    return undefined;
  }
  return EXPLANATIONS.find(([pattern]) => pattern.test(reason))?.[1];
}

/** True when the replica shows a reason worth highlighting (stuck or failed). */
export function isTroubled(replica: IReplicaState): boolean {
  return (
    replica.phase === 'Failed' || (!!replica.reason && explainReason(replica.reason) !== undefined)
  );
}

/** The replica whose log says why the job failed: the first Failed one, else one that keeps crashing. */
export function failingReplica(job: IJob): IReplicaState | undefined {
  return (
    job.replicas.find(r => r.phase === 'Failed') ??
    job.replicas.find(r => r.reason === 'CrashLoopBackOff' || r.reason === 'OOMKilled')
  );
}

/** How many log lines a failure box shows: enough for a Python traceback's end. */
export const FAILURE_TAIL_LINES = 15;

/** `3 replicas: 2 Running, 1 Pending` */
export function replicaSummary(job: IJob): string {
  if (job.replicas.length === 0) {
    return 'no replicas yet';
  }
  const counts = new Map<string, number>();
  for (const r of job.replicas) {
    counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
  }
  const parts = [...counts].map(([phase, n]) => `${n} ${phase}`);
  const total = job.replicas.length;
  return `${total} replica${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** `5s`, `3m`, `2h`, `4d`: compact enough for a list row. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  const then = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(then)) {
    return '';
  }
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  const steps: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm']
  ];
  for (const [size, unit] of steps) {
    if (seconds >= size) {
      return `${Math.floor(seconds / size)}${unit}`;
    }
  }
  return `${seconds}s`;
}
