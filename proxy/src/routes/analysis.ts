/**
 * `POST /api/v1/analysis`: validate the AnalysisSpec, resolve its data (a file under the Jupyter root dir, or
 * inline base64 Arrow IPC), and hand both to the analysis pool: a worker thread reads and checks the input and
 * runs the engine, so this event loop keeps serving other requests. Paths are confined to the root dir: `..`,
 * absolute paths elsewhere and symlinks leading out are refused with 403 before anything is read.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  IAnalysisResult,
  ResolvedAnalysisSpec,
  SliceSpec,
  validateAnalysisSpec
} from '../../../contract/analysis';
import { routes } from '../../../contract/routes';
import { FileFormat, formatOf } from '../../../engine/files';
import { AnalysisInputError } from '../../../engine/table';
import type { AnalysisInput } from '../../../engine/worker/protocol';
import { AnalysisPool, analysisLimitsFromEnv } from '../analysis-pool';
import { BackendError } from '../backends/types';
import type { IAppDeps } from '../app';

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

/** Decoded base64 in an ArrayBuffer of its own, so it can be transferred to the worker without a copy. */
function ownBytes(base64: string): Uint8Array {
  const decoded = Buffer.from(base64, 'base64');
  if (decoded.byteOffset === 0 && decoded.buffer.byteLength === decoded.length) {
    return new Uint8Array(decoded.buffer, 0, decoded.length);
  }
  return Uint8Array.prototype.slice.call(decoded);
}

export function registerAnalysisRoutes(
  app: FastifyInstance,
  deps: IAppDeps,
  pool = new AnalysisPool(analysisLimitsFromEnv())
): void {
  const rootDir = deps.rootDir ?? process.env.KFWB_ROOT_DIR ?? process.cwd();
  app.addHook('onClose', () => pool.close());

  app.post(routes.analysis(), { bodyLimit: ANALYSIS_BODY_LIMIT }, async (request, reply) => {
    const checked = validateAnalysisSpec(request.body);
    if (!checked.ok) {
      throw new BackendError('invalid_spec', 'The analysis spec is invalid.', checked.fields);
    }
    const spec = checked.value;
    let input: AnalysisInput;
    let source: IAnalysisResult['spec']['source'];
    if ('path' in spec.source) {
      const file = await resolveInsideRoot(rootDir, spec.source.path);
      let format: FileFormat;
      try {
        // From the path the user named: a symlink's target may have another name.
        format = formatOf(spec.source.path, spec.source.format);
      } catch (error) {
        const { message, field } = error as AnalysisInputError;
        throw new BackendError('invalid_spec', message, [{ path: field, message }]);
      }
      input = { file, name: spec.source.path, format, columns: columnsOf(spec) };
      source = { path: spec.source.path };
    } else {
      const bytes = ownBytes(spec.source.arrow);
      input = { arrow: bytes };
      source = { inline: { bytes: bytes.length } };
      // The worker gets the bytes; drop the base64 text from the spec it is sent with.
      spec.source = { arrow: '' };
    }
    // A client that goes away (closed tab, interrupted kernel) stops its analysis.
    const cancel = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) {
        cancel.abort();
      }
    });
    return pool.run({ spec, input, source }, cancel.signal);
  });
}
