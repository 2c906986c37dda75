/**
 * The executor contract of KFP v2 on this machine, as kfp.local lays it out (`executor_input_utils.py`): a task
 * root per task, output parameter files `<task_root>/<name>`, artifact URIs `<task_root>/<name>` (plain paths:
 * locally uri == path), `<task_root>/executor_output.json`; and the placeholders the KFP launcher substitutes in
 * the command (`sdk/python/kfp/dsl/placeholders.py`, `backend/src/v2/component/launcher_v2.go`).
 */
import { join } from 'node:path';
import { IComponentSpec } from './ir';

export const EXECUTOR_OUTPUT_FILE = 'executor_output.json';

export interface IRuntimeArtifact {
  name: string;
  uri: string;
  metadata: Record<string, unknown>;
  type: { schemaTitle: string; schemaVersion?: string };
}

export interface IExecutorInput {
  inputs: {
    parameterValues: Record<string, unknown>;
    artifacts: Record<string, { artifacts: IRuntimeArtifact[] }>;
  };
  outputs: {
    parameters: Record<string, { outputFile: string }>;
    artifacts: Record<string, { artifacts: IRuntimeArtifact[] }>;
    outputFile: string;
  };
}

export class PlaceholderError extends Error {}

export function artifactType(
  definition: { artifactType?: { schemaTitle?: string; schemaVersion?: string } } | undefined
): IRuntimeArtifact['type'] {
  return {
    schemaTitle: definition?.artifactType?.schemaTitle ?? 'system.Artifact',
    schemaVersion: definition?.artifactType?.schemaVersion ?? '0.0.1'
  };
}

/** The ExecutorInput of one task, given its resolved input values and upstream artifacts. */
export function executorInput(
  component: IComponentSpec,
  taskRoot: string,
  parameterValues: Record<string, unknown>,
  inputArtifacts: Record<string, IRuntimeArtifact>
): IExecutorInput {
  const outputs = component.outputDefinitions ?? {};
  return {
    inputs: {
      parameterValues,
      artifacts: Object.fromEntries(
        Object.entries(inputArtifacts).map(([name, a]) => [name, { artifacts: [a] }])
      )
    },
    outputs: {
      parameters: Object.fromEntries(
        Object.keys(outputs.parameters ?? {}).map(name => [
          name,
          { outputFile: join(taskRoot, name) }
        ])
      ),
      artifacts: Object.fromEntries(
        Object.entries(outputs.artifacts ?? {}).map(([name, def]) => [
          name,
          {
            artifacts: [{ name, uri: join(taskRoot, name), metadata: {}, type: artifactType(def) }]
          }
        ])
      ),
      outputFile: join(taskRoot, EXECUTOR_OUTPUT_FILE)
    }
  };
}

/** A parameter value as text on a command line: strings as they are, numbers and booleans plainly, the rest JSON. */
export function parameterText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

const PLACEHOLDER =
  /\{\{\$(?:\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\](?:\.(\w+)(?:\['([^']+)'\])?)?)?\}\}/g;

function artifactField(
  artifact: IRuntimeArtifact,
  field: string | undefined,
  key: string | undefined,
  text: string
): string {
  if (field === undefined) {
    return JSON.stringify(artifact);
  }
  if (field === 'path' || field === 'uri') {
    return artifact.uri;
  }
  if (field === 'metadata') {
    return key === undefined
      ? JSON.stringify(artifact.metadata)
      : parameterText(artifact.metadata[key]);
  }
  throw new PlaceholderError(`unknown placeholder ${text}`);
}

function resolveOne(text: string, input: IExecutorInput): string {
  return text.replace(
    PLACEHOLDER,
    (whole, side?: string, kind?: string, name?: string, field?: string, key?: string) => {
      if (!side) {
        return JSON.stringify(input);
      }
      if (side === 'inputs' && kind === 'parameters' && field === undefined) {
        if (!(name! in input.inputs.parameterValues)) {
          throw new PlaceholderError(`${whole}: input parameter "${name}" has no value`);
        }
        return parameterText(input.inputs.parameterValues[name!]);
      }
      if (side === 'outputs' && kind === 'parameters' && field === 'output_file') {
        const out = input.outputs.parameters[name!];
        if (!out) {
          throw new PlaceholderError(
            `${whole}: the component declares no output parameter "${name}"`
          );
        }
        return out.outputFile;
      }
      if (kind === 'artifacts') {
        const list = (side === 'inputs' ? input.inputs : input.outputs).artifacts[name!];
        if (!list) {
          throw new PlaceholderError(`${whole}: no ${side.slice(0, -1)} artifact "${name}"`);
        }
        return artifactField(list.artifacts[0], field, key, whole);
      }
      throw new PlaceholderError(`unknown placeholder ${whole}`);
    }
  );
}

type Structured = {
  IfPresent?: { InputName: string; Then?: unknown; Else?: unknown };
  Concat?: unknown[];
};

function isPresent(name: string, input: IExecutorInput): boolean {
  return name in input.inputs.parameterValues || name in input.inputs.artifacts;
}

/** kfp's `IfPresentPlaceholder` and `ConcatPlaceholder` travel as JSON strings in `args`; expand them. */
function expand(value: unknown, input: IExecutorInput): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(v => expand(v, input));
  }
  if (typeof value === 'string') {
    const structured = parseStructured(value);
    return structured ? expand(structured, input) : [resolveOne(value, input)];
  }
  if (value && typeof value === 'object') {
    const s = value as Structured;
    if (s.IfPresent) {
      const branch = isPresent(s.IfPresent.InputName, input) ? s.IfPresent.Then : s.IfPresent.Else;
      return branch === undefined ? [] : expand(branch, input);
    }
    if (s.Concat) {
      return [s.Concat.map(part => expand(part, input).join('')).join('')];
    }
  }
  throw new PlaceholderError(`cannot resolve argument ${JSON.stringify(value)}`);
}

function parseStructured(text: string): Structured | undefined {
  if (!/^\{"(IfPresent|Concat)"/.test(text)) {
    return undefined;
  }
  try {
    return JSON.parse(text) as Structured;
  } catch {
    return undefined;
  }
}

/** The command line with every placeholder substituted. */
export function resolveCommand(argv: string[], input: IExecutorInput): string[] {
  return argv.flatMap(arg => expand(arg, input));
}
