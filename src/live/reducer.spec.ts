import { ILiveResource, ResourceEvent } from '../../contract/live';
import { applyResourceEvent, newestFirst, ResourceMap, resourceKey } from './reducer';

interface IThing extends ILiveResource {
  state: string;
  resourceVersion?: string;
}

const thing = (name: string, extra: Partial<IThing> = {}): IThing => ({
  name,
  namespace: 'team-a',
  created: '2026-01-01T00:00:00Z',
  state: 'Running',
  version: '1',
  ...extra
});
const mapOf = (...items: IThing[]): ResourceMap<IThing> =>
  new Map(items.map(t => [resourceKey(t), t]));
const names = (items: ResourceMap<IThing>) =>
  [...items.values()].map(t => `${t.name}@${t.version}`).sort();

describe('applyResourceEvent', () => {
  const a = thing('a');
  const b = thing('b');
  const cases: [string, ResourceMap<IThing>, ResourceEvent<IThing>, string[]][] = [
    ['snapshot replaces everything', mapOf(a), { type: 'snapshot', items: [b] }, ['b@1']],
    ['added inserts', mapOf(a), { type: 'added', object: b }, ['a@1', 'b@1']],
    [
      'modified replaces',
      mapOf(a, b),
      { type: 'modified', object: thing('a', { version: '2' }) },
      ['a@2', 'b@1']
    ],
    [
      'modified of an unknown item inserts',
      mapOf(a),
      { type: 'modified', object: b },
      ['a@1', 'b@1']
    ],
    [
      'deleted removes',
      mapOf(a, b),
      { type: 'deleted', object: { name: 'a', namespace: 'team-a' } },
      ['b@1']
    ]
  ];
  it.each(cases)('%s', (_title, before, event, after) => {
    expect(names(applyResourceEvent(before, event))).toEqual(after);
  });

  it('returns the same map when nothing changed', () => {
    const before = mapOf(a);
    expect(applyResourceEvent(before, { type: 'modified', object: thing('a') })).toBe(before);
    expect(
      applyResourceEvent(before, { type: 'deleted', object: { name: 'zz', namespace: 'team-a' } })
    ).toBe(before);
  });

  it('applies a change that comes only from children (same object resourceVersion)', () => {
    // A stuck job: its own object does not change, a pod turns Unschedulable (issue 14, finding 1).
    const before = mapOf(thing('a', { resourceVersion: '7', version: 'x1' }));
    const stuck = thing('a', { resourceVersion: '7', version: 'x2', state: 'Unschedulable' });
    const after = applyResourceEvent(before, { type: 'modified', object: stuck });
    expect(after).not.toBe(before);
    expect(after.get('team-a/a')?.state).toBe('Unschedulable');
  });

  it('without versions, compares the whole object', () => {
    const before = mapOf(thing('a', { version: undefined }));
    const same = applyResourceEvent(before, {
      type: 'modified',
      object: thing('a', { version: undefined })
    });
    expect(same).toBe(before);
    const changed = applyResourceEvent(before, {
      type: 'modified',
      object: thing('a', { version: undefined, state: 'Failed' })
    });
    expect(changed.get('team-a/a')?.state).toBe('Failed');
  });

  it('does not mutate its input', () => {
    const before = mapOf(a);
    applyResourceEvent(before, { type: 'added', object: b });
    expect(names(before)).toEqual(['a@1']);
  });
});

describe('newestFirst', () => {
  const items = mapOf(
    thing('old', { created: '2026-01-01T00:00:00Z' }),
    thing('new', { created: '2026-01-03T00:00:00Z', state: 'Failed' }),
    thing('mid', { created: '2026-01-02T00:00:00Z' }),
    thing('also-mid', { created: '2026-01-02T00:00:00Z' })
  );
  it('orders by creation, newest first, ties by name', () => {
    expect(newestFirst(items).map(t => t.name)).toEqual(['new', 'also-mid', 'mid', 'old']);
  });
  it('keeps only what passes', () => {
    expect(newestFirst(items, t => t.state === 'Failed').map(t => t.name)).toEqual(['new']);
  });
});
