/**
 * How both backends name a replica (the `--replica` of `%kf logs`, the rows of the job view): `<role>-<index>`,
 * except the MPI launcher, which the Training Operator creates as the single pod `<job>-launcher`, with a
 * replica-type label and no replica-index label.
 */
export const MPI_LAUNCHER_REPLICA = 'launcher';

export function replicaName(role: string, index: number | string | undefined): string {
  const type = role.toLowerCase();
  return type === MPI_LAUNCHER_REPLICA || index === undefined ? type : `${type}-${index}`;
}
