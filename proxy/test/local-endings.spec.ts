/**
 * How local jobs end, with real processes: every process a replica starts is stopped with it however it
 * detached, a stop gives SIGTERM handlers the job's grace period with their output kept, replicas show
 * Terminating until they are gone (also across a proxy restart and a delete), and `packages` are installed
 * once into a cached environment.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob, ITrainingJobSpec } from '../../contract/training';
import { createLocalBackend, ILocalBackendOptions } from '../src/backends/local';
import { IBackend } from '../src/backends/types';
import { failure } from './expect-failure';
import { isLive, logs, logsUntil, processesWithEnv, sleep, until } from './local-helpers';

const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-endings-'));
const NS = 'team-e';
const MARK = 'KFWB_TEST_JOB';
const open: IBackend[] = [];
const fixture = (name: string) => ({
  filename: name,
  content: readFileSync(join(__dirname, 'fixtures', name), 'utf8')
});
const path = (name: string) => join(stateDir, name);

async function backend(opts: Partial<ILocalBackendOptions> = {}): Promise<IBackend> {
  const created = await createLocalBackend({ stateDir, orphanPollMs: 100, ...opts });
  open.push(created);
  return created;
}

afterAll(async () => {
  for (const b of open) {
    for (const job of (await b.jobs.list(NS).catch(() => ({ items: [] as IJob[] }))).items) {
      await b.jobs.delete(NS, job.name).catch(() => undefined);
    }
    await b.close();
  }
  rmSync(stateDir, { recursive: true, force: true });
});

/** A PyTorch job whose processes all carry `KFWB_TEST_JOB=<name>` in their environment. */
function job(name: string, workers: number, extra: Partial<ITrainingJobSpec>): ITrainingJobSpec {
  return {
    name,
    framework: 'pytorch',
    replicas: { Worker: { count: workers } },
    env: { [MARK]: name },
    ...extra
  };
}

/** The phases a replica went through, in order, as the live stream showed them. */
function phasesOf(b: IBackend, name: string, replica: string): { phases: string[]; stop(): void } {
  const phases: string[] = [];
  const subscription = b.jobs.watch(NS, event => {
    const jobs =
      event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
    const phase = jobs.find(j => j.name === name)?.replicas.find(r => r.name === replica)?.phase;
    if (phase && phase !== phases.at(-1)) {
      phases.push(phase);
    }
  });
  return { phases, stop: () => subscription.close() };
}

const gone = (replica: string) => (j: IJob) =>
  !['Pending', 'Running', 'Terminating'].includes(
    j.replicas.find(r => r.name === replica)?.phase ?? ''
  );

describe('every process of a replica ends with it', () => {
  test('a torchrun-style launcher whose workers detach (new session, double fork) and ignore SIGTERM: one failing node → no process of the job left 1 s after the grace period', async () => {
    const b = await backend();
    const go = path('launcher-go');
    const grace = 2;
    await b.jobs.create(
      NS,
      job('detached', 2, {
        source: fixture('detached_launcher.py'),
        args: [go],
        terminationGracePeriodSeconds: grace
      })
    );
    const seen = phasesOf(b, 'detached', 'worker-0');
    const started = await logsUntil(b, NS, 'detached', /(worker|launcher) pid \d+/, 6);
    const workers = [...started.matchAll(/\[(worker-\d)\] worker pid (\d+)/g)].map(m => ({
      replica: m[1],
      pid: Number(m[2])
    }));
    expect(workers.map(w => w.replica).sort()).toEqual([
      'worker-0',
      'worker-0',
      'worker-1',
      'worker-1'
    ]);
    expect(workers.every(w => isLive(w.pid))).toBe(true);
    // The workers left their launcher's process group: killing the group would miss them.
    const groupOf = (pid: number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2];
    };
    const launchers = [...started.matchAll(/launcher pid (\d+)/g)].map(m => groupOf(Number(m[1])));
    expect(launchers).toHaveLength(2);
    expect(workers.filter(w => launchers.includes(groupOf(w.pid)))).toEqual([]);

    writeFileSync(go, '');
    const failed = await until(b, NS, 'detached', j => j.phase === 'Failed', 'Failed');
    expect(failed.conditions.at(-1)?.message).toBe('replica worker-1 failed: ExitCode 1');
    await sleep((grace + 1) * 1000);
    expect(processesWithEnv(MARK, 'detached')).toEqual([]);
    expect(workers.filter(w => isLive(w.pid))).toEqual([]);

    const done = await until(b, NS, 'detached', gone('worker-0'), 'worker-0 gone');
    seen.stop();
    expect(seen.phases).toEqual(['Running', 'Terminating', 'Failed']);
    expect(done.replicas[0]).toMatchObject({ phase: 'Failed', reason: 'Stopped' });
    const text = await logs(b, NS, 'detached', { replica: 'worker-0' });
    // SIGTERM reached both detached workers of the stopped node; they ignored it and were killed.
    expect(text.match(/got SIGTERM and ignores it/g)).toHaveLength(2);
    const events = await b.jobs.events(NS, 'detached');
    expect(events.map(e => [e.reason, e.message])).toEqual(
      expect.arrayContaining([
        [
          'Killing',
          `Stopping worker-0: SIGTERM to each of its processes, SIGKILL to any left after ${grace} s`
        ]
      ])
    );
  });

  test('a SIGTERM handler gets the grace period: what it prints is in the logs and the file it saves exists', async () => {
    const b = await backend();
    const saved = path('handler-saved');
    await b.jobs.create(
      NS,
      job('graceful', 2, {
        source: fixture('graceful_stop.py'),
        args: [path('handler-ready'), saved, '-'],
        terminationGracePeriodSeconds: 20
      })
    );
    const seen = phasesOf(b, 'graceful', 'worker-0');
    const done = await until(b, NS, 'graceful', gone('worker-0'), 'worker-0 gone');
    seen.stop();
    expect(done.phase).toBe('Failed');
    expect(seen.phases.slice(-2)).toEqual(['Terminating', 'Failed']);
    expect(done.replicas[0]).toMatchObject({ phase: 'Failed', reason: 'Stopped', exitCode: 0 });
    expect(readFileSync(saved, 'utf8')).toBe('checkpoint');
    expect(await logs(b, NS, 'graceful', { replica: 'worker-0' })).toBe(
      [
        'ready',
        'got SIGTERM, saving a checkpoint',
        'saving part 0',
        'saving part 1',
        'saving part 2',
        'checkpoint saved',
        ''
      ].join('\n')
    );
    expect((await b.jobs.events(NS, 'graceful')).at(-1)).toMatchObject({
      reason: 'Killed',
      message: 'worker-0 was stopped (exited with code 0)'
    });
    expect(processesWithEnv(MARK, 'graceful')).toEqual([]);
  });

  test('the grace period comes from the backend when the job does not set one', async () => {
    const b = await backend({ graceSeconds: 0 });
    const saved = path('zero-grace-saved');
    await b.jobs.create(
      NS,
      job('no-grace', 2, {
        source: fixture('graceful_stop.py'),
        args: [path('zero-grace-ready'), saved, path('never')]
      })
    );
    const done = await until(b, NS, 'no-grace', gone('worker-0'), 'worker-0 gone');
    // No grace: the handler is killed while it waits, before it saves.
    expect(done.replicas[0]).toMatchObject({ reason: 'Stopped', exitCode: 137 });
    expect(existsSync(saved)).toBe(false);
    expect((await b.jobs.events(NS, 'no-grace')).map(e => e.message)).toContain(
      'Stopping worker-0: SIGTERM to each of its processes, SIGKILL to any left after 0 s'
    );
  });
});

describe('delete and proxy restarts during the grace period', () => {
  test('delete while a replica is terminating ends it (killed at the end of its grace) and forgets the job', async () => {
    const b = await backend();
    const saved = path('delete-saved');
    await b.jobs.create(
      NS,
      job('delete-grace', 2, {
        source: fixture('graceful_stop.py'),
        args: [path('delete-ready'), saved, path('never')],
        terminationGracePeriodSeconds: 2
      })
    );
    await until(
      b,
      NS,
      'delete-grace',
      j => j.replicas[0].phase === 'Terminating',
      'worker-0 terminating'
    );
    expect(processesWithEnv(MARK, 'delete-grace').length).toBeGreaterThan(0);
    await b.jobs.delete(NS, 'delete-grace');
    expect(processesWithEnv(MARK, 'delete-grace')).toEqual([]);
    expect(existsSync(saved)).toBe(false);
    expect(existsSync(join(stateDir, 'jobs', NS, 'delete-grace'))).toBe(false);
    expect((await failure(b.jobs.get(NS, 'delete-grace'))).code).toBe('not_found');
  });

  test('delete of a running job gives its handlers the grace period', async () => {
    const b = await backend();
    const saved = path('delete-running-saved');
    const ready = path('delete-running-ready');
    await b.jobs.create(
      NS,
      job('delete-running', 1, {
        source: fixture('graceful_stop.py'),
        args: [ready, saved, '-'],
        terminationGracePeriodSeconds: 20
      })
    );
    await logsUntil(b, NS, 'delete-running', /ready/, 1);
    await b.jobs.delete(NS, 'delete-running');
    expect(readFileSync(saved, 'utf8')).toBe('checkpoint');
    expect(processesWithEnv(MARK, 'delete-running')).toEqual([]);
  });

  test('a proxy restart while a replica terminates: re-attached as Terminating, then its final state', async () => {
    const before = await backend();
    const hold = path('restart-hold');
    const saved = path('restart-saved');
    await before.jobs.create(
      NS,
      job('restart-grace', 2, {
        source: fixture('graceful_stop.py'),
        args: [path('restart-ready'), saved, hold],
        terminationGracePeriodSeconds: 60
      })
    );
    await until(
      before,
      NS,
      'restart-grace',
      j => j.replicas[0].phase === 'Terminating',
      'worker-0 terminating'
    );
    await logsUntil(before, NS, 'restart-grace', /got SIGTERM/, 1);
    await before.close();

    const after = await backend();
    const job0 = await after.jobs.get(NS, 'restart-grace');
    expect(job0.phase).toBe('Failed');
    expect(job0.replicas[0].phase).toBe('Terminating');
    expect((await after.jobs.events(NS, 'restart-grace')).map(e => e.reason)).toContain(
      'Reattached'
    );
    writeFileSync(hold, '');
    const done = await until(after, NS, 'restart-grace', gone('worker-0'), 'worker-0 gone');
    expect(done.replicas[0]).toMatchObject({ phase: 'Failed', reason: 'Stopped', exitCode: 0 });
    expect(readFileSync(saved, 'utf8')).toBe('checkpoint');
    expect(await logs(after, NS, 'restart-grace', { replica: 'worker-0' })).toMatch(
      /checkpoint saved\n$/
    );
    expect(processesWithEnv(MARK, 'restart-grace')).toEqual([]);
  });

  test('a replica that finished terminating while the proxy was down is settled as stopped', async () => {
    const before = await backend();
    const hold = path('down-hold');
    await before.jobs.create(
      NS,
      job('down-grace', 2, {
        source: fixture('graceful_stop.py'),
        args: [path('down-ready'), path('down-saved'), hold],
        terminationGracePeriodSeconds: 60
      })
    );
    await until(
      before,
      NS,
      'down-grace',
      j => j.replicas[0].phase === 'Terminating',
      'worker-0 terminating'
    );
    await before.close();
    writeFileSync(hold, '');
    while (processesWithEnv(MARK, 'down-grace').length > 0) {
      await sleep(50);
    }
    const after = await backend();
    const job0 = await after.jobs.get(NS, 'down-grace');
    expect(job0.replicas[0]).toMatchObject({ phase: 'Failed', reason: 'Stopped', exitCode: 0 });
    expect((await after.jobs.events(NS, 'down-grace')).at(-1)).toMatchObject({
      reason: 'Killed',
      message: 'worker-0 was stopped (exited with code 0) while the proxy was down'
    });
  });
});

describe('packages on the local backend', () => {
  // The version, and whether it was imported from the job's environment (sys.prefix is the venv there).
  const code =
    'import sys, pyjokes, importlib.metadata as m\n' +
    'print("pyjokes", m.version("pyjokes"), pyjokes.__file__.startswith(sys.prefix), sys.prefix != sys.base_prefix)';

  test('installed once into a virtual environment, with progress in the events and logs, then reused from the cache', async () => {
    const b = await backend();
    const first = await b.jobs.create(
      NS,
      job('pkgs-first', 1, {
        source: { filename: 'joke.py', content: code },
        packages: ['pyjokes==0.8.3']
      })
    );
    expect(first.job.phase).toBe('Created');
    expect(first.job.replicas[0].phase).toBe('Pending');
    const done = await until(
      b,
      NS,
      'pkgs-first',
      j => ['Succeeded', 'Failed'].includes(j.phase),
      'finished',
      180000
    );
    expect(done.phase).toBe('Succeeded');
    const reasons = (await b.jobs.events(NS, 'pkgs-first')).map(e => e.reason);
    expect(reasons.slice(0, 4)).toEqual([
      'Created',
      'InstallingPackages',
      'InstalledPackages',
      'Started'
    ]);
    const text = await logs(b, NS, 'pkgs-first');
    expect(text).toMatch(/^\[worker-0\] \[workbench\] installing pyjokes==0\.8\.3\n/);
    expect(text).toContain('[worker-0] Successfully installed pyjokes-0.8.3\n');
    expect(text).toMatch(/\[worker-0\] pyjokes 0\.8\.3 True True\n$/);

    // The same requirement set, written differently, on the same interpreter: no install step at all.
    await b.jobs.create(
      NS,
      job('pkgs-second', 1, {
        command: ['python', '-c', code],
        packages: ['PyJokes == 0.8.3']
      })
    );
    const again = await until(
      b,
      NS,
      'pkgs-second',
      j => ['Succeeded', 'Failed'].includes(j.phase),
      'finished'
    );
    expect(again.phase).toBe('Succeeded');
    const events = await b.jobs.events(NS, 'pkgs-second');
    expect(events.map(e => e.reason)).not.toContain('InstallingPackages');
    expect(events.find(e => e.reason === 'PackagesCached')?.message).toBe(
      'Using the cached environment with PyJokes == 0.8.3; nothing to install'
    );
    expect(await logs(b, NS, 'pkgs-second')).toBe('[worker-0] pyjokes 0.8.3 True True\n');
  });

  test("a package that cannot be installed fails the job with pip's message", async () => {
    const b = await backend();
    await b.jobs.create(
      NS,
      job('pkgs-missing', 2, {
        command: ['python', '-c', 'print(1)'],
        packages: ['kfwb-no-such-package-zz==1.0']
      })
    );
    const failed = await until(b, NS, 'pkgs-missing', j => j.phase === 'Failed', 'Failed', 180000);
    expect(failed.conditions.at(-1)?.message).toMatch(
      /^the packages could not be installed: ERROR: .*kfwb-no-such-package-zz==1\.0/
    );
    expect(failed.conditions.at(-1)?.message).toContain(
      'ERROR: No matching distribution found for kfwb-no-such-package-zz==1.0'
    );
    expect(failed.replicas.map(r => [r.phase, r.reason])).toEqual([
      ['Failed', 'InstallFailed'],
      ['Failed', 'InstallFailed']
    ]);
    expect((await b.jobs.events(NS, 'pkgs-missing')).at(-1)?.reason).toBe('InstallFailed');
    expect(await logs(b, NS, 'pkgs-missing', { replica: 'worker-1' })).toContain(
      'No matching distribution found for kfwb-no-such-package-zz==1.0'
    );
  });

  test('delete while the environment is built stops pip; the half-built environment is rebuilt by the next job', async () => {
    const b = await backend();
    const spec = job('pkgs-deleted', 1, {
      command: ['python', '-c', 'import pyjokes; print("ok")'],
      packages: ['pyjokes==0.8.2']
    });
    await b.jobs.create(NS, spec);
    const installing = (await b.jobs.events(NS, 'pkgs-deleted')).find(
      e => e.reason === 'InstallingPackages'
    );
    const dir = /\((\/[^)]+)\)$/.exec(installing?.message ?? '')?.[1] as string;
    expect(dir).toContain(join(stateDir, 'venvs'));
    await b.jobs.delete(NS, 'pkgs-deleted');
    expect((await failure(b.jobs.get(NS, 'pkgs-deleted'))).code).toBe('not_found');
    const building = () =>
      readdirSync('/proc')
        .filter(entry => /^\d+$/.test(entry))
        .filter(entry => {
          try {
            return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir);
          } catch {
            return false;
          }
        });
    while (building().length > 0) {
      await sleep(50); // SIGKILL was sent to pip's group; it goes at once
    }
    expect(existsSync(join(dir, '.ready'))).toBe(false);

    await b.jobs.create(NS, spec);
    const done = await until(
      b,
      NS,
      'pkgs-deleted',
      j => ['Succeeded', 'Failed'].includes(j.phase),
      'finished',
      180000
    );
    expect(done.phase).toBe('Succeeded');
    expect(await logs(b, NS, 'pkgs-deleted')).toMatch(/\[worker-0\] ok\n$/);
  });
});
