/**
 * The KFP SDK in its own venv (test/kfp/venv.sh): the strict protobuf parser every IR from the tests goes
 * through, and kfp's own compiler for the reference pipelines.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { compile, ICompiled } from '../compile';
import { FileReader } from '../validate';

const REPO = join(__dirname, '..', '..');
const TOOL = join(REPO, 'test', 'kfp', 'ir_tool.py');
let python: string | undefined;

/** The venv's python (created on first use, then cached per machine). */
export function kfpPython(): string {
  python ??=
    process.env.KFWB_KFP_PYTHON ||
    execFileSync('bash', [join(REPO, 'test', 'kfp', 'venv.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit']
    }).trim();
  return python;
}

/** Problems the KFP server's upload checks find, by name; an empty object when every IR passes. */
export function serverProblems(items: Record<string, ICompiled>): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-ir-'));
  try {
    const file = join(dir, 'irs.json');
    writeFileSync(file, JSON.stringify(items));
    const out = execFileSync(kfpPython(), [TOOL, 'check', file], { encoding: 'utf8' });
    const all = JSON.parse(out) as Record<string, string[]>;
    return Object.fromEntries(Object.entries(all).filter(([, problems]) => problems.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** kfp's own IR for each reference pipeline in test/kfp/reference_pipelines.py. */
export function referenceIrs(): Record<string, { ir: Record<string, unknown> }> {
  return JSON.parse(
    execFileSync(kfpPython(), [TOOL, 'reference'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  );
}

/**
 * `compile`, remembering every IR it emits so the spec can hand them all to the strict parser at the end
 * (`expect(serverProblems(recorder.emitted)).toEqual({})` in an afterAll or a last test).
 */
export function recordingCompiler() {
  const emitted: Record<string, ICompiled> = {};
  let n = 0;
  return {
    emitted,
    compile(document: unknown, files: FileReader): ICompiled {
      const compiled = compile(document, files);
      emitted[`ir-${++n}`] = compiled;
      return compiled;
    }
  };
}

/** The YAML text kfp writes for each IR (its header, then PyYAML with sorted keys), by name. */
export function kfpYaml(
  items: Record<string, { ir: unknown; platformSpec?: unknown }>
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-yaml-'));
  try {
    const file = join(dir, 'irs.json');
    writeFileSync(file, JSON.stringify(items));
    return JSON.parse(
      execFileSync(kfpPython(), [TOOL, 'yaml', file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each YAML loaded by kfp as a component and compiled into an outer kfp pipeline: its components, problems. */
export function nestedInKfp(
  texts: Record<string, string>
): Record<string, { components: string[]; problems: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-nest-'));
  try {
    const file = join(dir, 'texts.json');
    writeFileSync(file, JSON.stringify(texts));
    return JSON.parse(
      execFileSync(kfpPython(), [TOOL, 'nest', file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
