/**
 * '/'-separated relative paths, without node:path (the compiler also runs in the browser). Node files are
 * relative to the pipeline file's directory; these helpers normalise them and lay them out for the step.
 */

/** `a/./b/../c` → `a/c`; leading `..` segments are kept (the file is above the pipeline's folder). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') {
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

/** How many directories above the pipeline's folder a normalised path reaches. */
export function levelsUp(normalized: string): number {
  let n = 0;
  for (const part of normalized.split('/')) {
    if (part !== '..') {
      break;
    }
    n++;
  }
  return n;
}

/** `dir/file` joined and normalised (`dir` may be empty: the Jupyter root). */
export function joinPath(dir: string, path: string): string {
  return normalizePath(dir ? `${dir}/${path}` : path);
}

/** The directory part of a '/'-separated path ('' for a file at the top). */
export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
