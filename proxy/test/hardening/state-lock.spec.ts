/**
 * One proxy per local state dir: a second proxy's local backend refuses to start while the first one lives,
 * with a plain message naming it; a lock left by a proxy that is gone is taken over. (The two-real-proxies
 * case runs in kubeflow_workbench/tests/test_server_extension.py.)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBackend } from '../../src/backends/local';
import { StateDirLockedError } from '../../src/backends/local/state-lock';

const dirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })));

/** Another live process to stand for another proxy (only its pid matters to the lock). */
function otherProcess() {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  return child;
}

describe('the local state dir lock', () => {
  it('is taken by the local backend and released when it closes', async () => {
    const dir = stateDir();
    const backend = await createLocalBackend({ stateDir: dir });
    const lock = join(dir, 'proxy.lock');
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    await backend.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses a second proxy on the same dir with a plain message, and creates nothing', async () => {
    const dir = stateDir();
    const other = otherProcess();
    try {
      writeFileSync(join(dir, 'proxy.lock'), JSON.stringify({ pid: other.pid }));
      const failure = await createLocalBackend({ stateDir: dir }).then(
        () => undefined,
        (e: unknown) => e
      );
      expect(failure).toBeInstanceOf(StateDirLockedError);
      expect((failure as Error).message).toBe(
        `Another Kubeflow Workbench proxy (pid ${other.pid}) already runs the local backend on ${dir}: ` +
          'use that proxy, stop it, or set another KFWB_STATE_DIR.'
      );
      expect(existsSync(join(dir, 'jobs'))).toBe(false);
      // The holder's lock is left alone.
      expect(JSON.parse(readFileSync(join(dir, 'proxy.lock'), 'utf8')).pid).toBe(other.pid);
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a proxy that is gone, and one whose pid was reused', async () => {
    const dir = stateDir();
    const gone = otherProcess();
    const pid = gone.pid as number;
    gone.kill();
    await new Promise(resolve => gone.once('exit', resolve));
    writeFileSync(join(dir, 'proxy.lock'), JSON.stringify({ pid }));
    const backend = await createLocalBackend({ stateDir: dir });
    await backend.close();
    // A live pid with another start time is another process than the one that took the lock.
    const reused = otherProcess();
    try {
      writeFileSync(join(dir, 'proxy.lock'), JSON.stringify({ pid: reused.pid, startTicks: '1' }));
      const again = await createLocalBackend({ stateDir: dir });
      expect(JSON.parse(readFileSync(join(dir, 'proxy.lock'), 'utf8')).pid).toBe(process.pid);
      await again.close();
    } finally {
      reused.kill();
    }
  });
});
