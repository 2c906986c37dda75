/**
 * jest globalSetup of the `compiler` project: creates the kfp venv (test/kfp/venv.sh) before any test runs, so a
 * first install on a fresh machine is not charged to one test's timeout. Cached per machine afterwards.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  const python = execFileSync('bash', [join(__dirname, 'venv.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  }).trim();
  // Test workers read it instead of running the script again.
  process.env.KFWB_KFP_PYTHON = python;
}
