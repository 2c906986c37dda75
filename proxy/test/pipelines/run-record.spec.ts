/** What an ended attempt means for a step: success, a retry with its backoff, or the failure, in plain words. */
import {
  endedStep,
  IStepRecord,
  withRunPhase,
  IRunRecord
} from '../../src/backends/local/pipelines/run-record';

const step = (attempts: number, maxAttempts: number): IStepRecord => ({
  task: 'train',
  component: 'comp-train',
  upstream: [],
  phase: 'Running',
  attempts,
  maxAttempts,
  taskRoot: '/x/train',
  inputs: { parameters: {}, artifacts: {} },
  outputs: { parameters: {}, artifacts: {} }
});
const backoff = (attempt: number) => Math.min(60, 5 * 2 ** (attempt - 1));

describe('endedStep', () => {
  it('succeeds on exit 0', () => {
    expect(endedStep(step(1, 1), { exitCode: 0 }, backoff)).toMatchObject({
      phase: 'Succeeded',
      exitCode: 0
    });
  });

  it('retries with the backoff while attempts are left, saying why', () => {
    const before = Date.now();
    const change = endedStep(step(2, 3), { exitCode: 3 }, backoff);
    const after = Date.now();
    expect(change).toMatchObject({ phase: 'Pending', reason: 'RetryBackoff', exitCode: 3 });
    expect(change.message).toBe(
      'attempt 2 of 3 failed (ExitCode 3: the command exited with code 3); retrying in 10 s'
    );
    // Attempt 2 waits 5 s × 2^(2-1) from the moment it ended.
    const retryAt = Date.parse(change.retryAt!);
    expect(retryAt).toBeGreaterThanOrEqual(before + 10000 - 1);
    expect(retryAt).toBeLessThanOrEqual(after + 10000);
  });

  it('fails after the last attempt, counting them', () => {
    expect(endedStep(step(3, 3), { exitCode: 1 }, backoff)).toMatchObject({
      phase: 'Failed',
      reason: 'ExitCode 1',
      message: 'the command exited with code 1 (after 3 attempts)'
    });
  });

  it.each([
    [{ signal: 'SIGKILL' }, 'Killed', 'ended by SIGKILL without an exit code'],
    [
      { stopReason: 'DeadlineExceeded' },
      'DeadlineExceeded',
      'the step ran longer than its timeout and was stopped'
    ],
    [
      { exitCode: 0, error: { reason: 'OutputMissing', message: 'no count' } },
      'OutputMissing',
      'no count'
    ]
  ])('%j → %s', (end, reason, message) => {
    expect(endedStep(step(1, 1), end, backoff)).toMatchObject({ phase: 'Failed', reason, message });
  });

  it('is Cancelled, not failed or retried, when the run was cancelled', () => {
    expect(endedStep(step(1, 3), { stopReason: 'Cancelled' }, backoff)).toMatchObject({
      phase: 'Cancelled',
      reason: 'Cancelled'
    });
  });
});

describe('withRunPhase', () => {
  it('says which steps failed and why', () => {
    const record = {
      phase: 'Running',
      steps: [
        {
          ...step(1, 1),
          phase: 'Failed',
          reason: 'ExitCode 1',
          message: 'the command exited with code 1'
        },
        { ...step(1, 1), task: 'report', phase: 'Skipped', reason: 'UpstreamFailed' }
      ]
    } as unknown as IRunRecord;
    const failed = withRunPhase(record, 'Failed');
    expect(failed.message).toBe('step train failed: ExitCode 1 (the command exited with code 1)');
    expect(failed.finished).toBeDefined();
  });
});
