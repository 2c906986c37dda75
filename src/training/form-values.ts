/**
 * The launcher form's text values and the spec they stand for, both ways (pure). The form keeps strings so
 * what the user typed is never lost; `toSpec` keeps bad values as they are so the shared validator reports
 * them at the right JSON pointer.
 */
import { Framework, ITrainingJobSpec } from '../../contract/training';
import { ROLES } from './roles';

export interface IFormValues {
  framework: Framework;
  /** Count text per role of the framework; '' or '0' leaves the role out. */
  counts: Record<string, string>;
  runtimeName: string;
  name: string;
  image: string;
  /** The launcher, one line (`torchrun --nproc-per-node 2`); empty: `python` runs the script. */
  command: string;
  /** Arguments, one per line (no shell quoting: each line is one argument). */
  args: string;
  /** The script shipped with the job, edited in the form's code editor. */
  source?: { filename: string; content: string };
  env: string;
  cpu: string;
  memory: string;
  gpus: string;
  gpuResource: string;
  packages: string;
  nodeSelector: string;
  cleanPodPolicy: '' | 'All' | 'Running' | 'None';
  ttlSecondsAfterFinished: string;
  backoffLimit: string;
  activeDeadlineSeconds: string;
  /** Spec parts the form does not edit, carried over when cloning. */
  kept: Pick<
    ITrainingJobSpec,
    'volumes' | 'tolerations' | 'labels' | 'terminationGracePeriodSeconds'
  >;
}

export type TextField = Exclude<
  keyof IFormValues,
  'framework' | 'counts' | 'source' | 'kept' | 'cleanPodPolicy'
>;

export function initialCounts(framework: Framework): Record<string, string> {
  return Object.fromEntries(ROLES[framework].map(r => [r.role, String(r.initial)]));
}

export function emptyValues(framework: Framework = 'pytorch'): IFormValues {
  return {
    framework,
    counts: initialCounts(framework),
    runtimeName: '',
    name: '',
    image: '',
    command: '',
    args: '',
    env: '',
    cpu: '',
    memory: '',
    gpus: '',
    gpuResource: '',
    packages: '',
    nodeSelector: '',
    cleanPodPolicy: '',
    ttlSecondsAfterFinished: '',
    backoffLimit: '',
    activeDeadlineSeconds: '',
    kept: {}
  };
}

/** Splits a command line on spaces, keeping quoted parts ('…' or "…") and backslash-escaped characters whole. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) {
        quote = null;
      } else if (c === '\\' && quote === '"' && i + 1 < line.length) {
        word += line[++i];
      } else {
        word += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) {
        words.push(word);
      }
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}

/** The inverse of `splitCommand`: quotes words that need it. */
export function joinCommand(words: string[]): string {
  return words
    .map(w => (w === '' || /[\s'"\\]/.test(w) ? `'${w.replace(/'/g, `'"'"'`)}'` : w))
    .join(' ');
}

/** `KEY=VALUE` lines to a map; a line without '=' becomes a key with an empty value (the validator judges it). */
export function parsePairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const at = line.indexOf('=');
    pairs[at < 0 ? line : line.slice(0, at).trim()] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return pairs;
}

export const formatPairs = (pairs: Record<string, string> | undefined): string =>
  Object.entries(pairs ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** An integer when the text is one, else the trimmed text (so the validator says "must be a whole number"). */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function withoutEmpty<T extends object>(object: T): T | undefined {
  const entries = Object.entries(object).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

export function toSpec(values: IFormValues): ITrainingJobSpec {
  const isTrainJob = values.framework === 'trainjob';
  const replicas: ITrainingJobSpec['replicas'] = {};
  for (const [role, text] of Object.entries(values.counts)) {
    if (text.trim() !== '' && text.trim() !== '0') {
      replicas[role] = { count: numberOrText(text) as number };
    }
  }
  const env = parsePairs(values.env);
  const nodeSelector = parsePairs(values.nodeSelector);
  const packages = values.packages
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  const command = splitCommand(values.command);
  const args = values.args.split('\n').filter(line => line.trim() !== '');
  const gpus = values.gpus.trim() ? numberOrText(values.gpus) : undefined;
  const spec: ITrainingJobSpec = {
    framework: values.framework,
    replicas,
    ...withoutEmpty({
      name: values.name.trim(),
      image: values.image.trim(),
      command: command.length ? command : undefined,
      args: args.length ? args : undefined,
      source: values.source,
      env: Object.keys(env).length ? env : undefined,
      resources: withoutEmpty({
        cpu: values.cpu.trim(),
        memory: values.memory.trim(),
        gpus: gpus as number | undefined,
        gpuResource: gpus !== undefined ? values.gpuResource.trim() : undefined
      }),
      packages: packages.length ? packages : undefined,
      nodeSelector: !isTrainJob && Object.keys(nodeSelector).length ? nodeSelector : undefined,
      runPolicy: withoutEmpty({
        cleanPodPolicy: isTrainJob ? undefined : values.cleanPodPolicy || undefined,
        ttlSecondsAfterFinished: isTrainJob
          ? undefined
          : (numberOrText(values.ttlSecondsAfterFinished) as number),
        backoffLimit: isTrainJob ? undefined : (numberOrText(values.backoffLimit) as number),
        activeDeadlineSeconds: numberOrText(values.activeDeadlineSeconds) as number
      }),
      runtimeRef: isTrainJob ? { name: values.runtimeName.trim() } : undefined
    }),
    ...values.kept
  };
  return spec;
}

/** The script of a `python -c CODE` command, as a source file; undefined for other commands. */
export function inlineScript(command: string[]): { filename: string; content: string } | undefined {
  const [program, flag, code, ...rest] = command;
  if (
    /^python[\d.]*$/.test(program ?? '') &&
    flag === '-c' &&
    code !== undefined &&
    rest.length === 0
  ) {
    return { filename: 'main.py', content: code };
  }
  return undefined;
}

/** What each replica runs, as a user would type it (the preview under the code fields). */
export function commandPreview(values: IFormValues): string {
  const launcher = splitCommand(values.command);
  const args = values.args.split('\n').filter(line => line.trim() !== '');
  const program = values.source
    ? [...(launcher.length ? launcher : ['python']), values.source.filename, ...args]
    : [...launcher, ...args];
  return program.length ? joinCommand(program) : '';
}

/** Form values for a spec (clone, re-run): every field the form knows, the rest kept as is. */
export function fromSpec(spec: ITrainingJobSpec): IFormValues {
  const values = emptyValues(spec.framework);
  // Roles absent from the spec are left out (0); a spec with no roles at all starts from the defaults.
  const given = Object.entries(spec.replicas ?? {});
  const counts = given.length
    ? Object.fromEntries(Object.keys(values.counts).map(role => [role, '0']))
    : values.counts;
  for (const [role, r] of given) {
    counts[role] = String(r.count);
  }
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  // `python -c CODE` (as the magics and older clones send it) is a script: show it in the code editor.
  const inline = !spec.source ? inlineScript(spec.command ?? []) : undefined;
  return {
    ...values,
    counts,
    runtimeName: spec.runtimeRef?.name ?? '',
    name: spec.name ?? '',
    image: spec.image ?? '',
    command: inline ? '' : joinCommand(spec.command ?? []),
    args: (spec.args ?? []).join('\n'),
    source: inline ?? spec.source,
    env: formatPairs(spec.env),
    cpu: spec.resources?.cpu ?? '',
    memory: spec.resources?.memory ?? '',
    gpus: text(spec.resources?.gpus),
    gpuResource: spec.resources?.gpuResource ?? '',
    packages: (spec.packages ?? []).join(', '),
    nodeSelector: formatPairs(spec.nodeSelector),
    cleanPodPolicy: spec.runPolicy?.cleanPodPolicy ?? '',
    ttlSecondsAfterFinished: text(spec.runPolicy?.ttlSecondsAfterFinished),
    backoffLimit: text(spec.runPolicy?.backoffLimit),
    activeDeadlineSeconds: text(spec.runPolicy?.activeDeadlineSeconds),
    kept:
      withoutEmpty({
        volumes: spec.volumes,
        tolerations: spec.tolerations,
        labels: spec.labels,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds
      }) ?? {}
  };
}

/** Which form field shows an error at `path` (a JSON pointer into the spec); `form` for the banner. */
export function fieldOfPath(path: string): string {
  const parts = path.split('/').slice(1);
  const [top, second] = parts;
  const direct: Record<string, string> = {
    name: 'name',
    image: 'image',
    command: 'command',
    args: 'args',
    source: 'source',
    env: 'env',
    packages: 'packages',
    nodeSelector: 'nodeSelector',
    runtimeRef: 'runtimeName',
    framework: 'framework'
  };
  if (top === 'replicas') {
    return second ? `replicas.${second}` : 'replicas';
  }
  if ((top === 'resources' || top === 'runPolicy') && second) {
    return second;
  }
  return direct[top] ?? 'form';
}

/** A fresh name for a re-run of `name`: `<name>-r<4 chars>`, the base shortened so the result stays <= 48. */
export function rerunName(name: string, random: () => number = Math.random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '-r';
  for (let i = 0; i < 4; i++) {
    suffix += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  }
  const base = name
    .replace(/-r[a-z0-9]{4}$/, '')
    .slice(0, 48 - suffix.length)
    .replace(/-+$/, '');
  return base + suffix;
}
