/**
 * Submission to KFP on an in-memory KFP: checked before anything is uploaded, idempotent on retry (no second
 * pipeline, version, experiment or run), and a failed run creation names what it left behind.
 */
import { KfpClient } from '../../src/backends/kfp/client';
import { irHash, submitRun, ISubmitInput } from '../../src/backends/kfp/submit';
import { BackendError } from '../../src/backends/types';
import { FakeKfp } from './fake-kfp';
import { IR } from './fixtures';

function setup(multiUser = false) {
  const kfp = new FakeKfp();
  kfp.multiUser = multiUser;
  return { kfp, client: new KfpClient(kfp) };
}

const input = (extra: Partial<ISubmitInput> = {}): ISubmitInput => ({
  ir: IR,
  parameters: { lr: 0.1 },
  name: 'first',
  namespace: 'team-a',
  multiUser: false,
  ...extra
});

const counts = (kfp: FakeKfp) => ({
  pipelines: kfp.pipelines.length,
  versions: kfp.versions.length,
  experiments: kfp.experiments.length,
  runs: kfp.runs.length
});

describe('submitRun', () => {
  it('uploads the pipeline, reuses the version the upload made, creates the experiment and the run', async () => {
    const { kfp, client } = setup();
    const result = await submitRun(client, input({ experiment: 'tuning' }));
    expect(result.created).toBe(true);
    expect(counts(kfp)).toEqual({ pipelines: 1, versions: 1, experiments: 1, runs: 1 });
    expect(result.run).toMatchObject({
      display_name: 'first',
      experiment_id: kfp.experiments[0].experiment_id,
      pipeline_version_reference: {
        pipeline_id: kfp.pipelines[0].pipeline_id,
        pipeline_version_id: kfp.versions[0].pipeline_version_id
      },
      runtime_config: { parameters: { lr: 0.1 } }
    });
    expect(kfp.experiments[0].display_name).toBe('tuning');
    const upload = kfp.requests.find(r => r.path.endsWith('/pipelines/upload'))!;
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toContain('name="uploadfile"; filename="prep-train.yaml"');
    expect(upload.body).toContain('# PIPELINE DEFINITION');
  });

  it('answers the same run on a retry of the same request, creating nothing', async () => {
    const { kfp, client } = setup();
    const first = await submitRun(client, input());
    const before = counts(kfp);
    const again = await submitRun(client, input());
    expect(again.created).toBe(false);
    expect(again.run.run_id).toBe(first.run.run_id);
    expect(counts(kfp)).toEqual(before);
  });

  it('adds one version (named by the IR hash) for a changed IR, and reuses it next time', async () => {
    const { kfp, client } = setup();
    await submitRun(client, input());
    const changed = { ...IR, sdkVersion: 'kfwb-test-2' };
    await submitRun(client, input({ ir: changed, name: 'second' }));
    await submitRun(client, input({ ir: changed, name: 'third' }));
    expect(kfp.pipelines).toHaveLength(1);
    expect(kfp.versions.map(v => v.name)).toEqual(['prep-train', `prep-train-${irHash(changed)}`]);
    expect(kfp.runs).toHaveLength(3);
  });

  it('refuses a run name taken by a run with other parameters, creating nothing', async () => {
    const { kfp, client } = setup();
    await submitRun(client, input());
    const error = await submitRun(client, input({ parameters: { lr: 0.5 } })).catch(e => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('A run named "first" already exists');
    expect(kfp.runs).toHaveLength(1);
  });

  it('refuses what KFP would refuse before uploading anything, with field paths', async () => {
    const { kfp, client } = setup();
    const bad = { ...IR, schemaVersion: '2.0.0', pipelineInfo: { name: 'Prep_Train' } };
    const error = await submitRun(
      client,
      input({ ir: bad, parameters: { epochs: 'many', extra: 1 } })
    ).catch(e => e);
    expect(error.code).toBe('invalid_spec');
    expect(error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      '/ir/pipelineInfo/name',
      '/ir/schemaVersion',
      '/parameters/epochs',
      '/parameters/extra',
      '/parameters/lr'
    ]);
    expect(kfp.requests).toEqual([]);
  });

  it('sends typed values for parameters given as text, and only the ones given', async () => {
    const { kfp, client } = setup();
    await submitRun(client, input({ parameters: { lr: '0.25' } }));
    expect(kfp.runs[0].runtime_config).toEqual({ parameters: { lr: 0.25 } });
  });

  it('names what it uploaded when the run cannot be created', async () => {
    const { kfp, client } = setup();
    kfp.failNextRun = { status: 400, message: 'Failed to generate the ExecutionSpec' };
    const error = await submitRun(client, input()).catch(e => e);
    expect(error.code).toBe('invalid_spec');
    expect(error.message).toContain('The run was not created');
    expect(error.message).toContain('Failed to generate the ExecutionSpec');
    expect(error.message).toContain(`pipeline "prep-train" (${kfp.pipelines[0].pipeline_id})`);
    expect(error.message).toContain(`experiment "Default" (${kfp.experiments[0].experiment_id})`);
    // The retry after fixing the cause reuses all of it.
    const retried = await submitRun(client, input());
    expect(retried.created).toBe(true);
    expect(counts(kfp)).toEqual({ pipelines: 1, versions: 1, experiments: 1, runs: 1 });
  });

  it('keeps pipelines and experiments in the profile in multi-user mode', async () => {
    const { kfp, client } = setup(true);
    await submitRun(client, input({ multiUser: true }));
    expect(kfp.pipelines[0].namespace).toBe('team-a');
    expect(kfp.experiments[0].namespace).toBe('team-a');
    const list = kfp.requests.find(r => r.method === 'GET' && r.path.endsWith('/runs'))!;
    expect(list.query).toMatchObject({
      namespace: 'team-a',
      experiment_id: kfp.experiments[0].experiment_id
    });
  });
});
