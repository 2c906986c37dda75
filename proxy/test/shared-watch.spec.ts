/**
 * The fan-out of one upstream live stream to many clients (proxy/src/routes/shared-watch.ts): one upstream
 * per namespace, late joiners served from the shared state, the last leaver closes the upstream, and a slow
 * client is owed the latest state of what changed (bounded by the item count) instead of a growing buffer.
 * The route test at the end runs the same through real HTTP clients of the fastify app.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ILiveResource, ResourceEvent } from '../../contract/live';
import { IJob, JobStreamEvent } from '../../contract/training';
import { IStreamClient, WatchHub } from '../src/routes/shared-watch';
import { AUTH, makeApp } from './app-helpers';

interface IItem extends ILiveResource {
  phase: string;
}

const item = (name: string, created: string, phase = 'Running'): IItem => ({
  name,
  namespace: 'team-a',
  created,
  phase
});

/** An upstream that records how often it was opened and closed and lets the test push events. */
class Upstream {
  opened = 0;
  closed = 0;
  private listener?: (event: ResourceEvent<IItem>) => void;

  open = (onEvent: (event: ResourceEvent<IItem>) => void) => {
    this.opened += 1;
    this.listener = onEvent;
    return {
      close: () => {
        this.closed += 1;
        this.listener = undefined;
      }
    };
  };

  push(event: ResourceEvent<IItem>): void {
    this.listener?.(event);
  }
}

/** A client whose buffer is full while `full` is set; `drain()` empties it. */
class Client implements IStreamClient {
  readonly frames: { type: string; data: Record<string, unknown> }[] = [];
  full = false;
  private onDrained?: () => void;

  write(frame: Buffer): boolean {
    const [event, data] = frame.toString().split('\n');
    this.frames.push({
      type: event.slice('event: '.length),
      data: JSON.parse(data.slice('data: '.length))
    });
    return !this.full;
  }

  onDrain(listener: () => void): void {
    this.onDrained = listener;
  }

  /** Empties the buffer; with `staysFull` the next frame written fills it again. */
  drain(staysFull = false): void {
    this.full = staysFull;
    const listener = this.onDrained;
    this.onDrained = undefined;
    listener?.();
  }

  /** What this client saw, one line per frame: `snapshot a,b` / `modified a Done` / `deleted a`. */
  seen(): string[] {
    return this.frames.map(({ type, data }) => {
      if (type === 'snapshot') {
        return `snapshot ${(data.items as IItem[]).map(i => `${i.name}:${i.phase}`).join(',')}`;
      }
      const object = data.object as IItem;
      return type === 'deleted'
        ? `deleted ${object.name}`
        : `${type} ${object.name}:${object.phase}`;
    });
  }
}

const SOURCE = {};
const setup = () => {
  const hub = new WatchHub<IItem>();
  const upstream = new Upstream();
  const join = (client: IStreamClient, namespace = 'team-a', source: object = SOURCE) =>
    hub.join(source, namespace, upstream.open, client);
  return { hub, upstream, join };
};

describe('one upstream per namespace, shared by every client', () => {
  test('clients joining before the first snapshot all get it; the upstream is opened once', () => {
    const { upstream, join } = setup();
    const [a, b] = [new Client(), new Client()];
    join(a);
    join(b);
    upstream.push({ type: 'snapshot', items: [item('j2', '2026-11-30T02:00:00Z')] });
    upstream.push({ type: 'added', object: item('j3', '2026-11-30T03:00:00Z') });
    expect(upstream.opened).toBe(1);
    expect(a.seen()).toEqual(['snapshot j2:Running', 'added j3:Running']);
    expect(b.seen()).toEqual(a.seen());
  });

  test('a late joiner gets a snapshot of the shared state, newest first, without a new upstream', () => {
    const { upstream, join } = setup();
    const first = new Client();
    join(first);
    upstream.push({
      type: 'snapshot',
      items: [item('j2', '2026-11-30T02:00:00Z'), item('j1', '2026-11-30T01:00:00Z')],
      resourceVersion: '41'
    });
    upstream.push({ type: 'added', object: item('j3', '2026-11-30T03:00:00Z') });
    upstream.push({ type: 'modified', object: item('j1', '2026-11-30T01:00:00Z', 'Succeeded') });
    upstream.push({ type: 'deleted', object: { name: 'j2', namespace: 'team-a' } });
    const late = new Client();
    join(late);
    expect(upstream.opened).toBe(1);
    expect(late.seen()).toEqual(['snapshot j3:Running,j1:Succeeded']);
    expect(late.frames[0].data.resourceVersion).toBe('41');
    // From then on both see the same events.
    upstream.push({ type: 'modified', object: item('j3', '2026-11-30T03:00:00Z', 'Failed') });
    expect(late.seen().slice(1)).toEqual(['modified j3:Failed']);
    expect(first.seen().slice(-1)).toEqual(['modified j3:Failed']);
  });

  test('a modification that changes nothing is not sent', () => {
    const { upstream, join } = setup();
    const client = new Client();
    join(client);
    upstream.push({ type: 'snapshot', items: [item('j1', '2026-11-30T01:00:00Z')] });
    upstream.push({ type: 'modified', object: item('j1', '2026-11-30T01:00:00Z') });
    expect(client.seen()).toEqual(['snapshot j1:Running']);
  });

  test('the last leaver closes the upstream; the next client opens a new one', () => {
    const { hub, upstream, join } = setup();
    const leaveA = join(new Client());
    const leaveB = join(new Client());
    upstream.push({ type: 'snapshot', items: [] });
    leaveA();
    expect(upstream.closed).toBe(0);
    leaveB();
    leaveB(); // leaving twice is harmless
    expect(upstream.closed).toBe(1);
    expect(hub.get(SOURCE, 'team-a')).toBeUndefined();
    const again = new Client();
    join(again);
    expect(upstream.opened).toBe(2);
    expect(again.seen()).toEqual([]); // waits for the new upstream's snapshot
  });

  test('namespaces and sources (a switched backend) each have their own upstream', () => {
    const { upstream, join } = setup();
    join(new Client(), 'team-a');
    join(new Client(), 'team-b');
    join(new Client(), 'team-a', {});
    expect(upstream.opened).toBe(3);
  });
});

describe('a slow client', () => {
  const start = () => {
    const { upstream, join } = setup();
    const [fast, slow] = [new Client(), new Client()];
    join(fast);
    join(slow);
    upstream.push({
      type: 'snapshot',
      items: [item('j1', '2026-11-30T01:00:00Z'), item('j2', '2026-11-30T02:00:00Z')]
    });
    slow.full = true;
    upstream.push({ type: 'modified', object: item('j1', '2026-11-30T01:00:00Z', 'Pending') });
    return { upstream, fast, slow };
  };

  test('is not written to while its buffer is full, then gets each changed item once, as it is now', () => {
    const { upstream, fast, slow } = start();
    for (let i = 0; i < 1000; i++) {
      upstream.push({
        type: 'modified',
        object: item('j1', '2026-11-30T01:00:00Z', `step-${i}`)
      });
    }
    upstream.push({ type: 'added', object: item('j3', '2026-11-30T03:00:00Z') });
    upstream.push({ type: 'added', object: item('j4', '2026-11-30T04:00:00Z') });
    upstream.push({ type: 'deleted', object: { name: 'j4', namespace: 'team-a' } });
    upstream.push({ type: 'deleted', object: { name: 'j2', namespace: 'team-a' } });
    // Only the frame that found the buffer full was handed over; nothing since.
    expect(slow.frames).toHaveLength(2);
    expect(fast.frames).toHaveLength(2 + 1000 + 4);
    slow.drain();
    expect(slow.seen().slice(2)).toEqual([
      'modified j1:step-999',
      'added j3:Running',
      'deleted j2'
    ]);
  });

  test('stops again when its buffer fills while catching up, and resumes on the next drain', () => {
    const { upstream, slow } = start();
    upstream.push({ type: 'added', object: item('j3', '2026-11-30T03:00:00Z') });
    upstream.push({ type: 'added', object: item('j4', '2026-11-30T04:00:00Z') });
    slow.drain(true);
    expect(slow.seen().slice(2)).toEqual(['added j3:Running']);
    slow.drain();
    expect(slow.seen().slice(2)).toEqual(['added j3:Running', 'added j4:Running']);
  });

  test('is owed one fresh snapshot when the upstream relisted meanwhile', () => {
    const { upstream, slow } = start();
    upstream.push({ type: 'snapshot', items: [item('j5', '2026-11-30T05:00:00Z')] });
    upstream.push({ type: 'added', object: item('j6', '2026-11-30T06:00:00Z') });
    slow.drain();
    expect(slow.seen().slice(2)).toEqual(['snapshot j6:Running,j5:Running']);
  });

  test('a client that left while full is never written to again', () => {
    const { upstream, join } = setup();
    const [stays, leaves] = [new Client(), new Client()];
    join(stays);
    const leave = join(leaves);
    upstream.push({ type: 'snapshot', items: [] });
    leaves.full = true;
    upstream.push({ type: 'added', object: item('j1', '2026-11-30T01:00:00Z') });
    leave();
    upstream.push({ type: 'added', object: item('j2', '2026-11-30T02:00:00Z') });
    leaves.drain();
    expect(leaves.seen()).toEqual(['snapshot ', 'added j1:Running']);
    expect(upstream.closed).toBe(0);
  });
});

describe('the watch route shares one backend watch between HTTP clients', () => {
  /** An SSE client of the app: resolves `until(n)` once it parsed n events. */
  function sse(port: number) {
    const events: string[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    let ended!: () => void;
    const end = new Promise<void>(resolve => (ended = resolve));
    const req = http.get(
      { host: '127.0.0.1', port, path: '/api/v1/namespaces/default/watch/jobs', headers: AUTH },
      res => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          const blocks = buffer.split('\n\n');
          buffer = blocks.pop() ?? '';
          events.push(...blocks.filter(b => b.startsWith('event:')));
          waiters.filter(w => events.length >= w.count).forEach(w => w.resolve());
        });
        res.on('end', ended);
      }
    );
    const until = (count: number) =>
      new Promise<void>(resolve => {
        waiters.push({ count, resolve });
        if (events.length >= count) {
          resolve();
        }
      });
    return { events, until, end, close: () => req.destroy() };
  }

  test('three clients, one upstream; the last one leaving closes it; a backend switch ends them all', async () => {
    const { app, backend, backends } = await makeApp();
    const watch = backend.jobs.watch;
    let opened = 0;
    let allClosed = () => undefined as void;
    const nextClose = () => new Promise<void>(resolve => (allClosed = resolve));
    backend.jobs.watch = (ns: string, onEvent: (event: JobStreamEvent) => void) => {
      opened += 1;
      const subscription = watch(ns, onEvent);
      return {
        close: () => {
          const closed = subscription.close();
          allClosed();
          return closed;
        }
      };
    };
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const clients = [sse(port), sse(port)];
    await Promise.all(clients.map(c => c.until(1)));
    await backend.jobs.create('default', { name: 'j1', framework: 'pytorch', replicas: {} });
    await Promise.all(clients.map(c => c.until(2)));
    const late = sse(port);
    await late.until(1);
    expect(opened).toBe(1);
    expect(backend.watchers.size).toBe(1);
    expect(late.events[0]).toContain('"name":"j1"');
    expect(clients[1].events).toEqual(clients[0].events);
    const closed = nextClose();
    [...clients, late].forEach(c => c.close());
    await closed;
    expect(backend.watchers.size).toBe(0);

    // A new stream after a backend switch: every client's stream ends, the shared watch with them.
    const again = [sse(port), sse(port)];
    await Promise.all(again.map(c => c.until(1)));
    expect(opened).toBe(2);
    const switched = nextClose();
    await backends.select();
    await Promise.all([...again.map(c => c.end), switched]);
    expect(backend.watchers.size).toBe(0);
    await app.close();
  });

  test('a client that stops reading is sent each changed item once, as it is now, when it reads again', async () => {
    const { app, backend } = await makeApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const ITEMS = 100;
    const ROUNDS = 20;
    const padding = 'x'.repeat(20_000); // 40 MB in all: far beyond what socket buffers absorb
    const job = (i: number, round: number) => ({
      ...item(`job-${String(i).padStart(3, '0')}`, '2026-11-30T01:00:00Z', `round-${round}`),
      padding
    });
    // The slow client: its response is never read until the changes are over (TCP backpressure).
    let slowResponse!: http.IncomingMessage;
    const slowOpen = new Promise<void>(resolve => {
      http.get(
        { host: '127.0.0.1', port, path: '/api/v1/namespaces/default/watch/jobs', headers: AUTH },
        res => {
          slowResponse = res;
          resolve();
        }
      );
    });
    await slowOpen;
    const fast = sse(port);
    await fast.until(1);
    const emit = (event: JobStreamEvent) => backend.watchers.forEach(w => w(event));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < ITEMS; i++) {
        const object = job(i, round) as unknown as IJob;
        emit({ type: round === 0 ? 'added' : 'modified', object });
      }
      await new Promise(resolve => setImmediate(resolve)); // the fast client reads between rounds
    }

    // Now the slow client reads: it must end with every item's last round.
    const latest = new Map<string, string>();
    let frames = 0;
    await new Promise<void>(resolve => {
      let buffer = '';
      slowResponse.setEncoding('utf8');
      slowResponse.on('data', (chunk: string) => {
        buffer += chunk;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks.filter(b => b.startsWith('event: '))) {
          frames += 1;
          const data = JSON.parse(block.split('\n')[1].slice('data: '.length));
          for (const object of data.items ?? [data.object]) {
            latest.set(object.name, object.phase);
          }
        }
        if ([...latest.values()].filter(p => p === `round-${ROUNDS - 1}`).length === ITEMS) {
          resolve();
        }
      });
    });
    slowResponse.destroy();
    fast.close();
    // Far fewer frames than changes: what it missed while full came once per item.
    expect(frames).toBeLessThan(ITEMS * ROUNDS);
    expect(latest.size).toBe(ITEMS);
    await app.close();
  });
});
