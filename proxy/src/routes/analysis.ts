/**
 * `POST /api/v1/analysis`: validate the AnalysisSpec, open its data (a file under the Jupyter root dir, or inline
 * base64 Arrow IPC), run the engine, answer the result document. Paths are confined to the root dir: `..`,
 * absolute paths elsewhere and symlinks leading out are refused with 403 before anything is read.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ResolvedAnalysisSpec, SliceSpec, validateAnalysisSpec } from '../../../contract/analysis';
import { routes } from '../../../contract/routes';
import { analyzeInTurns } from '../../../engine/analyze';
import { readTableFile, tableFromArrowBytes } from '../../../engine/files';
import { AnalysisInputError } from '../../../engine/table';
import { BackendError } from '../backends/types';
import type { IAppDeps } from '../app';

/** Lets other requests (log streams, job lists) run between the engine's steps on large data. */
const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve));

/** Inline Arrow uploads from the kernel can be large; every other route keeps the 1 MiB default. */
export const ANALYSIS_BODY_LIMIT = 256 * 1024 * 1024;

const inside = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** The real path of `path` (relative to the root dir, or absolute within it), or a 403/404/400 error. */
export async function resolveInsideRoot(rootDir: string, path: string): Promise<string> {
  const root = await realpath(rootDir);
  const lexical = resolve(rootDir, path);
  if (!inside(resolve(rootDir), lexical) && !inside(root, lexical)) {
    throw new BackendError('forbidden', `"${path}" is outside the Jupyter root directory.`);
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new BackendError(
      'not_found',
      `There is no file "${path}" under the Jupyter root directory.`
    );
  }
  if (!inside(root, real)) {
    throw new BackendError('forbidden', `"${path}" links outside the Jupyter root directory.`);
  }
  if (!(await stat(real)).isFile()) {
    throw new BackendError('invalid_spec', `"${path}" is not a file.`, [
      { path: '/source/path', message: 'must name a file' }
    ]);
  }
  return real;
}

/** Every column the spec names, so Parquet reads only those. */
function columnsOf(spec: ResolvedAnalysisSpec): string[] {
  const feature = (slice: SliceSpec | { feature: string }): string[] =>
    typeof slice === 'string'
      ? [slice]
      : 'cross' in slice
        ? slice.cross.flatMap(feature)
        : [slice.feature];
  const named = [
    spec.label,
    spec.prediction,
    spec.weights,
    spec.baseline,
    ...spec.slices.flatMap(feature)
  ];
  return named.filter((c): c is string => typeof c === 'string');
}

export function registerAnalysisRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const rootDir = deps.rootDir ?? process.env.KFWB_ROOT_DIR ?? process.cwd();

  app.post(routes.analysis(), { bodyLimit: ANALYSIS_BODY_LIMIT }, async request => {
    const checked = validateAnalysisSpec(request.body);
    if (!checked.ok) {
      throw new BackendError('invalid_spec', 'The analysis spec is invalid.', checked.fields);
    }
    const spec = checked.value;
    try {
      if ('path' in spec.source) {
        const file = await resolveInsideRoot(rootDir, spec.source.path);
        const table = await readTableFile(file, spec.source.format, columnsOf(spec));
        const source = { path: spec.source.path };
        return await analyzeInTurns(table, spec, source, nextTurn);
      }
      const bytes = Buffer.from(spec.source.arrow, 'base64');
      const table = tableFromArrowBytes(bytes, 'source.arrow');
      const source = { inline: { bytes: bytes.length } };
      return await analyzeInTurns(table, spec, source, nextTurn);
    } catch (error) {
      if (error instanceof AnalysisInputError) {
        throw new BackendError('invalid_spec', error.message, [
          { path: error.field, message: error.message }
        ]);
      }
      throw error;
    }
  });
}
