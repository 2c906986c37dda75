import { retryDelay } from '../src/backends/kubernetes/watch';
import {
  compareResourceVersions,
  IKubeObject,
  reduceWatchEvent,
  stateFromList,
  WatchDecision
} from '../src/backends/kubernetes/watch-reducer';

const job = (uid: string, resourceVersion: string, phase = 'Running'): IKubeObject => ({
  kind: 'PyTorchJob',
  metadata: { name: `job-${uid}`, namespace: 'team-a', uid, resourceVersion },
  status: { phase }
});
const bookmark = (resourceVersion: string): IKubeObject => ({
  kind: 'PyTorchJob',
  metadata: { resourceVersion }
});
const status = (code: number, reason: string): IKubeObject => ({
  kind: 'Status',
  code,
  reason,
  message: reason
});

/** One known job `a` at resourceVersion 10, resuming from 12. */
const start = () => stateFromList([job('a', '10')], '12');

/** What the watch does with an emit decision (multi-watch.ts does it on its ObjectIndex). */
function applyEmit(
  objects: Map<string, IKubeObject>,
  decision: Extract<WatchDecision, { action: 'emit' }>
): void {
  if (decision.change === 'deleted') {
    objects.delete(decision.uid);
  } else {
    objects.set(decision.uid, decision.object);
  }
}

describe('reduceWatchEvent', () => {
  const cases: {
    title: string;
    type: string;
    object: IKubeObject;
    decision: string;
    objects: Record<string, string>;
    resourceVersion: string | undefined;
  }[] = [
    {
      title: 'ADDED of a new object emits added',
      type: 'ADDED',
      object: job('b', '13'),
      decision: 'emit added b',
      objects: { a: '10', b: '13' },
      resourceVersion: '13'
    },
    {
      title: 'MODIFIED of a known object emits modified',
      type: 'MODIFIED',
      object: job('a', '14', 'Succeeded'),
      decision: 'emit modified a',
      objects: { a: '14' },
      resourceVersion: '14'
    },
    {
      title: 'ADDED replayed for a known object with a newer version is a modification',
      type: 'ADDED',
      object: job('a', '15'),
      decision: 'emit modified a',
      objects: { a: '15' },
      resourceVersion: '15'
    },
    {
      title: 'MODIFIED for an object we never saw (missed ADDED) emits added',
      type: 'MODIFIED',
      object: job('c', '16'),
      decision: 'emit added c',
      objects: { a: '10', c: '16' },
      resourceVersion: '16'
    },
    {
      title: 'a stale MODIFIED (older version than held) is skipped',
      type: 'MODIFIED',
      object: job('a', '9'),
      decision: 'none',
      objects: { a: '10' },
      resourceVersion: '12'
    },
    {
      title: 'a duplicate MODIFIED (same version) is skipped',
      type: 'MODIFIED',
      object: job('a', '10'),
      decision: 'none',
      objects: { a: '10' },
      resourceVersion: '12'
    },
    {
      title: 'DELETED of a known object emits deleted and forgets it',
      type: 'DELETED',
      object: job('a', '17'),
      decision: 'emit deleted a',
      objects: {},
      resourceVersion: '17'
    },
    {
      title: 'DELETED of an unknown object is skipped',
      type: 'DELETED',
      object: job('z', '18'),
      decision: 'none',
      objects: { a: '10' },
      resourceVersion: '18'
    },
    {
      title: 'BOOKMARK only moves the resume point',
      type: 'BOOKMARK',
      object: bookmark('40'),
      decision: 'none',
      objects: { a: '10' },
      resourceVersion: '40'
    },
    {
      title: 'an older BOOKMARK does not move the resume point back',
      type: 'BOOKMARK',
      object: bookmark('5'),
      decision: 'none',
      objects: { a: '10' },
      resourceVersion: '12'
    },
    {
      title: 'ERROR 410 Gone asks for a relist',
      type: 'ERROR',
      object: status(410, 'Expired'),
      decision: 'relist',
      objects: { a: '10' },
      resourceVersion: '12'
    },
    {
      title: 'ERROR with reason Gone but no code asks for a relist',
      type: 'ERROR',
      object: { kind: 'Status', reason: 'Gone' },
      decision: 'relist',
      objects: { a: '10' },
      resourceVersion: '12'
    },
    {
      title: 'another ERROR asks for a restart and keeps the state',
      type: 'ERROR',
      object: status(500, 'InternalError'),
      decision: 'restart InternalError',
      objects: { a: '10' },
      resourceVersion: '12'
    },
    {
      title: 'an object without uid is ignored',
      type: 'ADDED',
      object: {
        kind: 'PyTorchJob',
        metadata: { name: 'x', resourceVersion: '20' }
      },
      decision: 'none',
      objects: { a: '10' },
      resourceVersion: '20'
    }
  ];

  test.each(cases)('$title', ({ type, object, decision, objects, resourceVersion }) => {
    const before = start();
    const result = reduceWatchEvent(before, type, object);
    const d = result.decision;
    const after = new Map(before.objects);
    if (d.action === 'emit') {
      applyEmit(after, d);
    }
    const described =
      d.action === 'emit'
        ? `emit ${d.change} ${d.object.metadata?.uid}`
        : d.action === 'restart'
          ? `restart ${d.message}`
          : d.action;
    expect(described).toBe(decision);
    const held = Object.fromEntries(
      [...after].map(([uid, o]) => [uid, o.metadata?.resourceVersion ?? ''])
    );
    expect(held).toEqual(objects);
    expect(result.resourceVersion).toBe(resourceVersion);
    // The input state is never mutated (the watch keeps the old one if it throws midway).
    expect([...before.objects.keys()]).toEqual(['a']);
    expect(before.resourceVersion).toBe('12');
  });

  test('a sequence with a reconnect replay emits each change exactly once', () => {
    const stream: [string, IKubeObject][] = [
      ['ADDED', job('b', '13')],
      ['MODIFIED', job('b', '14')],
      // reconnect from 13 replays 14, then continues
      ['MODIFIED', job('b', '14')],
      ['MODIFIED', job('b', '15')],
      ['DELETED', job('b', '16')],
      ['DELETED', job('b', '16')]
    ];
    const state = start();
    const emitted: string[] = [];
    for (const [type, object] of stream) {
      const result = reduceWatchEvent(state, type, object);
      state.resourceVersion = result.resourceVersion;
      if (result.decision.action === 'emit') {
        applyEmit(state.objects, result.decision);
        emitted.push(`${result.decision.change}@${object.metadata?.resourceVersion}`);
      }
    }
    expect(emitted).toEqual(['added@13', 'modified@14', 'modified@15', 'deleted@16']);
    expect(state.resourceVersion).toBe('16');
  });
});

describe('compareResourceVersions', () => {
  test.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['10', '10', 0],
    ['123456789012345678901', '123456789012345678900', 1]
  ])('%s vs %s', (a, b, expected) => {
    expect(compareResourceVersions(a, b)).toBe(expected);
  });

  test('opaque versions cannot be ordered', () => {
    expect(compareResourceVersions('abc', '10')).toBeNaN();
    expect(compareResourceVersions(undefined, '10')).toBeNaN();
  });
});

describe('stateFromList', () => {
  test('keys objects by uid and keeps the list resourceVersion', () => {
    const state = stateFromList(
      [job('a', '3'), job('b', '4'), { metadata: { name: 'no-uid' } }],
      '7'
    );
    expect([...state.objects.keys()]).toEqual(['a', 'b']);
    expect(state.resourceVersion).toBe('7');
  });
});

describe('reconnect backoff', () => {
  test('doubles from 250 ms and stops growing at 30 s', () => {
    expect([1, 2, 3, 4, 7, 8, 20, 1000].map(retryDelay)).toEqual([
      250, 500, 1000, 2000, 16000, 30000, 30000, 30000
    ]);
  });
});
