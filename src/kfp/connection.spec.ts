/** The KFP connection model: the setting applied, re-detection, and an older answer never winning. */
import { IKfpConnection } from '../../contract/kfp';
import { IKfpClient, KfpConnectionModel } from './connection';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => (resolve = r));
  return { promise, resolve };
}

const CONNECTED: IKfpConnection = {
  state: 'connected',
  via: 'configured',
  endpoint: 'http://kfp:8888'
};
const NOT_FOUND: IKfpConnection = {
  state: 'not-found',
  message: 'No ml-pipeline service and no endpoint configured.'
};

function fakeClient(answers: Partial<IKfpClient> = {}) {
  return {
    kfp: jest.fn(answers.kfp ?? (async () => NOT_FOUND)),
    setKfpEndpoint: jest.fn(answers.setKfpEndpoint ?? (async () => CONNECTED))
  };
}

describe('KfpConnectionModel', () => {
  let model: KfpConnectionModel;
  afterEach(() => model.dispose());

  it('reads the connection when the setting is empty, and sends a URL when it is set', async () => {
    const client = fakeClient();
    model = new KfpConnectionModel(client);
    await model.setEndpoint('');
    expect(client.kfp).toHaveBeenCalledTimes(1);
    expect(client.setKfpEndpoint).not.toHaveBeenCalled();
    expect(model.connected).toBe(false);
    expect(model.disabledReason).toBe(
      'Kubeflow Pipelines is not found: No ml-pipeline service and no endpoint configured.'
    );
    await model.setEndpoint(' http://kfp:8888 ');
    expect(client.setKfpEndpoint).toHaveBeenLastCalledWith('http://kfp:8888');
    expect(model.connected).toBe(true);
    expect(model.disabledReason).toBe('');
    // Cleared later: the proxy is told to drop it and find KFP itself again.
    await model.setEndpoint('');
    expect(client.setKfpEndpoint).toHaveBeenLastCalledWith(null);
  });

  it('emits only on change', async () => {
    const client = fakeClient({ kfp: async () => CONNECTED });
    model = new KfpConnectionModel(client);
    const seen: string[] = [];
    model.changed.connect((_, view) => seen.push(view.status));
    await model.refresh();
    await model.refresh();
    expect(seen).toEqual(['ready']);
  });

  it('keeps the newer answer when an older one arrives late', async () => {
    const first = deferred<IKfpConnection>();
    const client = fakeClient({ kfp: () => first.promise, setKfpEndpoint: async () => CONNECTED });
    model = new KfpConnectionModel(client);
    const reading = model.setEndpoint('');
    await model.setEndpoint('http://kfp:8888');
    first.resolve(NOT_FOUND);
    await reading;
    expect(model.connection).toEqual(CONNECTED);
  });

  it('shows a proxy that does not answer as an error, and says so when asked to submit', async () => {
    const client = fakeClient({
      kfp: async () => {
        throw new Error('The Kubeflow Workbench proxy did not answer (HTTP 404)');
      }
    });
    model = new KfpConnectionModel(client);
    await model.refresh();
    expect(model.view).toEqual({
      status: 'error',
      message: 'The Kubeflow Workbench proxy did not answer (HTTP 404)'
    });
    expect(model.disabledReason).toBe(
      'Kubeflow Pipelines: The Kubeflow Workbench proxy did not answer (HTTP 404)'
    );
  });

  it('re-detects with the configured endpoint, and says whether updates are polled', async () => {
    const client = fakeClient({
      setKfpEndpoint: async () => ({ ...CONNECTED, updates: 'poll' })
    });
    model = new KfpConnectionModel(client);
    await model.setEndpoint('http://kfp:8888');
    await model.redetect();
    expect(client.setKfpEndpoint.mock.calls).toEqual([['http://kfp:8888'], ['http://kfp:8888']]);
    expect(model.polled).toBe(true);
  });
});
