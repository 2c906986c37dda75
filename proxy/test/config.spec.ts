import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../src/config';
import { removeRuntimeFile, writeRuntimeFile } from '../src/runtime-file';

const ENV = { KFWB_TOKEN: 'a-secret-of-enough-length', HOME: '/home/u' };

describe('readConfig', () => {
  it('reads flags and environment with loopback and auto defaults', () => {
    const config = readConfig(['--port', '8123', '--runtime-dir', '/run/x'], {
      ...ENV,
      KFWB_NAMESPACES: 'team-a, team-b',
      KFWB_NAMESPACE: 'team-a'
    });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8123,
      selection: 'auto',
      runtimeDir: '/run/x',
      namespace: 'team-a',
      namespaces: ['team-a', 'team-b'],
      stateDir: '/home/u/.local/share/kubeflow-workbench'
    });
  });

  it.each([
    [['--port', '80', '--host', '0.0.0.0'], ENV, /loopback only/],
    [['--port', 'x'], ENV, /--port must be a TCP port/],
    [['--port', '1'], { HOME: '/h' }, /KFWB_TOKEN/],
    [['--port', '1'], { ...ENV, KFWB_BACKEND: 'cloud' }, /auto, local or kubernetes/],
    [['--port', '1', '--bogus'], ENV, /bogus/]
  ])('refuses %j', (argv, env, message) => {
    expect(() => readConfig(argv as string[], env as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe('runtime file', () => {
  it('is written atomically with mode 0600 and removed on exit', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kfwb-rt-')), 'nested');
    const info = { url: 'http://127.0.0.1:1', token: 't', pid: 42, started: 'now', version: '1' };
    const path = writeRuntimeFile(dir, info);
    expect(path).toBe(join(dir, 'proxy-42.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(info);
    removeRuntimeFile(path);
    expect(existsSync(path)).toBe(false);
  });
});
