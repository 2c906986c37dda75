/** jest globalTeardown of the `operators` project. */
import { CLUSTER_ENV } from '../apiserver/globalSetup';
import { tearDownCluster } from '../apiserver/globalTeardown';

export default async function globalTeardown(): Promise<void> {
  await tearDownCluster(CLUSTER_ENV.operators);
}
