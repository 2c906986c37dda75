/** The 0600 file through which kernels of the same user find the proxy and its secret. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IRuntimeInfo {
  url: string;
  token: string;
  pid: number;
  started: string;
  version: string;
}

/** Writes atomically (temp file + rename) so a reader never sees half a file; returns the path. */
export function writeRuntimeFile(dir: string, info: IRuntimeInfo): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `proxy-${info.pid}.json`);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

export function removeRuntimeFile(path: string): void {
  rmSync(path, { force: true });
}
