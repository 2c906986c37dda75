/**
 * Output artifacts shown without the browser reading the file system: a bounded preview by what the file is
 * (text, markdown, HTML, JSON, an executed notebook, an image, the first rows of a CSV/TSV table, a directory's
 * first entries), and the file itself for download.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { IArtifactPreview, IArtifactRef } from '../../../../../contract/pipeline';
import { BackendError, IArtifactFile } from '../../types';
import { IRuntimeArtifact } from './placeholders';

const TEXT_LIMIT = 256 * 1024;
const NOTEBOOK_LIMIT = 5 * 1024 * 1024;
const IMAGE_LIMIT = 5 * 1024 * 1024;
const TABLE_ROWS = 100;
const DIRECTORY_ENTRIES = 200;

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp'
};

function readHead(path: string, limit: number): { bytes: Buffer; truncated: boolean } {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const bytes = Buffer.alloc(Math.min(size, limit));
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) {
        break;
      }
      read += n;
    }
    return { bytes: bytes.subarray(0, read), truncated: size > limit };
  } finally {
    closeSync(fd);
  }
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

function parseDelimited(text: string, separator: string): string[][] {
  // Quoted fields as CSV writers (pandas, csv module) produce them; enough for a preview.
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') {
      continue;
    }
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (c === '"') {
          quoted = false;
        } else {
          cell += c;
        }
      } else if (c === '"') {
        quoted = true;
      } else if (c === separator) {
        cells.push(cell);
        cell = '';
      } else {
        cell += c;
      }
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

function listDirectory(root: string): {
  entries: { path: string; size: number }[];
  truncated: boolean;
} {
  const entries: { path: string; size: number }[] = [];
  let truncated = false;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name)
    )) {
      if (entries.length >= DIRECTORY_ENTRIES) {
        truncated = true;
        return;
      }
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        visit(full);
      } else {
        entries.push({ path: relative(root, full), size: statSync(full).size });
      }
    }
  };
  visit(root);
  return { entries, truncated };
}

/** kfp artifacts have no extension: a file whose first lines split into the same number (>1) of fields is a table. */
function sniffSeparator(text: string): string | undefined {
  const lines = text.split(/\r?\n/, 3).filter(Boolean);
  if (lines.length < 2) {
    return undefined;
  }
  return [',', '\t'].find(sep => {
    const counts = lines.map(line => parseDelimited(line, sep)[0]?.length ?? 0);
    return counts[0] > 1 && counts.every(n => n === counts[0]);
  });
}

export function artifactRef(a: IRuntimeArtifact, size?: number): IArtifactRef {
  return {
    name: a.name,
    uri: a.uri,
    path: a.uri,
    schemaTitle: a.type.schemaTitle,
    ...(size !== undefined ? { size } : {}),
    ...(Object.keys(a.metadata ?? {}).length ? { metadata: a.metadata } : {})
  };
}

export function previewArtifact(artifact: IRuntimeArtifact): IArtifactPreview {
  const path = artifact.uri;
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return {
      artifact: artifactRef(artifact),
      kind: 'missing',
      truncated: false,
      message: `the step did not write ${path}`
    };
  }
  if (stat.isDirectory()) {
    const { entries, truncated } = listDirectory(path);
    const ref = artifactRef(
      artifact,
      entries.reduce((sum, e) => sum + e.size, 0)
    );
    return { artifact: ref, kind: 'directory', entries, truncated };
  }
  const ref = artifactRef(artifact, stat.size);
  const ext = extname(path).toLowerCase();
  const title = artifact.type.schemaTitle;
  if (IMAGE_TYPES[ext]) {
    if (stat.size > IMAGE_LIMIT) {
      return {
        artifact: ref,
        kind: 'binary',
        truncated: true,
        message: `the image is larger than ${IMAGE_LIMIT} bytes; download it`
      };
    }
    return {
      artifact: ref,
      kind: 'image',
      mime: IMAGE_TYPES[ext],
      base64: readHead(path, IMAGE_LIMIT).bytes.toString('base64'),
      truncated: false
    };
  }
  // Artifact files have no extension in kfp's layout (`<task_root>/<name>`): a notebook is known by its JSON.
  const { bytes, truncated } = readHead(path, NOTEBOOK_LIMIT);
  const notebook =
    ext === '.ipynb' ||
    /^\s*\{[\s\S]{0,200}"(cells|nbformat)"/.test(bytes.subarray(0, 4096).toString('utf8'));
  if (looksBinary(bytes)) {
    return {
      artifact: ref,
      kind: 'binary',
      truncated: false,
      message: 'binary content; download it'
    };
  }
  const text = bytes.subarray(0, notebook ? NOTEBOOK_LIMIT : TEXT_LIMIT).toString('utf8');
  if (notebook) {
    return truncated
      ? {
          artifact: ref,
          kind: 'binary',
          truncated,
          message: `the notebook is larger than ${NOTEBOOK_LIMIT} bytes; download it`
        }
      : { artifact: ref, kind: 'notebook', text, truncated };
  }
  const textTruncated = truncated || bytes.length > TEXT_LIMIT;
  const separator =
    ext === '.csv' ? ',' : ext === '.tsv' ? '\t' : ext === '' ? sniffSeparator(text) : undefined;
  if (separator) {
    const rows = parseDelimited(text, separator);
    const body = textTruncated ? rows.slice(1, -1) : rows.slice(1);
    return {
      artifact: ref,
      kind: 'table',
      table: { columns: rows[0] ?? [], rows: body.slice(0, TABLE_ROWS) },
      truncated: textTruncated || body.length > TABLE_ROWS
    };
  }
  const kind =
    ext === '.md' || title === 'system.Markdown'
      ? 'markdown'
      : ext === '.html' || title === 'system.HTML'
        ? 'html'
        : ext === '.json' || title === 'system.Metrics'
          ? 'json'
          : 'text';
  return { artifact: ref, kind, text, truncated: textTruncated };
}

export function artifactFile(artifact: IRuntimeArtifact): IArtifactFile {
  let stat;
  try {
    stat = statSync(artifact.uri);
  } catch {
    throw new BackendError('not_found', `The step did not write ${artifact.uri}.`);
  }
  if (stat.isDirectory()) {
    throw new BackendError(
      'invalid_spec',
      `${artifact.name} is a directory; download its files one by one.`
    );
  }
  return { path: artifact.uri, size: stat.size, filename: downloadName(artifact) };
}

/** KFP names an artifact's file after the output (`report`): a download also gets its type's extension. */
const TYPE_EXTENSIONS: Record<string, string> = {
  'system.Markdown': '.md',
  'system.HTML': '.html',
  'system.Metrics': '.json',
  'system.ClassificationMetrics': '.json',
  'system.SlicedClassificationMetrics': '.json'
};

function downloadName(artifact: IRuntimeArtifact): string {
  const name = basename(artifact.uri);
  const ext = TYPE_EXTENSIONS[artifact.type.schemaTitle ?? ''];
  return ext && !extname(name) ? `${name}${ext}` : name;
}
