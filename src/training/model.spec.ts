import { FakeCluster, fakeClient, makeJob } from './__tests__/fakes';
import { JobsModel, JobsModelPool } from './model';

function setup(namespace = 'team-a') {
  const client = fakeClient();
  const cluster = new FakeCluster(namespace);
  const model = new JobsModel(client, cluster);
  const changes = jest.fn();
  model.changed.connect(changes);
  return {
    client,
    cluster,
    model,
    changes,
    stream: () => client.streams[client.streams.length - 1]
  };
}

describe('JobsModel', () => {
  it('watches the current namespace and applies events', () => {
    const { client, model, stream } = setup();
    expect(client.watchJobs).toHaveBeenCalledWith('team-a');
    expect(stream().started).toBe(true);
    expect(model.hasSnapshot).toBe(false);
    stream().push({
      type: 'snapshot',
      items: [makeJob('a'), makeJob('b', { created: '2026-02-01T00:00:00Z' })]
    });
    expect(model.hasSnapshot).toBe(true);
    expect(model.visible.map(j => j.name)).toEqual(['b', 'a']);
    stream().push({ type: 'deleted', object: { name: 'b', namespace: 'team-a' } });
    expect(model.visible.map(j => j.name)).toEqual(['a']);
    expect(model.get('a')?.name).toBe('a');
  });

  it('emits only on real change', () => {
    const { model, changes, stream } = setup();
    stream().setState('open');
    stream().push({ type: 'snapshot', items: [makeJob('a')] });
    changes.mockClear();
    stream().push({ type: 'modified', object: makeJob('a') });
    stream().setState('open');
    model.setFilter({ text: '' });
    expect(changes).not.toHaveBeenCalled();
    stream().push({
      type: 'modified',
      object: makeJob('a', { resourceVersion: '2', phase: 'Failed' })
    });
    expect(changes).toHaveBeenCalledTimes(1);
  });

  it('exposes the stream state as live / reconnecting', () => {
    const { model, stream } = setup();
    expect(model.liveState).toBe('connecting');
    stream().setState('open');
    expect(model.liveState).toBe('live');
    stream().setState('retrying');
    expect(model.liveState).toBe('reconnecting');
  });

  it('re-subscribes when the namespace changes, dropping the old jobs', () => {
    const { client, cluster, model, stream } = setup();
    const first = stream();
    first.push({ type: 'snapshot', items: [makeJob('a')] });
    cluster.setNamespace('team-b');
    expect(first.disposed).toBe(true);
    expect(client.watchJobs).toHaveBeenLastCalledWith('team-b');
    expect(model.namespace).toBe('team-b');
    expect(model.visible).toEqual([]);
    expect(model.hasSnapshot).toBe(false);
  });

  it('filters', () => {
    const { model, stream } = setup();
    stream().push({
      type: 'snapshot',
      items: [makeJob('torch-1'), makeJob('tf-1', { framework: 'tensorflow', phase: 'Failed' })]
    });
    model.setFilter({ framework: 'tensorflow' });
    expect(model.visible.map(j => j.name)).toEqual(['tf-1']);
    model.setFilter({ framework: '', status: 'Running' });
    expect(model.visible.map(j => j.name)).toEqual(['torch-1']);
  });

  it('dispose closes the stream and stops following the namespace', () => {
    const { client, cluster, model, stream } = setup();
    model.dispose();
    expect(stream().disposed).toBe(true);
    cluster.setNamespace('team-b');
    expect(client.watchJobs).toHaveBeenCalledTimes(1);
  });
});

describe('JobsModelPool', () => {
  it('shares one model per namespace and closes it with the last user', () => {
    const client = fakeClient();
    const pool = new JobsModelPool(client);
    const one = pool.acquire('ns');
    const two = pool.acquire('ns');
    expect(one).toBe(two);
    expect(client.watchJobs).toHaveBeenCalledTimes(1);
    pool.release(one);
    expect(one.isDisposed).toBe(false);
    pool.release(two);
    expect(one.isDisposed).toBe(true);
  });
});
