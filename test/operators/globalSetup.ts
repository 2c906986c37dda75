/**
 * jest globalSetup of the `operators` project: its own cluster with the upstream CRDs, the real Training
 * Operator (controllers + validating webhook) and a kwok node, so jobs get real pods, services and status.
 * Test files find it with clusterInfo('operators').
 */
import { CLUSTER_ENV, setUpCluster } from '../apiserver/globalSetup';

export default async function globalSetup(): Promise<void> {
  await setUpCluster({ trainingOperator: true }, CLUSTER_ENV.operators);
}
