/**
 * `POST /api/v1/pipelines/compile` {spec, path}: validates a pipeline document and compiles it to the KFP v2 IR
 * (+ YAML as kfp writes it, + warnings). Node files are read from the Jupyter root dir, relative to the
 * pipeline file's folder, confined like the analysis route (no `..` or symlinks out of the root). Invalid
 * documents → 400 with JSON-pointer field paths into the document, each naming its node.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { ICompileRequest, ICompileResponse, IPipelineProblem } from '../../../contract/pipeline';
import { routes } from '../../../contract/routes';
import { compile, PipelineInvalidError } from '../../../compiler/compile';
import { dirnameOf, joinPath, normalizePath } from '../../../compiler/paths';
import { toYaml } from '../../../compiler/yaml';
import { BackendError } from '../backends/types';
import { resolveInsideRoot } from './analysis';
import type { IAppDeps } from '../app';

/** Per file embedded in a step; larger files belong in artifacts, not in the IR. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

interface IFileRef {
  path: string;
  field: string;
  node: string;
}

/** The files a document names (shape-checked loosely: the compiler validates the document itself). */
function referencedFiles(spec: unknown): IFileRef[] {
  const refs: IFileRef[] = [];
  const nodes = (spec as { nodes?: unknown })?.nodes;
  if (!Array.isArray(nodes)) {
    return refs;
  }
  nodes.forEach((node: { id?: unknown; file?: unknown; dependencies?: unknown }, i) => {
    const id = typeof node?.id === 'string' ? node.id : String(i);
    if (typeof node?.file === 'string') {
      refs.push({ path: node.file, field: `/nodes/${i}/file`, node: id });
    }
    if (Array.isArray(node?.dependencies)) {
      node.dependencies.forEach((dep, j) => {
        if (typeof dep === 'string') {
          refs.push({ path: dep, field: `/nodes/${i}/dependencies/${j}`, node: id });
        }
      });
    }
  });
  return refs;
}

/**
 * Reads every named file under the root: the map the compiler's FileReader serves (keys relative to the
 * pipeline's folder), and problems for files outside the root or too large.
 */
export async function readPipelineFiles(
  rootDir: string,
  pipelinePath: string,
  spec: unknown
): Promise<{ files: Map<string, string>; problems: IPipelineProblem[] }> {
  const files = new Map<string, string>();
  const problems: IPipelineProblem[] = [];
  const folder = dirnameOf(normalizePath(pipelinePath));
  for (const ref of referencedFiles(spec)) {
    const key = normalizePath(ref.path);
    if (files.has(key) || ref.path.startsWith('/')) {
      continue;
    }
    const fromRoot = joinPath(folder, key);
    try {
      if (fromRoot.startsWith('..')) {
        throw new BackendError('forbidden', 'outside');
      }
      const real = await resolveInsideRoot(rootDir, fromRoot);
      const bytes = await readFile(real);
      if (bytes.length > MAX_FILE_BYTES) {
        problems.push({
          path: ref.field,
          node: ref.node,
          message: `node '${ref.node}': file '${ref.path}' is larger than ${MAX_FILE_BYTES >> 20} MiB; pass data as artifacts`
        });
        continue;
      }
      files.set(key, bytes.toString('utf8'));
    } catch (error) {
      if (error instanceof BackendError && error.code === 'forbidden') {
        problems.push({
          path: ref.field,
          node: ref.node,
          message: `node '${ref.node}': file '${ref.path}' is outside the Jupyter root directory`
        });
      } else if (!(error instanceof BackendError)) {
        throw error;
      }
      // Missing files and folders are reported by the compiler's validation ("does not exist").
    }
  }
  return { files, problems };
}

export function registerPipelineCompileRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const rootDir = deps.rootDir ?? process.env.KFWB_ROOT_DIR ?? process.cwd();

  // The app's 1 MiB body limit holds: a document carries no file contents (about 2,000 nodes fit).
  app.post(routes.pipelineCompile(), async request => {
    const body = request.body as Partial<ICompileRequest> | null;
    if (!body || typeof body !== 'object' || body.spec === undefined) {
      throw new BackendError('invalid_spec', 'The request needs a pipeline document in "spec".', [
        { path: '/spec', message: 'is required' }
      ]);
    }
    const path = typeof body.path === 'string' ? body.path : '';
    const { files, problems } = await readPipelineFiles(rootDir, path, body.spec);
    try {
      if (problems.length) {
        throw new PipelineInvalidError(problems);
      }
      const compiled = compile(body.spec, p => files.get(p));
      const answer: ICompileResponse = {
        ir: compiled.ir,
        ...(compiled.platformSpec && { platformSpec: compiled.platformSpec }),
        yaml: toYaml(compiled.ir, compiled.platformSpec),
        warnings: compiled.warnings
      };
      return answer;
    } catch (error) {
      if (error instanceof PipelineInvalidError) {
        const first = error.problems[0]?.message ?? 'invalid';
        const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more)` : '';
        throw new BackendError(
          'invalid_spec',
          `The pipeline is invalid: ${first}${more}.`,
          // Paths point into the document (what the editor shows), not into the request body.
          error.problems
        );
      }
      throw error;
    }
  });
}
