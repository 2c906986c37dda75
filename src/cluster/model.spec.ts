import { IInfo } from '../../contract/info';
import { ProxyClient } from '../api/client';
import { ProxyError } from '../api/errors';
import { ClusterModel } from './model';

const info = (over: Partial<IInfo['backend']> = {}): IInfo => ({
  backend: { kind: 'local', selected: 'auto', state: 'connected', namespace: 'default', ...over },
  versions: { proxy: '0.1.0', node: 'v20', clientNode: '1.4.0' }
});

function fakeClient(
  infos: (IInfo | Error)[],
  namespaces: (string | { name: string; system?: boolean })[] = ['default', 'team-a']
) {
  return {
    info: jest.fn(async () => {
      const next = infos.length > 1 ? infos.shift()! : infos[0];
      if (next instanceof Error) {
        throw next;
      }
      return next;
    }),
    namespaces: jest.fn(async () => ({
      items: namespaces.map(n => (typeof n === 'string' ? { name: n } : n)),
      default: 'default'
    })),
    retry: jest.fn(async () => infos[0])
  } as unknown as ProxyClient;
}

describe('ClusterModel', () => {
  it('loads info and namespaces, and emits only on real change', async () => {
    const model = new ClusterModel(fakeClient([info()]));
    const states: string[] = [];
    const namespaces: string[] = [];
    model.stateChanged.connect((_, s) => states.push(s.status));
    model.namespaceChanged.connect((_, n) => namespaces.push(n));
    await model.start();
    await model.start();
    expect(states).toEqual(['ready']);
    expect(namespaces).toEqual(['default']);
    expect(model.state).toMatchObject({ status: 'ready', namespaces: ['default', 'team-a'] });
    model.setNamespace('team-a');
    model.setNamespace('team-a');
    expect(namespaces).toEqual(['default', 'team-a']);
    model.dispose();
  });

  it('prefers the configured namespace when the backend offers it', async () => {
    const model = new ClusterModel(fakeClient([info()]));
    model.preferNamespace('team-a');
    await model.start();
    expect(model.namespace).toBe('team-a');
    // Changed later (the setting): switches at once when offered, stays put when not.
    model.preferNamespace('default');
    expect(model.namespace).toBe('default');
    model.preferNamespace('nowhere');
    expect(model.namespace).toBe('default');
    model.dispose();
  });

  it("hides the cluster's own namespaces unless asked for, and reloads when asked", async () => {
    const client = fakeClient(
      [info()],
      ['team-a', 'default', { name: 'kube-system', system: true }]
    );
    const model = new ClusterModel(client);
    await model.start();
    expect(model.state).toMatchObject({ namespaces: ['team-a', 'default'] });
    model.showSystemNamespaces(true);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.state).toMatchObject({ namespaces: ['team-a', 'default', 'kube-system'] });
    model.dispose();
  });

  it('switches the proxy to the backend chosen in the settings, only when it runs another one', async () => {
    const client = fakeClient([info({ selected: 'auto' })]);
    const model = new ClusterModel(client);
    await model.start();
    await model.useBackend('auto');
    expect(client.retry).not.toHaveBeenCalled();
    await model.useBackend('local');
    expect(client.retry).toHaveBeenCalledWith('local');
    model.dispose();
  });

  it('shows the error in plain words and recovers on retry', async () => {
    const client = fakeClient([
      new ProxyError('The Kubeflow Workbench proxy did not answer', 502, 'proxy_missing'),
      info()
    ]);
    const model = new ClusterModel(client);
    await model.start();
    expect(model.state).toEqual({
      status: 'error',
      message: 'The Kubeflow Workbench proxy did not answer'
    });
    await model.retry();
    expect(model.state.status).toBe('ready');
    expect(client.retry).toHaveBeenCalled();
    model.dispose();
  });

  it('keeps showing an unreachable cluster with its reason', async () => {
    const down = info({
      kind: 'kubernetes',
      selected: 'kubernetes',
      state: 'unreachable',
      message: 'no answer from https://k:6443'
    });
    const model = new ClusterModel(fakeClient([down]));
    await model.start();
    expect(model.state).toMatchObject({
      status: 'ready',
      info: { backend: { state: 'unreachable', message: 'no answer from https://k:6443' } }
    });
    model.dispose();
  });
});
