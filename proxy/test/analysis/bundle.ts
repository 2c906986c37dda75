/**
 * The real proxy bundle (proxy/build.mjs: proxy.mjs + analysis-worker.mjs), built once per jest worker into a
 * temp dir, and the bundled proxy started as a child process the way the launcher starts it. Tests of the
 * analysis route use this worker script, so they run what ships in the wheel, not ts-jest's transpilation.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
let built: string | undefined;

/** The directory holding proxy.mjs and analysis-worker.mjs built from the current sources. */
export function bundleDir(): string {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), 'kfwb-bundle-'));
    execFileSync(process.execPath, [join(REPO, 'proxy/build.mjs'), '--outdir', dir], {
      stdio: 'inherit'
    });
    built = dir;
  }
  return built;
}

export const workerScript = () => join(bundleDir(), 'analysis-worker.mjs');

export interface IBundledProxy {
  url: string;
  headers: Record<string, string>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts proxy.mjs (local backend, throwaway state) on `rootDir`; resolves once it wrote its runtime file. */
export async function startBundledProxy(
  rootDir: string,
  env: Record<string, string> = {}
): Promise<IBundledProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-proxy-'));
  const token = 'bundle-test-token-0123456789';
  const child = spawn(
    process.execPath,
    [
      join(bundleDir(), 'proxy.mjs'),
      '--port',
      '0',
      '--runtime-dir',
      dir,
      '--state-dir',
      join(dir, 'state'),
      '--backend',
      'local',
      '--root-dir',
      rootDir
    ],
    { env: { ...process.env, ...env, KFWB_TOKEN: token }, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  child.stderr!.on('data', chunk => (stderr += chunk));
  const runtimeFile = join(dir, `proxy-${child.pid}.json`);
  while (!existsSync(runtimeFile)) {
    if (child.exitCode !== null) {
      throw new Error(`the bundled proxy did not start: ${stderr}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  const { url } = JSON.parse(readFileSync(runtimeFile, 'utf8')) as { url: string };
  const stop = () =>
    new Promise<void>(done => {
      if (child.exitCode !== null) {
        return done();
      }
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return { url, headers: { 'x-kubeflow-workbench-token': token }, child, stop };
}
