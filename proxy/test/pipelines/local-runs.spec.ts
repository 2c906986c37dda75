/**
 * The local runner with real processes: the demo pipeline (a notebook, a script, a Python function and a shell
 * container step, compiled by our compiler) passes a parameter and an artifact through a parallel branch; then a
 * failing branch, caching on re-run, run-from-node and only-node, cancel (no process left), timeouts, missing
 * files, and a proxy restart mid-run. Steps run in the project's venv Python (nbclient + ipykernel).
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { IPipelineSpec, IRun, IStep } from '../../../contract/pipeline';
import { compile } from '../../../compiler';
import { livePidsOfGroup } from '../../src/backends/local/replica-process';
import { createLocalPipelines, ILocalPipelinesOptions } from '../../src/backends/local/pipelines';
import { LocalRuns } from '../../src/backends/local/pipelines/local-runs';
import { failure } from '../expect-failure';

const REPO = resolve(__dirname, '../../..');
const PYTHON = process.env.KFWB_TEST_PYTHON ?? join(REPO, '.venv', 'bin', 'python');
const NS = 'team-a';
const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-runs-'));
const workDir = mkdtempSync(join(tmpdir(), 'kfwb-runs-root-'));
const open: LocalRuns[] = [];

function runner(opts: Partial<ILocalPipelinesOptions> = {}): LocalRuns {
  const runs = createLocalPipelines({
    stateDir,
    rootDir: workDir,
    python: PYTHON,
    orphanPollMs: 100,
    stopGraceMs: 1000,
    ...opts
  });
  open.push(runs);
  return runs;
}

afterAll(async () => {
  for (const runs of open) {
    for (const run of (await runs.list(NS)).items) {
      await runs.delete(NS, run.name).catch(() => undefined);
    }
    runs.close();
  }
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

const FINISHED = ['Succeeded', 'Failed', 'Cancelled'];

/** Resolves with the first view of the run that passes `test`, from the live stream (no polling). */
function until(
  runs: LocalRuns,
  name: string,
  test: (run: IRun) => boolean,
  what: string
): Promise<IRun> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      subscription.close();
      reject(new Error(`timed out waiting for ${name}: ${what}`));
    }, 90000);
    const subscription = runs.watch(NS, event => {
      const items =
        event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
      const run = items.find(r => r.name === name && test(r));
      if (run) {
        clearTimeout(timer);
        subscription.close();
        resolvePromise(run);
      }
    });
  });
}

const finished = (runs: LocalRuns, name: string) =>
  until(runs, name, r => FINISHED.includes(r.phase), 'the run to finish');

const step = (run: IRun, task: string): IStep => run.steps.find(s => s.task === task) as IStep;
const phases = (run: IRun) => Object.fromEntries(run.steps.map(s => [s.task, s.phase]));

async function logs(runs: LocalRuns, name: string, task: string): Promise<string> {
  let text = '';
  await runs.stepLogs(NS, name, task, {}, chunk => (text += chunk));
  return text;
}

// The demo pipeline of examples/pipelines, its files copied into the Jupyter root of the test.
const EXAMPLES = join(REPO, 'examples', 'pipelines');
const demo = JSON.parse(readFileSync(join(EXAMPLES, 'demo.kfpipeline'), 'utf8')) as IPipelineSpec;
const files =
  (overrides: Record<string, string> = {}) =>
  (path: string) =>
    overrides[path] ??
    (existsSync(join(EXAMPLES, path)) ? readFileSync(join(EXAMPLES, path), 'utf8') : undefined);

function compiled(spec: IPipelineSpec = demo, overrides: Record<string, string> = {}) {
  return compile(spec, files(overrides));
}

/** A hand-written IR of shell steps (`sh -c SCRIPT`), like a container component kfp compiles. */
function shellIr(
  name: string,
  tasks: Record<string, { script: string; after?: string[]; outputs?: string[]; image?: string }>
) {
  const ir = {
    pipelineInfo: { name },
    schemaVersion: '2.1.0',
    sdkVersion: 'test',
    root: { dag: { tasks: {} as Record<string, unknown> } },
    components: {} as Record<string, unknown>,
    deploymentSpec: { executors: {} as Record<string, unknown> }
  };
  for (const [task, t] of Object.entries(tasks)) {
    ir.root.dag.tasks[task] = {
      taskInfo: { name: task },
      componentRef: { name: `comp-${task}` },
      ...(t.after ? { dependentTasks: t.after } : {}),
      cachingOptions: { enableCache: false }
    };
    ir.components[`comp-${task}`] = {
      executorLabel: `exec-${task}`,
      ...(t.outputs
        ? {
            outputDefinitions: {
              parameters: Object.fromEntries(t.outputs.map(o => [o, { parameterType: 'STRING' }]))
            }
          }
        : {})
    };
    ir.deploymentSpec.executors[`exec-${task}`] = {
      container: { image: t.image ?? 'alpine:3.20', command: ['sh', '-c'], args: [t.script] }
    };
  }
  return ir;
}

describe('the demo pipeline (notebook, script, function, container)', () => {
  let runs: LocalRuns;
  let first: IRun;

  beforeAll(async () => {
    runs = runner();
    const { ir } = compiled();
    const { run, created } = await runs.createRun(NS, {
      ir,
      parameters: { rows: '7', scale: 3 },
      name: 'demo-1',
      spec: demo
    });
    expect(created).toBe(true);
    expect(run.steps.map(s => s.task).sort()).toEqual(['generate', 'report', 'stats', 'train']);
    first = await finished(runs, 'demo-1');
  });

  it('runs every step and passes parameters and artifacts on disk', async () => {
    expect(first.phase).toBe('Succeeded');
    expect(phases(first)).toEqual({
      generate: 'Succeeded',
      stats: 'Succeeded',
      train: 'Succeeded',
      report: 'Succeeded'
    });
    // The pipeline parameter (given as text, read as its declared integer type) reached the notebook.
    expect(first.parameters).toEqual({ rows: 7, scale: 3 });
    expect(step(first, 'stats').outputs.parameters).toEqual({ count: 7 });
    // mean of 0..6 is 3, times scale 3.
    expect(step(first, 'train').outputs.parameters.Output).toBeCloseTo(9);
    const report = step(first, 'report').outputs.artifacts.find(a => a.name === 'report');
    expect(readFileSync(report!.path!, 'utf8')).toBe('# Report\n\nrows: 7\nscore: 9\n');
    expect(step(first, 'report').note).toContain('the image alpine:3.20 was not used');
    expect(step(first, 'stats').label).toBe('Count rows');
  });

  it('lays the outputs out like kfp.local: <root>/<pipeline>-<time>/<task>/…', () => {
    const data = step(first, 'generate').outputs.artifacts.find(a => a.name === 'data')!;
    expect(data.path).toMatch(
      /\/pipeline-root\/demo-pipeline-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{6}\/generate\/data$/
    );
    expect(readFileSync(data.path!, 'utf8').split('\n')[0].trim()).toBe('x,y');
    const taskRoot = join(data.path!, '..', '..', 'stats');
    expect(readFileSync(join(taskRoot, 'count'), 'utf8')).toBe('7');
    expect(existsSync(join(data.path!, '..', '..', 'train', 'executor_output.json'))).toBe(true);
  });

  it('keeps each step log and the executed notebook', async () => {
    expect(await logs(runs, 'demo-1', 'stats')).toContain('7 rows');
    expect(await logs(runs, 'demo-1', 'train')).toContain('score 9.000');
    const notebook = await runs.stepOutput(NS, 'demo-1', 'generate', 'executed_notebook');
    expect(notebook.kind).toBe('notebook');
    expect(notebook.text).toContain('wrote 7 rows');
    const table = await runs.stepOutput(NS, 'demo-1', 'generate', 'data');
    expect(table).toMatchObject({ kind: 'table', artifact: { schemaTitle: 'system.Dataset' } });
    expect(table.table?.columns).toEqual(['x', 'y']);
    expect(table.table?.rows).toHaveLength(7);
    const report = await runs.stepOutput(NS, 'demo-1', 'report', 'report');
    expect(report).toMatchObject({ kind: 'markdown', text: '# Report\n\nrows: 7\nscore: 9\n' });
  });

  it('answers a create with the same name idempotently, and refuses other parameters under it', async () => {
    const again = await runs.createRun(NS, {
      ir: compiled().ir,
      parameters: { rows: 7, scale: 3 },
      name: 'demo-1'
    });
    expect(again.created).toBe(false);
    const error = await failure(
      runs.createRun(NS, { ir: compiled().ir, parameters: { rows: 8 }, name: 'demo-1' })
    );
    expect(error).toMatchObject({ code: 'conflict' });
  });

  it('takes unchanged steps from the cache on a new run (caching off for the report)', async () => {
    await runs.createRun(NS, {
      ir: compiled().ir,
      parameters: { rows: 7, scale: 3 },
      name: 'demo-2'
    });
    const second = await finished(runs, 'demo-2');
    expect(phases(second)).toEqual({
      generate: 'Cached',
      stats: 'Cached',
      train: 'Cached',
      report: 'Succeeded'
    });
    expect(step(second, 'stats')).toMatchObject({
      reason: 'CacheHit',
      outputs: { parameters: { count: 7 } }
    });
    expect(step(second, 'stats').message).toContain('run demo-1');
    expect(await logs(runs, 'demo-2', 'stats')).toContain('did not run');
  });

  it('misses the cache when an embedded file changes', async () => {
    const edited = files({
      'stats.py': readFileSync(join(EXAMPLES, 'stats.py'), 'utf8') + '\nprint("edited")\n'
    });
    const { ir } = compile(demo, edited);
    await runs.createRun(NS, { ir, parameters: { rows: 7, scale: 3 }, name: 'demo-edited' });
    const run = await finished(runs, 'demo-edited');
    expect(phases(run)).toEqual({
      generate: 'Cached',
      stats: 'Succeeded',
      train: 'Cached',
      report: 'Succeeded'
    });
    expect(await logs(runs, 'demo-edited', 'stats')).toContain('edited');
  });

  it('runs from a node: upstream outputs reused, the node and its dependants run', async () => {
    const rerun = await runs.rerun(NS, 'demo-1', { fromTask: 'train', name: 'demo-from-train' });
    expect(rerun.rerunOf).toBe('demo-1');
    const run = await finished(runs, 'demo-from-train');
    expect(phases(run)).toEqual({
      generate: 'Cached',
      stats: 'Cached',
      train: 'Succeeded',
      report: 'Succeeded'
    });
    expect(step(run, 'generate')).toMatchObject({
      reason: 'Reused',
      message: 'outputs reused from run demo-1'
    });
    expect(step(run, 'train').outputs.parameters.Output).toBeCloseTo(9);
  });

  it('runs only a node: its upstream reused, the rest not selected', async () => {
    await runs.rerun(NS, 'demo-1', { onlyTask: 'stats', name: 'demo-only-stats' });
    const run = await finished(runs, 'demo-only-stats');
    expect(phases(run)).toEqual({
      generate: 'Cached',
      stats: 'Succeeded',
      train: 'Skipped',
      report: 'Skipped'
    });
    expect(step(run, 'train').reason).toBe('NotSelected');
    expect(run.phase).toBe('Succeeded');
  });
});

describe('failures', () => {
  it('fails one branch (after its retry), skips its dependants with the reason, finishes the other', async () => {
    const runs = runner();
    const broken = `def train(data: str, scale: float, model: str) -> float:\n    raise ValueError("bad scale")\n`;
    await runs.createRun(NS, {
      ir: compiled(demo, { 'train.py': broken }).ir,
      name: 'demo-broken'
    });
    const run = await finished(runs, 'demo-broken');
    expect(run.phase).toBe('Failed');
    // generate and stats may come from the cache when the demo ran before with the same parameters.
    expect(['Succeeded', 'Cached']).toContain(step(run, 'stats').phase);
    expect(phases(run)).toMatchObject({ train: 'Failed', report: 'Skipped' });
    expect(step(run, 'train')).toMatchObject({ reason: 'ExitCode 1', exitCode: 1, attempts: 2 });
    expect(step(run, 'report')).toMatchObject({
      reason: 'UpstreamFailed',
      message: 'upstream step train failed'
    });
    expect(run.message).toContain('step train failed: ExitCode 1');
    expect(await logs(runs, 'demo-broken', 'train')).toContain('ValueError: bad scale');
  });

  it('names a script file that is missing at run time, and a program this machine lacks', async () => {
    const runs = runner();
    const ir = shellIr('missing', { ok: { script: 'true' } });
    (ir.deploymentSpec.executors['exec-ok'] as { container: object }).container = {
      image: 'python:3.11',
      command: ['python3', 'gone/train.py']
    };
    ir.root.dag.tasks.tool = { taskInfo: { name: 'tool' }, componentRef: { name: 'comp-tool' } };
    ir.components['comp-tool'] = { executorLabel: 'exec-tool' };
    ir.deploymentSpec.executors['exec-tool'] = {
      container: { image: 'r-base', command: ['Rscript-not-here', 'x.R'] }
    };
    await runs.createRun(NS, { ir, name: 'missing-files' });
    const run = await finished(runs, 'missing-files');
    expect(step(run, 'ok')).toMatchObject({ phase: 'Failed', reason: 'FileNotFound' });
    expect(step(run, 'ok').message).toContain(
      `gone/train.py does not exist (looked for ${join(workDir, 'gone/train.py')})`
    );
    expect(step(run, 'tool')).toMatchObject({ phase: 'Failed', reason: 'CommandNotFound' });
    expect(step(run, 'tool').message).toContain('the image r-base is not used by the local runner');
  });

  it('stops a step at its timeout (the platform spec’s activeDeadlineSeconds)', async () => {
    const runs = runner();
    const ir = shellIr('slow', { slow: { script: 'echo started; sleep 30' } });
    const platformSpec = {
      platforms: {
        kubernetes: { deploymentSpec: { executors: { 'exec-slow': { activeDeadlineSeconds: 1 } } } }
      }
    };
    await runs.createRun(NS, { ir, platformSpec, name: 'timeout' });
    const run = await finished(runs, 'timeout');
    expect(step(run, 'slow')).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });

  it('refuses an IR it cannot run, naming the task and the IR path, and starts nothing', async () => {
    const runs = runner();
    const ir = shellIr('loop', { a: { script: 'true' } });
    (ir.root.dag.tasks.a as Record<string, unknown>).parameterIterator = {
      items: { raw: '[1,2]' }
    };
    const error = await failure(runs.createRun(NS, { ir, name: 'loop' }));
    expect(error).toMatchObject({
      code: 'invalid_spec',
      fields: [
        {
          path: '/ir/root/dag/tasks/a/parameterIterator',
          message: expect.stringContaining('task "a"')
        }
      ]
    });
    const missing = await failure(
      runs.createRun(NS, { ir: compiled().ir, parameters: { rows: 'many' } })
    );
    expect(missing).toMatchObject({
      fields: [{ path: '/parameters/rows', message: 'must be an integer, got "many"' }]
    });
    expect((await runs.list(NS)).items.some(r => r.name === 'loop')).toBe(false);
  });
});

describe('parallelism, cancel and restart', () => {
  it('runs independent steps at most `parallelism` at a time', async () => {
    const runs = runner({ parallelism: 2 });
    const tasks = Object.fromEntries(['a', 'b', 'c', 'd'].map(t => [t, { script: 'sleep 0.3' }]));
    let most = 0;
    const subscription = runs.watch(NS, event => {
      if (event.type === 'added' || event.type === 'modified') {
        if (event.object.name === 'fan-out') {
          most = Math.max(most, event.object.steps.filter(s => s.phase === 'Running').length);
        }
      }
    });
    await runs.createRun(NS, { ir: shellIr('fan', tasks), name: 'fan-out' });
    const run = await finished(runs, 'fan-out');
    subscription.close();
    expect(run.phase).toBe('Succeeded');
    expect(most).toBe(2);
  });

  it('cancel kills the process trees and leaves no process behind', async () => {
    const runs = runner();
    const ir = shellIr('cancel', {
      sleeper: { script: 'sleep 60 & sleep 60; wait' },
      other: { script: 'sleep 60' },
      after: { script: 'true', after: ['sleeper'] }
    });
    await runs.createRun(NS, { ir, name: 'to-cancel' });
    const running = await until(
      runs,
      'to-cancel',
      r => r.steps.filter(s => s.phase === 'Running').length === 2,
      'two steps running'
    );
    expect(running.phase).toBe('Running');
    const record = JSON.parse(
      readFileSync(join(stateDir, 'runs', NS, 'to-cancel', 'run.json'), 'utf8')
    );
    const pids: number[] = record.steps
      .filter((s: { pid?: number }) => s.pid)
      .map((s: { pid: number }) => s.pid);
    expect(pids.length).toBe(2);
    expect(pids.every(pid => livePidsOfGroup(pid).length > 0)).toBe(true);
    const cancelled = await runs.cancel(NS, 'to-cancel');
    expect(cancelled.phase).toBe('Cancelled');
    expect(phases(cancelled)).toEqual({
      sleeper: 'Cancelled',
      other: 'Cancelled',
      after: 'Cancelled'
    });
    expect(pids.map(pid => livePidsOfGroup(pid))).toEqual([[], []]);
  });

  it('survives a proxy restart: a running step is re-attached, one that ended meanwhile is settled', async () => {
    const first = runner();
    const ir = shellIr('restart', {
      quick: { script: 'sleep 0.5; echo quick' },
      long: { script: 'sleep 3; echo done' },
      last: { script: 'echo last', after: ['quick', 'long'] }
    });
    await first.createRun(NS, { ir, name: 'restart' });
    await until(
      first,
      'restart',
      r => r.steps.filter(s => s.phase === 'Running').length === 2,
      'both running'
    );
    first.close(); // the "proxy" goes away; the step processes keep running
    await new Promise(r => setTimeout(r, 1200)); // quick ends while nobody watches
    const second = runner();
    const recovered = await second.get(NS, 'restart');
    expect(phases(recovered)).toMatchObject({ quick: 'Succeeded', long: 'Running' });
    const run = await finished(second, 'restart');
    expect(phases(run)).toEqual({ quick: 'Succeeded', long: 'Succeeded', last: 'Succeeded' });
    expect(await logs(second, 'restart', 'long')).toContain('done');
  });

  it('marks a step whose process vanished while the proxy was down, with the reason', async () => {
    const first = runner();
    await first.createRun(NS, {
      ir: shellIr('vanish', { gone: { script: 'sleep 30' } }),
      name: 'vanish'
    });
    const running = await until(
      first,
      'vanish',
      r => step(r, 'gone').phase === 'Running',
      'running'
    );
    expect(running.phase).toBe('Running');
    first.close();
    const record = JSON.parse(
      readFileSync(join(stateDir, 'runs', NS, 'vanish', 'run.json'), 'utf8')
    );
    process.kill(-record.steps[0].pid, 'SIGKILL');
    await new Promise(r => setTimeout(r, 300));
    const second = runner();
    const run = await finished(second, 'vanish');
    expect(step(run, 'gone')).toMatchObject({ phase: 'Failed', reason: 'ProxyRestarted' });
  });
});

describe('an IR compiled by the kfp SDK', () => {
  it("runs kfp's lightweight Python components with kfp's own executor, like kfp.local", async () => {
    // The kfp venv of the IR fidelity tests (test/kfp/venv.sh: kfp from PyPI, cached per machine).
    const kfpPython = execFileSync('bash', [join(REPO, 'test/kfp/venv.sh')], {
      encoding: 'utf8'
    }).trim();
    const out = join(workDir, 'chain.yaml');
    execFileSync(
      kfpPython,
      [
        '-W',
        'ignore',
        '-c',
        `from kfp import compiler; import chain; compiler.Compiler().compile(chain.chain, ${JSON.stringify(out)})`
      ],
      { cwd: join(REPO, 'bench/pipelines') }
    );
    const ir = parseYaml(readFileSync(out, 'utf8'));
    const runs = runner({ python: kfpPython });
    await runs.createRun(NS, { ir, parameters: { start: 5 }, name: 'kfp-chain' });
    const run = await finished(runs, 'kfp-chain');
    expect(run.phase).toBe('Succeeded');
    expect(run.steps).toHaveLength(10);
    expect(step(run, 'add-one-10').outputs.parameters).toEqual({ Output: 15 });
    // kfp's executor wrote executor_output.json in kfp.local's task root layout.
    const root = join(stateDir, 'pipeline-root');
    const runDir = readdirSync(root).find(d => d.startsWith('chain-10-'))!;
    const written = JSON.parse(
      readFileSync(join(root, runDir, 'add-one-10', 'executor_output.json'), 'utf8')
    );
    expect(written.parameterValues).toEqual({ Output: 15 });
    expect(step(run, 'add-one').note).toContain('the image python:3.11 was not used');
  });
});

describe('step logs', () => {
  it('follows a step that has not started yet until it ends', async () => {
    const runs = runner();
    const ir = shellIr('follow', {
      first: { script: 'sleep 0.5' },
      second: { script: 'echo one; sleep 0.3; echo two', after: ['first'] }
    });
    await runs.createRun(NS, { ir, name: 'follow' });
    let text = '';
    await runs.stepLogs(NS, 'follow', 'second', { follow: true }, chunk => (text += chunk));
    expect(text).toBe('one\ntwo\n');
    expect(step(await runs.get(NS, 'follow'), 'second').phase).toBe('Succeeded');
  });
});

describe('a run that cannot be resumed', () => {
  it('is failed with the reason, and the other runs still load', async () => {
    const first = runner();
    const ir = shellIr('damaged', {
      a: { script: 'sleep 0.5' },
      b: { script: 'true', after: ['a'] }
    });
    await first.createRun(NS, { ir, name: 'damaged' });
    await until(first, 'damaged', r => step(r, 'a').phase === 'Running', 'running');
    first.close();
    // a ends while no proxy runs; reading its outputs needs the run's IR, which is then damaged.
    const exitFile = join(stateDir, 'runs', NS, 'damaged', 'logs', 'a.1.exit');
    while (!existsSync(exitFile)) {
      await new Promise(r => setTimeout(r, 50));
    }
    writeFileSync(join(stateDir, 'runs', NS, 'damaged', 'documents.json'), '{ not json');
    const second = runner();
    const listed = (await second.list(NS)).items.find(r => r.name === 'damaged')!;
    expect(listed).toMatchObject({ phase: 'Failed', reason: 'Unrecoverable' });
    expect(listed.message).toContain('the proxy could not resume this run');
    expect((await second.list(NS)).items.some(r => r.name === 'demo-1')).toBe(true);
    rmSync(join(stateDir, 'runs', NS, 'damaged'), { recursive: true, force: true });
  });
});

describe('deleting a run', () => {
  it('removes its record, logs and outputs', async () => {
    const runs = runner();
    await runs.createRun(NS, {
      ir: shellIr('del', { a: { script: 'echo hi > "$KFWB_TASK_ROOT/x"' } }),
      name: 'del'
    });
    const run = await finished(runs, 'del');
    expect(run.phase).toBe('Succeeded');
    const dir = join(stateDir, 'runs', NS, 'del');
    expect(existsSync(dir)).toBe(true);
    mkdirSync(join(workDir, 'keep'), { recursive: true });
    writeFileSync(join(workDir, 'keep', 'file'), 'user data');
    await runs.delete(NS, 'del');
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(workDir, 'keep', 'file'), 'utf8')).toBe('user data');
    expect(await failure(runs.get(NS, 'del'))).toMatchObject({ code: 'not_found' });
  });
});
