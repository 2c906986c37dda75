/** KFP's own upload checks, made before anything is sent; and a refused identity seen on a real call. */
import { KfpAuth } from '../../src/backends/kfp/auth';
import { KfpApiError } from '../../src/backends/kfp/client';
import { KfpConnector } from '../../src/backends/kfp/connection';
import { irProblems } from '../../src/backends/kfp/ir-check';
import { FakeKfp } from './fake-kfp';
import { IR } from './fixtures';

describe('irProblems', () => {
  it('accepts a kfp-shaped IR', () => {
    expect(irProblems(IR)).toEqual([]);
  });

  it.each([
    ['a pipeline name KFP refuses', { pipelineInfo: { name: '-train' } }, '/ir/pipelineInfo/name'],
    [
      'a name longer than 128',
      { pipelineInfo: { name: 'a'.repeat(129) } },
      '/ir/pipelineInfo/name'
    ],
    ['another schema version', { schemaVersion: '2.0.0' }, '/ir/schemaVersion'],
    ['no root', { root: undefined }, '/ir/root']
  ])('refuses %s', (_what, change, path) => {
    expect(irProblems({ ...IR, ...change }).map(p => p.path)).toEqual([path]);
  });
});

describe('a refused identity on a real call', () => {
  it('says "unauthorized" with the words of the refusal until a call goes through again', async () => {
    const kfp = new FakeKfp();
    const connector = new KfpConnector({
      auth: new KfpAuth({ tokenPath: '/nonexistent' }),
      serviceProxy: { service: 'kubeflow/ml-pipeline:8888', transport: () => kfp }
    });
    expect((await connector.discover()).state).toBe('connected');
    const message =
      'Kubeflow Pipelines refused to list runs (sent as no identity): no user identity header';
    connector.refused(new KfpApiError('unauthorized', message, 401, 'no user identity header'));
    expect(connector.connection()).toMatchObject({ state: 'unauthorized', message });
    // Still usable: the next call may carry a rotated token.
    await expect(connector.client()).resolves.toBeDefined();
    connector.accepted();
    expect(connector.connection().state).toBe('connected');
  });
});
