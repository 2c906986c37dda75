/**
 * Validation and compilation in the browser with the shared compiler (compiler/), fed with the nodes' files
 * read through JupyterLab's contents API. The compiler is a lazily loaded chunk: it is fetched the first time a
 * pipeline is validated, not at JupyterLab's start-up.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { Contents } from '@jupyterlab/services';
import { IPipelineProblem, IPipelineSpec } from '../../contract/pipeline';

type CompilerModule = typeof import('./compiler-chunk');
let compilerModule: Promise<CompilerModule> | null = null;
const loadCompiler = (): Promise<CompilerModule> =>
  (compilerModule ??= import(/* webpackChunkName: "kf-pipeline-compiler" */ './compiler-chunk'));

/** Every file a document names (node files and dependencies), relative to the pipeline's folder. */
export function filesOf(spec: IPipelineSpec): string[] {
  const files = new Set<string>();
  for (const n of spec.nodes) {
    if (n.file) {
      files.add(n.file);
    }
    for (const d of n.dependencies ?? []) {
      files.add(d);
    }
  }
  return [...files];
}

/** Reads the files a document names; a missing file is simply absent (validation names it). */
export async function readFiles(
  contents: Contents.IManager,
  spec: IPipelineSpec,
  path: string
): Promise<Map<string, string>> {
  const folder = PathExt.dirname(path);
  const read = await Promise.all(
    filesOf(spec).map(async file => {
      try {
        const model = await contents.get(PathExt.join(folder, file), {
          content: true,
          format: 'text',
          type: 'file'
        });
        const text =
          typeof model.content === 'string' ? model.content : JSON.stringify(model.content);
        return [file, text] as const;
      } catch {
        return null;
      }
    })
  );
  return new Map(read.filter((r): r is readonly [string, string] => r !== null));
}

/** A reader as the compiler wants it (paths normalised the way it asks for them). */
function readerOf(files: Map<string, string>): (path: string) => string | undefined {
  const normalised = new Map([...files].map(([k, v]) => [PathExt.normalize(k), v]));
  return path => files.get(path) ?? normalised.get(PathExt.normalize(path));
}

/** Errors and warnings (warnings say so), in the document's order. */
export async function validateDocument(
  contents: Contents.IManager,
  spec: IPipelineSpec,
  path: string
): Promise<IPipelineProblem[]> {
  const [compiler, files] = await Promise.all([loadCompiler(), readFiles(contents, spec, path)]);
  const checked = compiler.checkPipeline(spec, readerOf(files));
  return [
    ...checked.errors,
    ...checked.warnings.map(w => ({ ...w, message: `Warning: ${w.message}` }))
  ];
}

/** The KFP v2 YAML; throws with every problem in words when the document does not compile. */
export async function compileToYaml(
  contents: Contents.IManager,
  spec: IPipelineSpec,
  path: string
): Promise<string> {
  const [compiler, files] = await Promise.all([loadCompiler(), readFiles(contents, spec, path)]);
  const compiled = compiler.compile(spec, readerOf(files));
  return compiler.toYaml(compiled.ir, compiled.platformSpec);
}
