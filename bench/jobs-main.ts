/**
 * Entry of the benchmarks (bundled and started by run.mjs): one test cluster for the whole run, the namespaces
 * the selected benchmarks need, then each benchmark's table. Everything started here is stopped in finally.
 *   node <bundle> jobs|latency|scale|sidebar|all
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchStatusLatency } from './jobs-latency';
import { benchListJobs } from './jobs-list';
import { benchScale, IScaleCase, seedScale } from './jobs-scale';
import { log, seedNamespace, startBenchCluster } from './lib/cluster';
import { IRunningProxy, REPO, startProxy } from './lib/proxy';

const LIST_NS = 'bench-list-1k';
const LIST_JOBS = 1000;
const OTHER_KINDS_EACH = 3; // "a few of the other kinds", so every kind's list has something to map
// KFWB_BENCH_SCALE=1000,10000 (the default): PyTorchJobs with 2 pods each, one namespace per size.
const SCALE_CASES: IScaleCase[] = (process.env.KFWB_BENCH_SCALE ?? '1000,10000')
  .split(',')
  .map(Number)
  .map(jobs => ({ namespace: `bench-scale-${jobs}`, jobs }));
const SIDEBAR_CASES = [
  { namespace: 'bench-sidebar-100', jobs: 100 },
  { namespace: 'bench-sidebar-10k', jobs: 10_000 }
];

async function main(which: string): Promise<void> {
  const wants = (name: string) => which === 'all' || which === name;
  if (!['jobs', 'latency', 'scale', 'sidebar', 'all'].includes(which)) {
    throw new Error(`usage: run.mjs jobs|latency|scale|sidebar|all (got "${which}")`);
  }
  const { cluster, admin } = await startBenchCluster();
  let proxy: IRunningProxy | undefined;
  const tables: string[] = [];
  try {
    if (wants('jobs') || wants('latency')) {
      await seedNamespace(admin, LIST_NS, {
        pytorch: LIST_JOBS,
        othersEach: OTHER_KINDS_EACH,
        inFlight: 20,
        running: true
      });
      proxy = await startProxy(cluster.adminKubeconfig);
      log(`proxy pid ${proxy.pid} at ${proxy.url}`);
    }
    if (wants('jobs')) {
      log('benchmark 1: list jobs');
      tables.push((await benchListJobs(admin, proxy!, LIST_NS)).text);
    }
    if (wants('latency')) {
      log('benchmark 2: status change latency');
      tables.push(await benchStatusLatency(admin, proxy!, LIST_NS, LIST_JOBS));
    }
    // The sidebar benchmark runs its own proxies (inside jupyter lab): stop ours so it does not compete for CPU.
    await proxy?.stop();
    proxy = undefined;
    if (wants('scale')) {
      for (const c of SCALE_CASES) {
        await seedScale(admin, cluster.adminKubeconfig, c);
      }
      log('benchmark 4: the job stream at scale');
      tables.push(
        await benchScale(cluster.adminKubeconfig, SCALE_CASES, () =>
          startProxy(cluster.adminKubeconfig)
        )
      );
    }
    if (wants('sidebar')) {
      for (const c of SIDEBAR_CASES) {
        await seedNamespace(admin, c.namespace, {
          pytorch: c.jobs,
          inFlight: 50
        });
      }
      log('benchmark 3: sidebar render (jupyter lab + chromium)');
      // Loaded at run time from the source tree: it is plain JS with its own dependency (playwright-core).
      const sidebar = pathToFileURL(join(REPO, 'bench', 'sidebar-render.mjs')).href;
      const { measureSidebar } = await import(/* webpackIgnore: true */ sidebar);
      try {
        tables.push(
          await measureSidebar({
            kubeconfig: cluster.adminKubeconfig,
            cases: SIDEBAR_CASES
          })
        );
      } catch (e) {
        tables.push(
          `\nSidebar job list: NOT MEASURED: ${e instanceof Error ? e.message : String(e)}`
        );
      }
    }
  } finally {
    await proxy?.stop();
    await cluster.stop();
  }
  const cpu = cpus();
  console.log(
    `\nKubeflow Workbench benchmarks, ${new Date().toISOString()}; ${cpu.length} cores (${cpu[0]?.model.trim()}), ` +
      `Node ${process.version}, kube-apiserver ${cluster.version} (test harness, watch cache on); ` +
      `load average at the end ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`
  );
  console.log(tables.join('\n'));
}

main(process.argv[2] ?? 'all').then(
  () => process.exit(0),
  e => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  }
);
