/**
 * Task details → steps, on details shaped like KFP 2.17's (one per Argo node: `<task>-driver`, the task's DAG
 * node, its `executor` pod node; `child_tasks[].pod_name` holding node ids) and pods labelled and annotated like
 * Argo's. Stuck pods say why.
 */
import { IKfpRun, IKfpTaskDetail } from '../../src/backends/kfp/api-types';
import { toRun } from '../../src/backends/kfp/run-view';
import { IStepPod, stepsOfRun, taskOfPod } from '../../src/backends/kfp/steps';
import { IR } from './fixtures';

const WF = 'prep-train-x7k2p';

function detail(
  display: string,
  state: IKfpTaskDetail['state'],
  children: string[] = []
): IKfpTaskDetail {
  return {
    task_id: `${WF}-${display}`,
    display_name: display,
    state,
    create_time: '2026-11-30T08:00:00Z',
    start_time: '2026-11-30T08:00:01Z',
    ...(state === 'SUCCEEDED' || state === 'FAILED' ? { end_time: '2026-11-30T08:01:00Z' } : {}),
    child_tasks: children.map(c => ({ pod_name: `${WF}-${c}` }))
  };
}

function run(state: IKfpRun['state'], details: IKfpTaskDetail[]): IKfpRun {
  return {
    run_id: '4b0f7a52-0000-4000-8000-000000000001',
    display_name: 'first',
    experiment_id: 'e1',
    state,
    created_at: '2026-11-30T08:00:00Z',
    finished_at: '1970-01-01T00:00:00Z',
    run_details: { task_details: details }
  };
}

function pod(task: string, role: 'executor' | 'driver', status: IStepPod['status']): IStepPod {
  const node = role === 'driver' ? `${WF}.root.${task}-driver` : `${WF}.root.${task}.executor`;
  return {
    metadata: {
      name: `${WF}-system-container-${role === 'driver' ? 'driver' : 'impl'}-${task.length}0${role.length}`,
      labels: { 'pipeline/runid': 'r', 'workflows.argoproj.io/workflow': WF },
      annotations: { 'workflows.argoproj.io/node-name': node }
    },
    spec: { containers: [{ name: 'wait' }, { name: 'main' }] },
    status
  };
}

const phases = (steps: { task: string; phase: string }[]) =>
  Object.fromEntries(steps.map(s => [s.task, s.phase]));

describe('stepsOfRun', () => {
  it('takes each task from its own node, folds the driver in, and leaves tasks not reached pending', () => {
    const details = [
      detail(WF, 'RUNNING'),
      detail('root-driver', 'SUCCEEDED'),
      detail('root', 'RUNNING'),
      detail('prep-driver', 'SUCCEEDED'),
      detail('prep', 'SUCCEEDED', ['prep-executor']),
      detail('executor', 'SUCCEEDED'),
      detail('train-driver', 'RUNNING')
    ];
    const steps = stepsOfRun(IR, run('RUNNING', details));
    expect(phases(steps)).toEqual({ prep: 'Succeeded', train: 'Pending' });
    expect(steps[0]).toMatchObject({
      started: '2026-11-30T08:00:01Z',
      finished: '2026-11-30T08:01:00Z',
      attempts: 1
    });
    // Without the cluster there is no pod name: KFP 2.17 gives Argo node ids, not pods.
    expect(steps[0].pod).toBeUndefined();
  });

  it('marks a failed driver, and skips what a failed run never reached', () => {
    const failed = stepsOfRun(IR, run('FAILED', [detail('prep-driver', 'FAILED')]));
    expect(failed).toMatchObject([
      { task: 'prep', phase: 'Failed', reason: 'DriverFailed' },
      { task: 'train', phase: 'Skipped', reason: 'UpstreamFailed' }
    ]);
    expect(phases(stepsOfRun(IR, run('CANCELED', [])))).toEqual({
      prep: 'Cancelled',
      train: 'Cancelled'
    });
  });

  it("finds a step's pod by its Argo node name and says why it is stuck", () => {
    const details = [
      detail('prep', 'SUCCEEDED'),
      detail('train-driver', 'SUCCEEDED'),
      detail('train', 'RUNNING')
    ];
    const stuck = pod('train', 'executor', {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          restartCount: 0,
          state: {
            waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' }
          }
        }
      ]
    });
    const steps = stepsOfRun(IR, run('RUNNING', details), {
      pods: [pod('train', 'driver', { phase: 'Succeeded' }), stuck],
      events: []
    });
    expect(steps[1]).toMatchObject({
      task: 'train',
      phase: 'Running',
      pod: stuck.metadata!.name,
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "nope"'
    });
  });

  it('gives Unschedulable, OOMKilled, and a warning event when the pod itself says nothing', () => {
    const details = [detail('prep', 'RUNNING'), detail('train', 'FAILED')];
    const unschedulable = pod('prep', 'executor', {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes: Insufficient nvidia.com/gpu'
        }
      ]
    });
    const oom = pod('train', 'executor', {
      phase: 'Failed',
      containerStatuses: [
        { name: 'main', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }
      ]
    });
    const steps = stepsOfRun(IR, run('RUNNING', details), {
      pods: [unschedulable, oom],
      events: []
    });
    expect(steps[0]).toMatchObject({
      reason: 'Unschedulable',
      message: '0/1 nodes: Insufficient nvidia.com/gpu'
    });
    expect(steps[1]).toMatchObject({ phase: 'Failed', reason: 'OOMKilled', exitCode: 137 });

    const quiet = pod('prep', 'executor', { phase: 'Pending' });
    const event = {
      type: 'Warning',
      reason: 'FailedMount',
      message: 'secret "creds" not found',
      involvedObject: { kind: 'Pod', name: quiet.metadata!.name },
      lastTimestamp: '2026-11-30T08:00:05Z'
    };
    const withEvent = stepsOfRun(IR, run('RUNNING', [detail('prep', 'RUNNING')]), {
      pods: [quiet],
      events: [event]
    });
    expect(withEvent[0]).toMatchObject({
      reason: 'FailedMount',
      message: 'secret "creds" not found',
      events: [
        {
          type: 'Warning',
          reason: 'FailedMount',
          message: 'secret "creds" not found',
          object: `pod/${quiet.metadata!.name}`,
          lastTimestamp: '2026-11-30T08:00:05Z'
        }
      ]
    });
  });

  it('reads the task out of the node-name annotation, never a driver', () => {
    const tasks = new Set(['prep', 'train']);
    expect(taskOfPod(pod('train', 'executor', {}), tasks)).toBe('train');
    expect(taskOfPod(pod('train', 'driver', {}), tasks)).toBeUndefined();
  });
});

describe('toRun', () => {
  it("is the workbench's run: KFP id as name, display name, experiment, and a version that follows the steps", () => {
    const base = toRun(run('RUNNING', [detail('prep', 'RUNNING')]), {
      namespace: 'team-a',
      ir: IR,
      experiment: 'tuning'
    });
    expect(base).toMatchObject({
      name: '4b0f7a52-0000-4000-8000-000000000001',
      namespace: 'team-a',
      backend: 'kfp',
      phase: 'Running',
      pipelineName: 'prep-train',
      displayName: 'first',
      kfp: {
        runId: '4b0f7a52-0000-4000-8000-000000000001',
        experimentId: 'e1',
        experiment: 'tuning'
      }
    });
    expect(base.finished).toBeUndefined();
    const same = toRun(run('RUNNING', [detail('prep', 'RUNNING')]), {
      namespace: 'team-a',
      ir: IR,
      experiment: 'tuning'
    });
    expect(same.version).toBe(base.version);
    const stepMoved = toRun(run('RUNNING', [detail('prep', 'SUCCEEDED')]), {
      namespace: 'team-a',
      ir: IR,
      experiment: 'tuning'
    });
    expect(stepMoved.version).not.toBe(base.version);
  });
});
