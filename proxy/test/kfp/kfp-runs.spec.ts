/**
 * KFP runs next to local runs: one merged live list (the snapshot waits for both sides), polling with backoff
 * when the cluster cannot be watched, and every call routed to whoever owns the run.
 */
import { ResourceEvent } from '../../../contract/live';
import { IRun } from '../../../contract/pipeline';
import { KfpAuth } from '../../src/backends/kfp/auth';
import { CompositePipelines, mergeWatches } from '../../src/backends/kfp/composite';
import { KfpConnector } from '../../src/backends/kfp/connection';
import { KfpRuns } from '../../src/backends/kfp/kfp-runs';
import { IKfpCluster } from '../../src/backends/kfp/cluster';
import { BackendError } from '../../src/backends/types';
import { FakePipelines } from '../pipelines/fake-pipelines';
import { FakeKfp } from './fake-kfp';
import { IR } from './fixtures';

const run = (name: string, backend: 'local' | 'kfp' = 'local'): IRun => ({
  name,
  namespace: 'ns',
  created: '2026-11-30T08:00:00Z',
  version: name,
  phase: 'Running',
  backend,
  pipelineName: 'p',
  parameters: {},
  steps: []
});

function kfpSide(kfp = new FakeKfp(), cluster?: IKfpCluster) {
  const connector = new KfpConnector({
    auth: new KfpAuth({ tokenPath: '/nonexistent' }),
    serviceProxy: { service: 'kubeflow/ml-pipeline:8888', transport: () => kfp }
  });
  const pollMs = { min: 20, max: 80, watched: 1000 };
  return { kfp, runs: new KfpRuns({ connector, pollMs, ...(cluster ? { cluster } : {}) }) };
}

/** Collects events and resolves when one matches. */
function recorder() {
  const events: ResourceEvent<IRun>[] = [];
  const waiters: [(e: ResourceEvent<IRun>) => boolean, () => void][] = [];
  return {
    events,
    push: (e: ResourceEvent<IRun>) => {
      events.push(e);
      waiters.filter(([m]) => m(e)).forEach(([, resolve]) => resolve());
    },
    until: (match: (e: ResourceEvent<IRun>) => boolean) =>
      events.some(match)
        ? Promise.resolve()
        : new Promise<void>(resolve => waiters.push([match, resolve]))
  };
}

describe('mergeWatches', () => {
  it('sends one snapshot once both sides sent theirs, then passes changes through', () => {
    const handlers: Record<string, (e: ResourceEvent<IRun>) => void> = {};
    const seen: ResourceEvent<IRun>[] = [];
    mergeWatches(e => seen.push(e), {
      local: h => ((handlers.local = h), { close: () => undefined }),
      kfp: h => ((handlers.kfp = h), { close: () => undefined })
    });
    handlers.local({ type: 'snapshot', items: [run('a')] });
    handlers.local({ type: 'added', object: run('b') });
    expect(seen).toEqual([]);
    handlers.kfp({ type: 'snapshot', items: [run('k', 'kfp')] });
    expect(seen).toEqual([{ type: 'snapshot', items: [run('a'), run('b'), run('k', 'kfp')] }]);
    handlers.kfp({ type: 'deleted', object: { name: 'k', namespace: 'ns' } });
    expect(seen[1]).toEqual({ type: 'deleted', object: { name: 'k', namespace: 'ns' } });
  });
});

describe('KfpRuns and the composite', () => {
  it('submits with backend kfp, lists both kinds, and routes get by owner', async () => {
    const { kfp, runs } = kfpSide();
    const local = new FakePipelines();
    const pipelines = new CompositePipelines(
      Object.assign(local, { close: () => undefined }),
      runs
    );
    const { run: created } = await pipelines.createRun('ns', {
      ir: IR,
      parameters: { lr: 0.1 },
      name: 'on-kfp',
      backend: 'kfp',
      experiment: 'exp'
    });
    expect(created).toMatchObject({
      name: kfp.runs[0].run_id,
      displayName: 'on-kfp',
      backend: 'kfp',
      kfp: { experiment: 'exp' }
    });
    expect(created.steps.map(s => [s.task, s.phase])).toEqual([
      ['prep', 'Pending'],
      ['train', 'Pending']
    ]);
    expect(local.created).toEqual([]);
    expect((await pipelines.get('ns', created.name)).backend).toBe('kfp');
    await expect(pipelines.get('ns', 'nowhere')).rejects.toThrow(
      'neither on this machine nor on Kubeflow Pipelines'
    );
    const names = (await pipelines.list('ns')).items.map(r => r.name);
    expect(names).toContain(created.name);
  });

  it('polls when it cannot watch, says so, and sends a change when KFP moves the run', async () => {
    const { kfp, runs } = kfpSide();
    await runs.createRun('ns', { ir: IR, parameters: { lr: 0.1 }, name: 'polled' });
    const events = recorder();
    const subscription = runs.watch('ns', events.push);
    try {
      await events.until(e => e.type === 'snapshot');
      kfp.runs[0].state = 'RUNNING';
      kfp.runs[0].run_details = {
        task_details: [{ task_id: 't1', display_name: 'prep', state: 'RUNNING' }]
      };
      await events.until(e => e.type === 'modified' && e.object.phase === 'Running');
      const modified = events.events.find(e => e.type === 'modified') as { object: IRun };
      expect(modified.object.steps[0].phase).toBe('Running');
      expect((await runs.connector.ready()).message).toContain('Run updates are polled');
      // The same in a field, for the run view's note (IKfpConnection.updates).
      expect((await runs.connector.ready()).updates).toBe('poll');
    } finally {
      subscription.close();
    }
  });
});

describe('step logs of KFP runs', () => {
  /** A cluster where every step pod is gone and nothing of its log was kept. */
  const goneCluster = {
    runPods: async () => new Map(),
    forget: async () => undefined,
    watchRuns: () => ({ ready: Promise.resolve('not here'), close: () => undefined }),
    stepLog: async (_ns: string, _run: string, task: string) => {
      throw new BackendError(
        'not_found',
        `The pod of ${task} is gone and none of its log was kept.`
      );
    }
  };

  async function runningRun(kfp: FakeKfp, runs: KfpRuns) {
    const { run } = await runs.createRun('ns', { ir: IR, parameters: { lr: 0.1 }, name: 'logs' });
    Object.assign(kfp.runs[0], {
      state: 'RUNNING',
      run_details: {
        task_details: [
          {
            task_id: 'a',
            display_name: 'prep',
            state: 'SUCCEEDED',
            child_tasks: [{ pod_name: 'wf-node-1' }]
          },
          { task_id: 'b', display_name: 'executor', state: 'SUCCEEDED' }
        ]
      }
    });
    return run.name;
  }

  it("falls back to KFP's executor-logs artifact once the pod is gone", async () => {
    const kfp = new FakeKfp();
    const { runs } = kfpSide(kfp, goneCluster);
    const id = await runningRun(kfp, runs);
    kfp.artifacts.set(`${id}/wf-node-1/executor-logs`, 'prep says hello\n');
    const chunks: string[] = [];
    await runs.stepLogs('ns', id, 'prep', {}, c => void chunks.push(c));
    expect(chunks.join('')).toBe(
      "[workbench] The step's pod is gone; this is the log KFP kept (executor-logs artifact).\nprep says hello\n"
    );
  });

  it('says in words why there is no log when neither the pod nor KFP has one', async () => {
    const kfp = new FakeKfp();
    const { runs } = kfpSide(kfp, goneCluster);
    const id = await runningRun(kfp, runs);
    const chunks: string[] = [];
    await runs.stepLogs('ns', id, 'prep', {}, c => void chunks.push(c));
    expect(chunks.join('')).toContain('[workbench] No log for step prep: The pod of prep is gone');
    expect(chunks.join('')).toContain('no executor-logs or main-logs artifact');
    const notStarted: string[] = [];
    await runs.stepLogs('ns', id, 'train', {}, c => void notStarted.push(c));
    expect(notStarted.join('')).toBe('[workbench] Step train has not started yet: no log.\n');
  });
});

describe('KFP runs followed through the cluster watch', () => {
  it('re-reads a run when its Workflow changes, without waiting for the slow poll, and says it watches', async () => {
    const kfp = new FakeKfp();
    let changed: (runId: string | undefined) => void = () => undefined;
    const cluster: IKfpCluster = {
      runPods: async () => new Map(),
      forget: async () => undefined,
      stepLog: async () => undefined,
      watchRuns: (_ns, onChange) => {
        changed = onChange;
        return { ready: Promise.resolve(undefined), close: () => undefined };
      }
    };
    const connector = new KfpConnector({
      auth: new KfpAuth({ tokenPath: '/nonexistent' }),
      serviceProxy: { service: 'kubeflow/ml-pipeline:8888', transport: () => kfp }
    });
    // The poll would take an hour: only the watch can deliver the change in time.
    const pollMs = { min: 3_600_000, max: 3_600_000, watched: 3_600_000 };
    const runs = new KfpRuns({
      connector,
      cluster,
      pollMs,
      uiUrl: 'http://kfp-ui.example/pipeline'
    });
    const { run } = await runs.createRun('team-a', {
      ir: IR,
      parameters: { lr: 0.1 },
      name: 'watched'
    });
    expect(run.kfp?.url).toBe(`http://kfp-ui.example/pipeline/#/runs/details/${run.name}`);
    const events = recorder();
    const subscription = runs.watch('team-a', events.push);
    try {
      await events.until(e => e.type === 'snapshot');
      await new Promise(resolve => setImmediate(resolve));
      kfp.runs[0].state = 'SUCCEEDED';
      changed(run.name);
      await events.until(e => e.type === 'modified' && e.object.phase === 'Succeeded');
      expect((await connector.ready()).message).toContain(
        'Run updates: watching Workflows and pods in kubeflow.'
      );
    } finally {
      subscription.close();
    }
  });
});
