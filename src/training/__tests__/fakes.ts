/** Test helpers shared by the training specs (not a test file itself; excluded from the build). */
import { ISignal, Signal } from '@lumino/signaling';
import { IJob } from '../../../contract/training';
import { FakeResourceStream } from '../../live/__tests__/fake-stream';

export function makeJob(name: string, extra: Partial<IJob> = {}): IJob {
  return {
    name,
    namespace: 'team-a',
    framework: 'pytorch',
    kind: 'PyTorchJob',
    backend: 'local',
    phase: 'Running',
    created: '2026-01-01T00:00:00Z',
    conditions: [],
    replicas: [],
    resourceVersion: '1',
    ...extra
  };
}

/** The job stream stand-in (the shared one of every live kind). */
export class FakeStream extends FakeResourceStream<IJob> {}

/** A namespace source like `ClusterModel`, with a settable namespace. */
export class FakeCluster {
  private readonly _namespaceChanged = new Signal<this, string>(this);
  constructor(public namespace: string) {}
  get namespaceChanged(): ISignal<this, string> {
    return this._namespaceChanged;
  }
  setNamespace(namespace: string): void {
    this.namespace = namespace;
    this._namespaceChanged.emit(namespace);
  }
}

/** The parts of `ProxyClient` the training UI uses, as jest mocks. */
export function fakeClient() {
  const streams: FakeStream[] = [];
  const client = {
    streams,
    watchJobs: jest.fn((namespace: string) => {
      const stream = new FakeStream(namespace);
      streams.push(stream);
      return stream;
    }),
    createJob: jest.fn(),
    getJob: jest.fn(),
    deleteJob: jest.fn(),
    jobEvents: jest.fn(async () => []),
    jobLogs: jest.fn(async () => ''),
    followLogs: jest.fn(async () => undefined)
  };
  return client;
}
