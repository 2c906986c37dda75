// Galata in kubernetes mode: the same jupyter lab, but its proxy talks to the real `operators` test cluster
// (kube-apiserver + upstream CRDs, Training Operator v1.9.4 with its webhook, a kwok node, the binder) as alice,
// who may use team-a only. test/run-ts.js runs k8s/cluster.ts, which starts the cluster, then jupyter lab; stopping it stops both.
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const base = require('./playwright.config');

const port = process.env.KFWB_GALATA_PORT || '8888';
// Where the cluster's connection info (admin and alice kubeconfigs) is written; the workers read it too.
process.env.KFWB_K8S_CLUSTER_INFO =
  process.env.KFWB_K8S_CLUSTER_INFO || join(tmpdir(), `kfwb-k8s-galata-${port}.json`);

module.exports = {
  ...base,
  testDir: './tests-k8s',
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.KFWB_GALATA_REPORT || 'test-results/report-k8s.json' }]
  ],
  webServer: {
    ...base.webServer,
    command:
      'node ../test/run-ts.js k8s/cluster.ts -- jupyter lab --config jupyter_server_test_config.py',
    // One cluster start (~30 s on a loaded 2-core VM) before jupyter lab.
    timeout: 300000,
    reuseExistingServer: false,
    // SIGTERM, not Playwright's default SIGKILL: the harness's exit hook must run to stop the cluster processes.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15000 }
  }
};
