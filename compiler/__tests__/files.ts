/** Test helpers: a FileReader over a folder on disk, and one over an in-memory map. */
import { readFileSync } from 'fs';
import { join } from 'path';
import { FileReader } from '../validate';

export const EXAMPLES = join(__dirname, '..', '..', 'examples', 'pipelines');

export function folderReader(dir: string): FileReader {
  return path => {
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

export const mapReader =
  (files: Record<string, string>): FileReader =>
  path =>
    files[path];

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
