/**
 * The local backend with real processes: replicas rendezvous through the injected environment, failures and
 * deletes stop every process of the replicas, and jobs survive a proxy restart (how they end in detail:
 * local-endings.spec.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob, ITrainingJobSpec, JobStreamEvent } from '../../contract/training';
import { createLocalBackend, ILocalBackendOptions } from '../src/backends/local';
import { planReplicas } from '../src/backends/local/replica-plan';
import { livePidsOfGroup } from '../src/backends/local/replica-process';
import { IBackend } from '../src/backends/types';
import { failure } from './expect-failure';
import {
  isLive,
  logs as jobLogs,
  logsUntil as jobLogsUntil,
  until as untilJob
} from './local-helpers';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-local-'));
const open: IBackend[] = [];
const NS = 'team-a';

async function backend(opts: Partial<ILocalBackendOptions> = {}): Promise<IBackend> {
  const created = await createLocalBackend({
    stateDir,
    orphanPollMs: 100,
    graceSeconds: 1,
    ...opts
  });
  open.push(created);
  return created;
}

afterAll(async () => {
  // Leave no process behind, whatever a failed test left running.
  for (const b of open) {
    for (const job of (await b.jobs.list(NS).catch(() => ({ items: [] as IJob[] }))).items) {
      await b.jobs.delete(NS, job.name).catch(() => undefined);
    }
    await b.close();
  }
  rmSync(stateDir, { recursive: true, force: true });
});

const until = (b: IBackend, name: string, test: (job: IJob) => boolean, what: string) =>
  untilJob(b, NS, name, test, what, 30000);

const phase = (p: IJob['phase']) => (job: IJob) => job.phase === p;

const logs = (b: IBackend, name: string, options: Parameters<IBackend['jobs']['logs']>[2] = {}) =>
  jobLogs(b, NS, name, options);

const logsUntil = (b: IBackend, name: string, marker: RegExp, count: number) =>
  jobLogsUntil(b, NS, name, marker, count);

function supervisorPids(name: string): number[] {
  const record = JSON.parse(readFileSync(join(stateDir, 'jobs', NS, name, 'job.json'), 'utf8'));
  return record.replicas.map((r: { pid: number }) => r.pid);
}

const py = (code: string, extra: Partial<ITrainingJobSpec> = {}): Partial<ITrainingJobSpec> => ({
  command: ['python3', '-c', code],
  ...extra
});

function spec(
  name: string,
  framework: ITrainingJobSpec['framework'],
  replicas: ITrainingJobSpec['replicas'],
  extra: Partial<ITrainingJobSpec>
): ITrainingJobSpec {
  return { name, framework, replicas, ...extra };
}

describe('distributed jobs as real processes', () => {
  let b: IBackend;
  beforeAll(async () => {
    b = await backend();
  });

  test('PyTorch: Master + 2 Workers rendezvous on MASTER_ADDR:MASTER_PORT and all-reduce their ranks', async () => {
    const source = {
      filename: 'allreduce.py',
      content: fixture('allreduce.py')
    };
    const { job, created } = await b.jobs.create(
      NS,
      spec('allreduce', 'pytorch', { Master: { count: 1 }, Worker: { count: 2 } }, { source })
    );
    expect(created).toBe(true);
    expect(job).toMatchObject({
      name: 'allreduce',
      namespace: NS,
      kind: 'PyTorchJob',
      backend: 'local',
      phase: 'Running'
    });

    const done = await until(
      b,
      'allreduce',
      j => j.phase === 'Succeeded' || j.phase === 'Failed',
      'finished'
    );
    expect(done.phase).toBe('Succeeded');
    expect(done.replicas.map(r => [r.name, r.role, r.index, r.phase, r.exitCode])).toEqual([
      ['master-0', 'Master', 0, 'Succeeded', 0],
      ['worker-0', 'Worker', 0, 'Succeeded', 0],
      ['worker-1', 'Worker', 1, 'Succeeded', 0]
    ]);
    expect(done.conditions.map(c => [c.type, c.status, c.reason])).toEqual([
      ['Created', 'False', 'PyTorchJobCreated'],
      ['Running', 'False', 'PyTorchJobRunning'],
      ['Succeeded', 'True', 'PyTorchJobSucceeded']
    ]);
    expect(done.started).toBeDefined();
    expect(done.finished).toBeDefined();
    const merged = await logs(b, 'allreduce');
    expect(merged.split('\n').filter(Boolean).sort()).toEqual([
      '[master-0] rank 0/3 sum 3',
      '[worker-0] rank 1/3 sum 3',
      '[worker-1] rank 2/3 sum 3'
    ]);
  });

  test('TensorFlow: Chief + 2 Workers each find a correct TF_CONFIG with loopback addresses', async () => {
    const source = {
      filename: 'check.py',
      content: fixture('tf_config_check.py')
    };
    await b.jobs.create(
      NS,
      spec('tf-config', 'tensorflow', { Chief: { count: 1 }, Worker: { count: 2 } }, { source })
    );
    const done = await until(
      b,
      'tf-config',
      j => j.phase === 'Succeeded' || j.phase === 'Failed',
      'finished'
    );
    expect(done.phase).toBe('Succeeded');
    expect(await logs(b, 'tf-config', { replica: 'chief-0' })).toBe('ok chief 0\n');
    expect(await logs(b, 'tf-config', { replica: 'worker-1' })).toBe('ok worker 1\n');
    expect(done.conditions.at(-1)?.reason).toBe('TFJobSucceeded');
  });

  test('a failing replica fails the job with its exit code and stops the others', async () => {
    const code =
      'import os, sys, time\nprint("up", flush=True)\nif os.environ["RANK"] == "1":\n    time.sleep(0.3)\n    sys.exit(3)\ntime.sleep(60)';
    await b.jobs.create(NS, spec('fails', 'pytorch', { Worker: { count: 2 } }, py(code)));
    const pids = supervisorPids('fails');
    const failed = await until(b, 'fails', phase('Failed'), 'Failed');
    expect(failed.conditions.at(-1)).toMatchObject({
      type: 'Failed',
      status: 'True',
      reason: 'PyTorchJobFailed',
      message: 'replica worker-1 failed: ExitCode 3'
    });
    expect(failed.replicas.find(r => r.name === 'worker-1')).toMatchObject({
      phase: 'Failed',
      reason: 'ExitCode 3',
      exitCode: 3
    });
    const stopped = await until(
      b,
      'fails',
      j => !['Running', 'Terminating'].includes(j.replicas[0].phase),
      'worker-0 stopped'
    );
    expect(stopped.replicas[0]).toMatchObject({
      name: 'worker-0',
      phase: 'Failed',
      reason: 'Stopped'
    });
    expect(stopped.phase).toBe('Failed');
    expect(pids.flatMap(livePidsOfGroup)).toEqual([]);
    const events = await b.jobs.events(NS, 'fails');
    expect(events.map(e => [e.type, e.reason, e.message])).toEqual(
      expect.arrayContaining([
        ['Normal', 'Started', `Started worker-0 (pid ${pids[0]})`],
        ['Warning', 'Failed', 'worker-1 exited with code 3'],
        [
          'Normal',
          'Killing',
          'Stopping worker-0: SIGTERM to each of its processes, SIGKILL to any left after 1 s'
        ],
        ['Normal', 'Killed', 'worker-0 was stopped (exited with code 143)']
      ])
    );
  });
});

describe('delete, logs, watch and create semantics', () => {
  let b: IBackend;
  beforeAll(async () => {
    b = await backend();
  });

  test('delete mid-run kills every process of every replica group and forgets the job', async () => {
    const waitFor = join(stateDir, 'never');
    const source = {
      filename: 'wait.py',
      content: fixture('wait_for_file.py')
    };
    await b.jobs.create(
      NS,
      spec(
        'cancel',
        'pytorch',
        { Master: { count: 1 }, Worker: { count: 1 } },
        { source, args: [waitFor] }
      )
    );
    const text = await logsUntil(b, 'cancel', /pid \d+/, 2);
    const scriptPids = [...text.matchAll(/pid (\d+)/g)].map(m => Number(m[1]));
    const groups = supervisorPids('cancel');
    expect([...scriptPids, ...groups].every(isLive)).toBe(true);

    const deleted = new Promise<JobStreamEvent>(resolve => {
      const s = b.jobs.watch(
        NS,
        e => e.type === 'deleted' && e.object.name === 'cancel' && (s.close(), resolve(e))
      );
    });
    await b.jobs.delete(NS, 'cancel');
    expect([...scriptPids, ...groups].filter(isLive)).toEqual([]);
    expect(groups.flatMap(livePidsOfGroup)).toEqual([]);
    expect(await deleted).toEqual({
      type: 'deleted',
      object: { name: 'cancel', namespace: NS }
    });
    expect(existsSync(join(stateDir, 'jobs', NS, 'cancel'))).toBe(false);
    expect((await failure(b.jobs.get(NS, 'cancel'))).code).toBe('not_found');
  });

  test('logs: merged in time order with prefixes, per replica, tail, and follow until the job ends', async () => {
    const source = {
      filename: 'lines.py',
      content: fixture('interleaved_lines.py')
    };
    // Far enough ahead that both replicas have started even on a loaded machine (the order is the point).
    const anchor = () => [String(Date.now() / 1000 + 4)];
    const following = b.jobs
      .create(NS, spec('lines', 'pytorch', { Worker: { count: 2 } }, { source, args: anchor() }))
      .then(() => logs(b, 'lines', { follow: true }));
    const expected = [0, 1, 2].flatMap(i => [`[worker-0] r0 line ${i}`, `[worker-1] r1 line ${i}`]);
    // Follow returns by itself once the job has ended, with every line.
    expect((await following).split('\n').filter(Boolean)).toEqual(expected);
    expect((await b.jobs.get(NS, 'lines')).phase).toBe('Succeeded');

    expect(await logs(b, 'lines')).toBe(expected.join('\n') + '\n');
    expect(await logs(b, 'lines', { replica: 'worker-1', tail: 2 })).toBe('r1 line 1\nr1 line 2\n');
    expect(await logs(b, 'lines', { tail: 1 })).toBe(
      '[worker-0] r0 line 2\n[worker-1] r1 line 2\n'
    );
    expect((await failure(logs(b, 'lines', { replica: 'worker-7' }))).code).toBe('not_found');
  });

  test('follow stops when the caller aborts', async () => {
    const source = {
      filename: 'wait.py',
      content: fixture('wait_for_file.py')
    };
    await b.jobs.create(
      NS,
      spec(
        'abort-follow',
        'jax',
        { Worker: { count: 1 } },
        { source, args: [join(stateDir, 'never')] }
      )
    );
    const text = await logsUntil(b, 'abort-follow', /pid \d+/, 1);
    expect(text).toMatch(/^\[worker-0\] pid \d+\n$/);
    expect((await b.jobs.get(NS, 'abort-follow')).phase).toBe('Running');
    await b.jobs.delete(NS, 'abort-follow');
  });

  test('the YAML view gets the object a cluster would get, marked as run here', async () => {
    const { job } = await b.jobs.create(
      NS,
      spec(
        'manifest',
        'pytorch',
        { Worker: { count: 1 } },
        {
          command: ['python', '-c', 'print(1)']
        }
      )
    );
    const manifest = job.manifest as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; annotations: Record<string, string> };
    };
    expect(manifest.apiVersion).toBe('kubeflow.org/v1');
    expect(manifest.kind).toBe('PyTorchJob');
    expect(manifest.metadata.name).toBe('manifest');
    expect(manifest.metadata.annotations['kubeflow-workbench.io/local-backend']).toMatch(
      /Ran on this machine/
    );
    await until(b, 'manifest', j => j.phase === 'Succeeded', 'Succeeded');
  });

  test('watch: a snapshot first, then the job added and each status change in order', async () => {
    const events: JobStreamEvent[] = [];
    const subscription = b.jobs.watch(NS, e => events.push(e));
    try {
      await b.jobs.create(
        NS,
        spec('watched', 'xgboost', { Master: { count: 1 } }, py('print("hi")'))
      );
      await until(b, 'watched', phase('Succeeded'), 'Succeeded');
      expect(events[0].type).toBe('snapshot');
      const mine = events.filter(e => 'object' in e && e.object.name === 'watched') as {
        type: string;
        object: IJob;
      }[];
      expect(mine.map(e => [e.type, e.object.phase])).toEqual([
        ['added', 'Created'],
        ['modified', 'Running'],
        ['modified', 'Succeeded']
      ]);
      expect(mine[2].object.conditions.at(-1)?.reason).toBe('XGBoostJobSucceeded');
      const versions = mine.map(e => Number(e.object.resourceVersion));
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
    } finally {
      subscription.close();
    }
    const later = b.jobs.watch(NS, e => events.push(e));
    later.close();
    await new Promise(resolve => setImmediate(resolve));
    expect(events.filter(e => e.type === 'snapshot')).toHaveLength(1); // closed before delivery: nothing
  });

  test('create is idempotent: the same spec answers the existing job, another spec is a conflict', async () => {
    const s = spec('twice', 'pytorch', { Worker: { count: 1 } }, py('print("once")'));
    const [first, second] = await Promise.all([b.jobs.create(NS, s), b.jobs.create(NS, s)]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const third = await b.jobs.create(NS, s);
    expect(third.created).toBe(false);
    expect(third.job.created).toBe(first.job.created);
    expect(supervisorPids('twice')).toHaveLength(1);
    const other = await failure(b.jobs.create(NS, { ...s, args: ['x'] }));
    expect(other.code).toBe('conflict');
    expect(other.message).toBe(
      `A job named "twice" already exists in namespace "${NS}" and has a different spec. ` +
        'Choose another name or delete that job first.'
    );
  });

  test('what cannot run here is refused with the field to fix', async () => {
    const many = await failure(
      b.jobs.create(
        NS,
        spec('many', 'pytorch', { Master: { count: 1 }, Worker: { count: 16 } }, py('1'))
      )
    );
    expect(many.code).toBe('invalid_spec');
    expect(many.message).toBe('The job needs 17 processes; this machine runs at most 16.');
    expect(many.fields).toEqual([
      {
        path: '/replicas',
        message: 'needs 17 processes; the local backend runs at most 16 per job'
      }
    ]);
    const small = await backend({ maxProcesses: 2 });
    const three = await failure(
      small.jobs.create(
        NS,
        spec('three', 'mpi', { Launcher: { count: 1 }, Worker: { count: 2 } }, py('1'))
      )
    );
    expect(three.fields?.[0].message).toBe(
      'needs 3 processes; the local backend runs at most 2 per job'
    );

    const nothing = await failure(
      b.jobs.create(NS, spec('nothing', 'pytorch', { Worker: { count: 1 } }, {}))
    );
    expect(nothing.fields).toEqual([
      {
        path: '/command',
        message: 'is required by the local backend (it runs no image), unless source is given'
      }
    ]);
    expect((await b.jobs.list(NS)).items.map(j => j.name)).not.toEqual(
      expect.arrayContaining(['many', 'nothing'])
    );
  });

  test('info, namespaces and contexts', async () => {
    expect(b.info()).toEqual({
      kind: 'local',
      selected: 'local',
      state: 'connected',
      namespace: 'default'
    });
    expect(await b.namespaces()).toEqual({
      items: [{ name: 'default' }, { name: NS }],
      default: 'default'
    });
    expect(await b.contexts()).toEqual({ items: [] });
    const other = await backend({ namespace: 'mine' });
    expect(other.info().namespace).toBe('mine');
    expect((await other.namespaces()).items.map(n => n.name)).toEqual(['mine', NS]);
  });
});

describe('state survives a proxy restart', () => {
  const source = { filename: 'wait.py', content: fixture('wait_for_file.py') };

  /** A running job whose one replica waits for `go`, on a backend that is then closed like a stopped proxy. */
  async function runningJobThenRestart(name: string, go: string): Promise<number> {
    const before = await backend();
    await before.jobs.create(
      NS,
      spec(name, 'pytorch', { Worker: { count: 1 } }, { source, args: [go] })
    );
    await logsUntil(before, name, /pid \d+/, 1);
    await before.close();
    return supervisorPids(name)[0];
  }

  test('a replica still running is re-attached and its end observed', async () => {
    const go = join(stateDir, 'go-reattach');
    const pid = await runningJobThenRestart('reattach', go);
    const after = await backend();
    const job = await after.jobs.get(NS, 'reattach');
    expect(job.phase).toBe('Running');
    expect(job.replicas[0]).toMatchObject({
      name: 'worker-0',
      phase: 'Running'
    });
    expect((await after.jobs.events(NS, 'reattach')).at(-1)).toMatchObject({
      reason: 'Reattached',
      message: `worker-0 (pid ${pid}) still runs; re-attached after a proxy restart`
    });

    writeFileSync(go, '');
    const done = await until(
      after,
      'reattach',
      j => j.phase === 'Succeeded' || j.phase === 'Failed',
      'finished'
    );
    expect(done.phase).toBe('Succeeded');
    expect(done.replicas[0]).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
    expect(await logs(after, 'reattach')).toMatch(/^\[worker-0\] pid \d+\n\[worker-0\] done\n$/);
  });

  test('a replica that ended while the proxy was down is settled from its exit file', async () => {
    const go = join(stateDir, 'go-finished');
    const pid = await runningJobThenRestart('finished-meanwhile', go);
    writeFileSync(go, '');
    await new Promise<void>(resolve => {
      const check = () => (livePidsOfGroup(pid).length === 0 ? resolve() : setTimeout(check, 20));
      check();
    });
    const after = await backend();
    const job = await after.jobs.get(NS, 'finished-meanwhile');
    expect(job.phase).toBe('Succeeded');
    expect((await after.jobs.events(NS, 'finished-meanwhile')).at(-1)).toMatchObject({
      reason: 'Exited',
      message: 'worker-0 exited with code 0 while the proxy was down'
    });
  });

  test('a replica lost while the proxy was down fails the job with ProxyRestarted', async () => {
    const pid = await runningJobThenRestart('lost', join(stateDir, 'never'));
    process.kill(-pid, 'SIGKILL');
    await new Promise<void>(resolve => {
      const check = () => (livePidsOfGroup(pid).length === 0 ? resolve() : setTimeout(check, 20));
      check();
    });
    const after = await backend();
    const job = await after.jobs.get(NS, 'lost');
    expect(job.phase).toBe('Failed');
    expect(job.replicas[0]).toMatchObject({
      phase: 'Failed',
      reason: 'ProxyRestarted'
    });
    expect(job.conditions.at(-1)).toMatchObject({
      type: 'Failed',
      reason: 'ProxyRestarted',
      message: 'replica worker-0 was no longer running when the proxy restarted'
    });
    const text = await logs(after, 'lost');
    expect(text).toMatch(/^\[worker-0\] pid \d+\n$/); // logs are kept
    // The supervisor was killed, not stopped: the kernel killed the replica's process with it (PDEATHSIG).
    const script = Number(/pid (\d+)/.exec(text)?.[1]);
    await new Promise<void>(resolve => {
      const check = () => (isLive(script) ? setTimeout(check, 20) : resolve());
      check();
    });
    expect(isLive(script)).toBe(false);
  });
});

describe("replica environment (the operators' variables on loopback)", () => {
  const envOf = (s: ITrainingJobSpec, ports: number[]) =>
    Object.fromEntries(planReplicas(s, 'j', ports, '/state/hostfile').map(p => [p.name, p.env]));

  test('PyTorch without a Master: ranks from 0, worker-0 is the rendezvous point', () => {
    const env = envOf(
      spec('j', 'pytorch', { Worker: { count: 2 } }, { env: { A: '1' } }),
      [5000, 5001]
    );
    expect(env['worker-1']).toEqual({
      A: '1',
      PYTHONUNBUFFERED: '1',
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: '5000',
      WORLD_SIZE: '2',
      RANK: '1',
      LOCAL_RANK: '0',
      PET_MASTER_ADDR: '127.0.0.1',
      PET_MASTER_PORT: '5000',
      PET_NNODES: '2',
      PET_NODE_RANK: '1'
    });
  });

  test('TF: the evaluator is not in the cluster; a single replica gets no TF_CONFIG', () => {
    const env = envOf(
      spec(
        'j',
        'tensorflow',
        { Chief: { count: 1 }, PS: { count: 1 }, Evaluator: { count: 1 } },
        {}
      ),
      [1, 2, 3]
    );
    expect(JSON.parse(env['evaluator-0'].TF_CONFIG)).toEqual({
      cluster: { chief: ['127.0.0.1:1'], ps: ['127.0.0.1:2'] },
      task: { type: 'evaluator', index: 0 },
      environment: 'cloud'
    });
    expect(
      envOf(spec('j', 'tensorflow', { Worker: { count: 1 } }, {}), [1])['worker-0'].TF_CONFIG
    ).toBeUndefined();
  });

  test('JAX, XGBoost, Paddle and MPI', () => {
    expect(envOf(spec('j', 'jax', { Worker: { count: 2 } }, {}), [7, 8])['worker-1']).toMatchObject(
      {
        COORDINATOR_ADDRESS: '127.0.0.1',
        COORDINATOR_PORT: '7',
        NUM_PROCESSES: '2',
        PROCESS_ID: '1'
      }
    );
    expect(
      envOf(spec('j', 'xgboost', { Master: { count: 1 }, Worker: { count: 2 } }, {}), [7, 8, 9])[
        'worker-0'
      ]
    ).toMatchObject({
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: '7',
      WORLD_SIZE: '3',
      RANK: '1',
      WORKER_PORT: '8',
      WORKER_ADDRS: '127.0.0.1,127.0.0.1'
    });
    expect(
      envOf(spec('j', 'paddle', { Master: { count: 1 }, Worker: { count: 1 } }, {}), [7, 8])[
        'worker-0'
      ]
    ).toMatchObject({
      PADDLE_MASTER: '127.0.0.1:7',
      PADDLE_NNODES: '2',
      PADDLE_TRAINER_ID: '1',
      PADDLE_JOB_ID: 'j'
    });
    const mpi = envOf(spec('j', 'mpi', { Launcher: { count: 1 }, Worker: { count: 4 } }, {}), [7]);
    expect(Object.keys(mpi)).toEqual(['launcher']); // mpirun starts the worker ranks itself
    expect(mpi['launcher'].OMPI_MCA_orte_default_hostfile).toBe('/state/hostfile');
  });

  test('an interpreter that cannot be started fails the job with StartFailed', async () => {
    const broken = await backend({ python: join(stateDir, 'no-such-python') });
    await broken.jobs.create(
      NS,
      spec(
        'no-python',
        'jax',
        { Worker: { count: 1 } },
        { source: { filename: 'x.py', content: '' } }
      )
    );
    const failed = await until(broken, 'no-python', phase('Failed'), 'Failed');
    expect(failed.replicas[0]).toMatchObject({
      phase: 'Failed',
      reason: 'StartFailed'
    });
    expect(failed.replicas[0].message).toMatch(/^cannot start .*no-such-python: spawn .* ENOENT$/);
    expect(failed.conditions.at(-1)?.message).toBe('replica worker-0 failed: StartFailed');
  });

  test('the proxy token is not passed to replicas', async () => {
    const before = process.env.KFWB_TOKEN;
    process.env.KFWB_TOKEN = 'secret';
    try {
      const b = await backend();
      await b.jobs.create(
        NS,
        spec(
          'env-check',
          'jax',
          { Worker: { count: 1 } },
          py('import os; print(sorted(k for k in os.environ if k.startswith("KFWB")))')
        )
      );
      await until(b, 'env-check', phase('Succeeded'), 'Succeeded');
      expect(await logs(b, 'env-check')).toBe('[worker-0] []\n');
    } finally {
      if (before === undefined) {
        delete process.env.KFWB_TOKEN;
      } else {
        process.env.KFWB_TOKEN = before;
      }
    }
  });
});

describe('image and GPUs on this machine (issue 11, local parity)', () => {
  const printEnv = 'import os; print("GPUS=" + os.environ.get("CUDA_VISIBLE_DEVICES", "unset"))';

  test('an image is not used, and the job says so at submit and in its events, naming the Python', async () => {
    const b = await backend();
    const { job } = await b.jobs.create(
      NS,
      spec(
        'img',
        'pytorch',
        { Worker: { count: 1 } },
        {
          image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
          command: ['python3', '-c', 'print(1)']
        }
      )
    );
    const created = job.conditions.find(c => c.type === 'Created')!;
    expect(created.message).toContain(
      '"pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime" is not used'
    );
    expect(created.message).toMatch(/run python3 \(Python 3\.\d+/);
    const events = await b.jobs.events(NS, 'img');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'ImageNotUsed',
        message: created.message!.split('. ')[1]
      })
    );
  });

  test('no NVIDIA GPU here: a GPU request is refused at /resources/gpus, nothing is created', async () => {
    const b = await backend({ gpus: 0 });
    const error = await failure(
      b.jobs.create(
        NS,
        spec(
          'nogpu',
          'pytorch',
          { Worker: { count: 1 } },
          { command: ['true'], resources: { gpus: 1 } }
        )
      )
    );
    expect(error.code).toBe('invalid_spec');
    expect(error.fields).toEqual([
      { path: '/resources/gpus', message: expect.stringContaining('no NVIDIA GPU') }
    ]);
    expect((await b.jobs.list(NS)).items.map(j => j.name)).not.toContain('nogpu');
  });

  test('more GPUs than exist are refused; a fitting request gives each replica its own CUDA_VISIBLE_DEVICES', async () => {
    const b = await backend({ gpus: 4 });
    const error = await failure(
      b.jobs.create(
        NS,
        spec(
          'toomany',
          'pytorch',
          { Master: { count: 1 }, Worker: { count: 2 } },
          { command: ['true'], resources: { gpus: 2 } }
        )
      )
    );
    expect(error.fields).toEqual([
      { path: '/resources/gpus', message: expect.stringContaining('= 6 GPUs; this machine has 4') }
    ]);

    await b.jobs.create(
      NS,
      spec(
        'shared',
        'pytorch',
        { Master: { count: 1 }, Worker: { count: 1 } },
        {
          command: ['python3', '-c', printEnv],
          resources: { gpus: 2 }
        }
      )
    );
    await until(b, 'shared', phase('Succeeded'), 'Succeeded');
    expect(await logs(b, 'shared', { replica: 'master-0' })).toContain('GPUS=0,1');
    expect(await logs(b, 'shared', { replica: 'worker-0' })).toContain('GPUS=2,3');

    await b.jobs.create(
      NS,
      spec('nogpus', 'pytorch', { Worker: { count: 1 } }, { command: ['python3', '-c', printEnv] })
    );
    await until(b, 'nogpus', phase('Succeeded'), 'Succeeded');
    expect(await logs(b, 'nogpus')).toContain('GPUS=\n'); // as a pod without a GPU request: none visible
  });
});
