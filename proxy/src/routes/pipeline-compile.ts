/**
 * Pipeline documents → IR in the proxy: validation with JSON pointers and node names (nothing runs when a
 * document is invalid), then the compiler, with the nodes' files read from under the Jupyter root (relative to the
 * pipeline file's directory, confined to the root: no `..` or symlink out).
 */
import { realpathSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ICompileResponse, IPipelineProblem } from '../../../contract/pipeline';
import { compile, PipelineInvalidError, toYaml, validatePipeline } from '../../../compiler';
import { BackendError } from '../backends/types';
import { filesOutsideRoot } from './pipeline-files';

const inside = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The compiler's file reader: a node's path (relative to the pipeline file's directory `base`, itself relative to
 * the Jupyter root) → its text, or undefined (which validation names).
 */
export function rootFileReader(
  rootDir: string,
  base: string
): (path: string) => string | undefined {
  let root: string;
  try {
    root = realpathSync(rootDir);
  } catch {
    return () => undefined;
  }
  return path => {
    try {
      const real = realpathSync(resolve(root, base, path));
      if (!inside(root, real) || !statSync(real).isFile()) {
        return undefined;
      }
      return readFileSync(real, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** A document path as the run shows it: relative to the Jupyter root (the magics send absolute paths). */
export function rootRelative(rootDir: string, path: string): string {
  if (!isAbsolute(path)) {
    return path;
  }
  const candidates = [resolve(rootDir)];
  try {
    candidates.push(realpathSync(rootDir));
  } catch {
    // a root that does not exist leaves the path as sent
  }
  const root = candidates.find(r => inside(r, path));
  return root ? relative(root, path) : path;
}

function invalid(problems: IPipelineProblem[]): BackendError {
  const nodes = [...new Set(problems.flatMap(p => (p.node ? [p.node] : [])))];
  const where = nodes.length ? ` (nodes: ${nodes.join(', ')})` : '';
  // The compiler's messages already start with the node ("node 'train': …").
  return new BackendError(
    'invalid_spec',
    `The pipeline is invalid${where}.`,
    // `node` stays: the editor and the magics point at the node without parsing the message.
    problems
  );
}

/** Validates then compiles `spec` (a document whose file is `path`, relative to the root); 400 when invalid. */
export function compileDocument(
  rootDir: string,
  spec: unknown,
  path: string | undefined
): ICompileResponse {
  const base = path ? dirname(path) : '.';
  const outside = filesOutsideRoot(rootDir, base, spec);
  if (outside.length > 0) {
    throw invalid(outside);
  }
  const files = rootFileReader(rootDir, base);
  const problems = validatePipeline(spec, files);
  if (problems.length > 0) {
    throw invalid(problems);
  }
  try {
    const { ir, platformSpec, warnings } = compile(spec, files);
    return {
      ir,
      ...(platformSpec ? { platformSpec } : {}),
      yaml: toYaml(ir, platformSpec),
      warnings
    };
  } catch (e) {
    if (e instanceof PipelineInvalidError) {
      throw invalid(e.problems);
    }
    throw e;
  }
}
