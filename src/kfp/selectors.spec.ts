import { IKfpConnection } from '../../contract/kfp';
import { IPipelineParameter, IRun } from '../../contract/pipeline';
import {
  connectionFacts,
  experimentsOf,
  identityWords,
  isArchived,
  parameterText,
  parameterValues,
  submitDisabledReason,
  whereLabel
} from './selectors';

const run = (name: string, extra: Partial<IRun> = {}): IRun => ({
  name,
  namespace: 'team-a',
  created: '2026-11-30T05:00:00Z',
  version: '1',
  phase: 'Running',
  backend: 'kfp',
  pipelineName: 'p',
  parameters: {},
  steps: [],
  ...extra
});

describe('the KFP connection in words', () => {
  const connected: IKfpConnection = {
    state: 'connected',
    via: 'service-proxy',
    endpoint: 'https://127.0.0.1:6443/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy',
    auth: 'kubeconfig',
    identity: 'alice',
    multiUser: true,
    version: '2.5.0',
    updates: 'poll'
  };

  it('lists how it was found, with which identity, and how updates come', () => {
    expect(connectionFacts(connected)).toEqual([
      ['Found via', "the Kubernetes API server's service proxy (your kubeconfig)"],
      ['Endpoint', connected.endpoint],
      ['Identity', 'alice (kubeconfig credentials)'],
      ['Mode', 'multi-user'],
      ['KFP version', '2.5.0'],
      ['Updates', 'polled']
    ]);
    expect(connectionFacts({ state: 'not-found' })).toEqual([]);
  });

  it('names the identity with or without a user', () => {
    expect(identityWords({ auth: 'service-account-token' })).toBe('ServiceAccount token');
    expect(identityWords({ identity: 'bob@example.com' })).toBe('bob@example.com');
    expect(identityWords({})).toBeUndefined();
  });

  it('says why submission is off, with the proxy message', () => {
    expect(submitDisabledReason(connected)).toBe('');
    expect(
      submitDisabledReason({
        state: 'unauthorized',
        message: 'KFP answered 403 to alice (kubeconfig): ask for access to team-a'
      })
    ).toBe(
      'Kubeflow Pipelines is refused: KFP answered 403 to alice (kubeconfig): ask for access to team-a'
    );
    expect(submitDisabledReason({ state: 'too-old' })).toBe('Kubeflow Pipelines is too old.');
    expect(submitDisabledReason(undefined)).toBe('Looking for Kubeflow Pipelines…');
    expect(submitDisabledReason(undefined, 'HTTP 404')).toBe('Kubeflow Pipelines: HTTP 404');
  });
});

describe('runs on KFP', () => {
  it('collects the experiments of KFP runs, sorted, once each', () => {
    const runs = [
      run('a', { kfp: { runId: 'a', experiment: 'nightly' } }),
      run('b', { kfp: { runId: 'b', experiment: 'Default' } }),
      run('c', { kfp: { runId: 'c', experiment: 'nightly' } }),
      run('d', { backend: 'local' }),
      run('e', { kfp: { runId: 'e' } })
    ];
    expect(experimentsOf(runs)).toEqual(['Default', 'nightly']);
  });

  it('marks where a run runs and whether KFP archived it', () => {
    expect(whereLabel(run('a'))).toBe('KFP');
    expect(whereLabel(run('a', { backend: 'local' }))).toBe('local');
    expect(isArchived(run('a', { kfp: { runId: 'a', storageState: 'ARCHIVED' } }))).toBe(true);
    expect(isArchived(run('a', { kfp: { runId: 'a', storageState: 'AVAILABLE' } }))).toBe(false);
    expect(isArchived(run('a', { backend: 'local' }))).toBe(false);
  });
});

describe('submit dialog parameters', () => {
  const params: IPipelineParameter[] = [
    { name: 'rows', type: 'NUMBER_INTEGER', default: 100 },
    { name: 'lr', type: 'NUMBER_DOUBLE', default: 0.01 },
    { name: 'label', type: 'STRING' },
    { name: 'fast', type: 'BOOLEAN', default: false },
    { name: 'layers', type: 'LIST', default: [1, 2] },
    { name: 'opts', type: 'STRUCT' }
  ];

  it('starts from the defaults as text', () => {
    expect(params.map(parameterText)).toEqual(['100', '0.01', '', 'false', '[1,2]', '']);
  });

  it('sends only what differs from the default, read as its type when it is one', () => {
    expect(
      parameterValues(params, {
        rows: '500',
        lr: '0.01',
        label: 'nightly',
        fast: 'true',
        layers: '[4, 8]',
        opts: '{"a": 1}'
      })
    ).toEqual({ rows: 500, label: 'nightly', fast: true, layers: [4, 8], opts: { a: 1 } });
  });

  it('leaves text that is not of the type as typed, for the proxy to name at its field path', () => {
    expect(
      parameterValues(params, { rows: '1.5', lr: 'fast', fast: 'yes', layers: '[1,' })
    ).toEqual({ rows: '1.5', lr: 'fast', fast: 'yes', layers: '[1,' });
    expect(parameterValues(params, {})).toEqual({});
  });
});
