// Galata's base config, run in Debian's Chromium (never a downloaded browser), against a real jupyter lab.
const base = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.KFWB_GALATA_PORT || '8888';
process.env.TARGET_URL = process.env.TARGET_URL || `http://localhost:${port}`;

module.exports = {
  ...base,
  // tests-k8s/ needs the cluster of playwright.k8s.config.js
  testDir: './tests',
  workers: 1,
  retries: 0,
  timeout: 120000,
  expect: { timeout: 30000 },
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.KFWB_GALATA_REPORT || 'test-results/report.json' }]
  ],
  use: {
    ...base.use,
    baseURL: process.env.TARGET_URL,
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    command: 'npm run start',
    url: `http://localhost:${port}/lab`,
    timeout: 180000,
    reuseExistingServer: !process.env.CI,
    // The server's request log drowns the test report; KFWB_GALATA_VERBOSE=1 shows it.
    stdout: process.env.KFWB_GALATA_VERBOSE ? 'pipe' : 'ignore',
    stderr: process.env.KFWB_GALATA_VERBOSE ? 'pipe' : 'ignore'
  }
};
