import { IArtifactPreview, IRun, IStep } from '../../contract/pipeline';
import { RunsModelPool } from './model';
import { RunViewModel } from './view-model';
import { FakeResourceStream } from '../live/__tests__/fake-stream';

const step = (task: string, phase: IStep['phase'], extra: Partial<IStep> = {}): IStep => ({
  task,
  label: task,
  phase,
  outputs: { parameters: {}, artifacts: [] },
  ...extra
});

const run = (steps: IStep[]): IRun => ({
  name: 'demo-abc12',
  namespace: 'default',
  created: '2026-11-30T05:00:00Z',
  version: steps.map(s => s.phase).join(),
  phase: 'Running',
  backend: 'local',
  pipelineName: 'demo',
  parameters: {},
  steps
});

function setUp(first: IRun) {
  const stream = new FakeResourceStream<IRun>();
  const client = {
    watchRuns: jest.fn(() => stream),
    getRun: jest.fn(async () => first),
    stepLogs: jest.fn(
      async (_ns: string, _name: string, task: string) => `line 1\n${task} says\nTraceback: boom\n`
    ),
    followStepLogs: jest.fn(
      async (_ns: string, _n: string, task: string, onText: (t: string) => void) =>
        onText(`${task} live\n`)
    ),
    stepOutput: jest.fn(async (): Promise<IArtifactPreview> => ({
      artifact: { name: 'report', uri: '/tmp/report', schemaTitle: 'system.Markdown' },
      kind: 'markdown',
      text: '# Report',
      truncated: false
    }))
  };
  const model = new RunViewModel(client, new RunsModelPool(client), 'default', 'demo-abc12');
  return { stream, client, model };
}

const settle = () => new Promise(r => setTimeout(r, 0));

describe('RunViewModel', () => {
  it('shows the fetched run, then follows the stream', async () => {
    const { stream, model } = setUp(run([step('a', 'Running')]));
    await settle();
    expect(model.run!.steps[0].phase).toBe('Running');
    stream.event.emit({ type: 'snapshot', items: [run([step('a', 'Succeeded')])] });
    expect(model.run!.steps[0].phase).toBe('Succeeded');
    stream.event.emit({ type: 'deleted', object: { name: 'demo-abc12', namespace: 'default' } });
    expect(model.gone).toBe(true);
    expect(model.run!.steps[0].phase).toBe('Succeeded');
    model.dispose();
  });

  it('follows a running step’s log, reads a finished one, and loads the last lines of a failed one', async () => {
    const { stream, client, model } = setUp(run([]));
    stream.event.emit({
      type: 'snapshot',
      items: [
        run([step('a', 'Running'), step('b', 'Failed', { reason: 'ExitCode 1', exitCode: 1 })])
      ]
    });
    model.selectStep('a');
    await settle();
    expect(model.logs.follow).toBe(true);
    expect(model.logs.text).toBe('a live\n');
    model.selectStep('b');
    await settle();
    expect(model.logs.follow).toBe(false);
    expect(model.logs.text).toContain('b says');
    expect(model.tail('b')).toBe('line 1\nb says\nTraceback: boom');
    expect(client.stepLogs).toHaveBeenCalledWith('default', 'demo-abc12', 'b', expect.any(Number));
    model.dispose();
  });

  it('loads output previews per step and artifact', async () => {
    const { model, client } = setUp(run([step('report', 'Succeeded')]));
    const loading = model.loadPreview('report', 'report');
    expect(model.preview('report', 'report')).toEqual({ loading: true });
    await loading;
    expect(model.preview('report', 'report')!.preview!.text).toBe('# Report');
    expect(client.stepOutput).toHaveBeenCalledWith('default', 'demo-abc12', 'report', 'report');
    client.stepOutput.mockRejectedValueOnce(new Error('Run has no step'));
    await model.loadPreview('report', 'missing');
    expect(model.preview('report', 'missing')).toEqual({
      loading: false,
      error: 'Run has no step'
    });
    model.dispose();
  });
});
