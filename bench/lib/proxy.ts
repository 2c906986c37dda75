/** The real proxy bundle as a child process (kubernetes backend), found through the runtime file it writes. */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(process.env.KFWB_BENCH_REPO ?? process.cwd());
export const PROXY_BUNDLE = join(REPO, 'kubeflow_workbench/proxy_dist/proxy.mjs');
export const TOKEN_HEADER = 'X-Kubeflow-Workbench-Token';

export interface IRunningProxy {
  url: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startProxy(kubeconfig: string): Promise<IRunningProxy> {
  if (!existsSync(PROXY_BUNDLE)) {
    throw new Error(`no proxy bundle at ${PROXY_BUNDLE}: run npm run build:proxy`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-bench-proxy-'));
  const token = randomBytes(16).toString('hex');
  const child = spawn(
    process.execPath,
    [PROXY_BUNDLE, '--port', '0', '--runtime-dir', dir, '--state-dir', join(dir, 'state'), '--backend', 'kubernetes'],
    { env: { ...process.env, KFWB_TOKEN: token, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  child.stderr!.on('data', chunk => (stderr += chunk));
  // A crashed benchmark must not leave the proxy running.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const runtimeFile = join(dir, `proxy-${child.pid}.json`);
    const deadline = Date.now() + 30_000;
    while (!existsSync(runtimeFile)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`proxy did not start: ${stderr.trim() || 'timed out'}`);
      }
      await new Promise(r => setTimeout(r, 50));
    }
    const { url } = JSON.parse(readFileSync(runtimeFile, 'utf8'));
    return { url, token, pid: child.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** SIGTERM (the proxy closes its watches and removes its runtime file), SIGKILL after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise(r => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
