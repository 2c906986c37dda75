/**
 * Which files a pipeline document names that lead outside the Jupyter root (by `..` or by a symlink): each is a
 * problem at its field, naming its node, so the user reads "outside the Jupyter root directory" rather than "does
 * not exist". The compiler's file reader refuses them as well; this only words the refusal.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { IPipelineProblem } from '../../../contract/pipeline';

const inside = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

interface IFileRef {
  path: string;
  field: string;
  node: string;
}

/** The files a document names (shape-checked loosely: the schema checks the document itself). */
export function referencedFiles(spec: unknown): IFileRef[] {
  const refs: IFileRef[] = [];
  const nodes = (spec as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) {
    return refs;
  }
  nodes.forEach((node: { id?: unknown; file?: unknown; dependencies?: unknown } | null, i) => {
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

/** `base`: the pipeline file's directory relative to the root. Missing files are not problems here. */
export function filesOutsideRoot(rootDir: string, base: string, spec: unknown): IPipelineProblem[] {
  let root: string;
  try {
    root = realpathSync(rootDir);
  } catch {
    return [];
  }
  const problems: IPipelineProblem[] = [];
  for (const ref of referencedFiles(spec)) {
    const lexical = resolve(rootDir, base, ref.path);
    let outside = !inside(resolve(rootDir), lexical) && !inside(root, lexical);
    if (!outside) {
      try {
        outside = !inside(root, realpathSync(lexical));
      } catch {
        // does not exist: validation says so
      }
    }
    if (outside) {
      problems.push({
        path: ref.field,
        node: ref.node,
        message: `node '${ref.node}': file '${ref.path}' is outside the Jupyter root directory`
      });
    }
  }
  return problems;
}
