/**
 * Issue 12 finding 6: `logs?tail=10` read the whole log file (a 383 MB log: 1.7 GB of proxy memory; 715 MB:
 * not at all). Tails are now read backwards from the end in bounded memory, and following starts at the end.
 * Memory is asserted as RSS growth around the call (not a timing).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { createLocalBackend } from '../../src/backends/local';
import { writeLogs } from '../../src/backends/local/log-reader';
import { BackendHolder } from '../../src/backends/select';
import { AUTH, TOKEN } from '../app-helpers';
import { until } from '../local-helpers';

const dir = mkdtempSync(join(tmpdir(), 'kfwb-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** RSS may grow by this much during a tail of a log hundreds of MB long (the whole file would not fit). */
const RSS_LIMIT = 96 * 1024 * 1024;
const MB = 1024 * 1024;

const stamped = (i: number, text = `line ${i}`) =>
  `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000000Z ${text}\n`;

async function tailOf(path: string, tail: number): Promise<{ text: string; growth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const chunks: string[] = [];
  try {
    await writeLogs([{ replica: 'worker-0', path }], { tail, prefixed: false }, c =>
      chunks.push(c)
    );
  } finally {
    clearInterval(sample);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { text: chunks.join(''), growth: peak - before };
}

const lastLines = (n: number, from: number) =>
  Array.from({ length: n }, (_, k) => `final ${from + k}`).join('\n') + '\n';

describe('log tails from the end of the file', () => {
  it('tails a sparse 400 MB log: right lines, bounded memory', async () => {
    const path = join(dir, 'sparse.log');
    const fd = openSync(path, 'w');
    writeSync(fd, stamped(0, 'first line'));
    const tailText = Array.from({ length: 20 }, (_, k) => stamped(k, `final ${k}`)).join('');
    writeSync(fd, tailText, 400 * MB); // a hole of 400 MB before the last lines
    closeSync(fd);
    const { text, growth } = await tailOf(path, 10);
    expect(text).toBe(lastLines(10, 10));
    expect(growth).toBeLessThan(RSS_LIMIT);
  });

  it('tails a 300 MB log of real lines written in a few big writes', async () => {
    const path = join(dir, 'dense.log');
    const block = Buffer.from(
      Array.from({ length: 40_000 }, (_, i) => stamped(i, `filler ${i} ${'x'.repeat(60)}`)).join('')
    );
    const fd = openSync(path, 'w');
    let written = 0;
    while (written < 300 * MB) {
      written += writeSync(fd, block);
    }
    writeSync(fd, Array.from({ length: 15 }, (_, k) => stamped(k, `final ${k}`)).join(''));
    writeSync(fd, '2026-01-01T00:00:59.000000Z a line still being writ');
    closeSync(fd);
    const { text, growth } = await tailOf(path, 10);
    // The unterminated last line is not part of the tail: it is still being written.
    expect(text).toBe(lastLines(10, 5));
    expect(growth).toBeLessThan(RSS_LIMIT);
  });

  it('bounds a tail over one enormous line (no newline to stop at) by bytes', async () => {
    const path = join(dir, 'one-line.log');
    const fd = openSync(path, 'w');
    writeSync(fd, stamped(0, 'before'));
    const piece = Buffer.alloc(8 * MB, 'y');
    for (let i = 0; i < 25; i++) {
      writeSync(fd, piece);
    }
    writeSync(fd, '\n');
    closeSync(fd);
    const { text, growth } = await tailOf(path, 10);
    // Only the end of the line, passed on in pieces of at most 1 MB characters (never the whole 200 MB).
    // Nothing but the line's characters (a search for any other one: no backtracking over 16 MB).
    expect(/[^y\n]/.test(text)).toBe(false);
    expect(text.length).toBeGreaterThan(MB);
    expect(text.length).toBeLessThanOrEqual(16 * MB + 32);
    expect(growth).toBeLessThan(RSS_LIMIT * 2);
  });

  it('returns every line of a short log, and 0 lines for tail=0', async () => {
    const path = join(dir, 'short.log');
    const fd = openSync(path, 'w');
    writeSync(fd, stamped(1) + stamped(2) + stamped(3));
    closeSync(fd);
    expect((await tailOf(path, 10)).text).toBe('line 1\nline 2\nline 3\n');
    expect((await tailOf(path, 0)).text).toBe('');
    expect((await tailOf(path, 2)).text).toBe('line 2\nline 3\n');
  });

  it('follows from the end: the tail, then what is appended, and no line twice', async () => {
    const path = join(dir, 'follow.log');
    const fd = openSync(path, 'w');
    for (let i = 0; i < 1000; i++) {
      writeSync(fd, stamped(i));
    }
    closeSync(fd);
    let end!: () => void;
    const ended = new Promise<void>(resolve => (end = resolve));
    const chunks: string[] = [];
    const firstChunk = new Promise<void>(resolve => {
      void writeLogs(
        [{ replica: 'worker-0', path }],
        { tail: 3, prefixed: true, follow: { ended } },
        c => {
          chunks.push(c);
          resolve();
        }
      ).then(() => chunks.push('<end>'));
    });
    await firstChunk;
    await appendFile(path, stamped(1000) + stamped(1001));
    end();
    await new Promise<void>(resolve => {
      const check = setInterval(() => {
        if (chunks.includes('<end>')) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(chunks.join('')).toBe(
      ['997', '998', '999', '1000', '1001'].map(i => `[worker-0] line ${i}\n`).join('') + '<end>'
    );
  });
});

describe('GET …/jobs/:name/logs?tail=10 on the local backend', () => {
  it('answers the last lines of a 400 MB replica log in bounded memory', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-tail-route-'));
    const backends = new BackendHolder(
      { selection: 'local', stateDir },
      {
        local: opts => createLocalBackend({ stateDir: opts.stateDir }),
        kubernetes: () => Promise.reject(new Error('not in this test'))
      }
    );
    await backends.select();
    const app = createApp({
      token: TOKEN,
      backends,
      versions: { proxy: '0', node: process.version, clientNode: '0' }
    });
    try {
      const spec = {
        name: 'big-log',
        framework: 'pytorch',
        replicas: { Worker: { count: 1 } },
        command: ['python3', '-c', 'print("started")']
      };
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/namespaces/default/jobs',
        headers: AUTH,
        payload: spec
      });
      expect(created.statusCode).toBe(201);
      const replica = created.json().replicas[0].name as string;
      await until(backends.current, 'default', 'big-log', j => j.phase === 'Succeeded', 'done');
      // Grow the finished replica's log to 400 MB (a hole) and end it with known lines.
      const path = join(stateDir, 'jobs', 'default', 'big-log', `${replica}.log`);
      const fd = openSync(path, 'r+');
      const end = Array.from({ length: 12 }, (_, k) => stamped(k, `final ${k}`)).join('');
      writeSync(fd, end, 400 * MB);
      closeSync(fd);
      const before = process.memoryUsage().rss;
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/namespaces/default/jobs/big-log/logs?tail=10',
        headers: AUTH
      });
      const growth = process.memoryUsage().rss - before;
      expect(res.statusCode).toBe(200);
      // All replicas merged, each line prefixed with its replica.
      expect(res.body).toBe(
        lastLines(10, 2)
          .split('\n')
          .filter(Boolean)
          .map(line => `[${replica}] ${line}\n`)
          .join('')
      );
      expect(growth).toBeLessThan(RSS_LIMIT);
    } finally {
      await app.close();
      await backends.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);
});
