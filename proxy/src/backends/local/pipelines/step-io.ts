/**
 * A step's inputs (from pipeline parameters, constants, defaults and upstream outputs), its outputs (read back
 * from the files the executor contract names), and its cache key.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IFieldError } from '../../../../../contract/errors';
import { IParameterDefinition } from './ir';
import { IPlannedStep } from './plan';
import { artifactType, EXECUTOR_OUTPUT_FILE, IRuntimeArtifact } from './placeholders';
import { IStepIo } from './run-record';

export class StepInputError extends Error {}

/** Pipeline parameters checked against the root's definitions; strings are read as the declared type. */
export function resolveRunParameters(
  definitions: Record<string, IParameterDefinition>,
  given: Record<string, unknown>
): { values: Record<string, unknown>; errors: IFieldError[] } {
  const errors: IFieldError[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!(name in definitions)) {
      errors.push({
        path: `/parameters/${name}`,
        message: `the pipeline has no parameter "${name}" (it has: ${Object.keys(definitions).join(', ') || 'none'})`
      });
    }
  }
  for (const [name, def] of Object.entries(definitions)) {
    const raw = name in given ? given[name] : def.defaultValue;
    if (raw === undefined) {
      if (!def.isOptional) {
        errors.push({
          path: `/parameters/${name}`,
          message: 'is required (the pipeline gives no default)'
        });
      }
      continue;
    }
    const value = coerce(raw, def.parameterType);
    if (value === undefined) {
      errors.push({
        path: `/parameters/${name}`,
        message: `must be ${typeWords(def.parameterType)}, got ${JSON.stringify(raw)}`
      });
    } else {
      values[name] = value;
    }
  }
  return { values, errors };
}

function typeWords(type: string | undefined): string {
  return (
    {
      NUMBER_INTEGER: 'an integer',
      NUMBER_DOUBLE: 'a number',
      BOOLEAN: 'true or false',
      LIST: 'a JSON list',
      STRUCT: 'a JSON object',
      STRING: 'a string'
    }[type ?? 'STRING'] ?? 'a value'
  );
}

/** The value as the declared type, or undefined when it is not one (strings are parsed, as typed on a command line). */
export function coerce(raw: unknown, type: string | undefined): unknown {
  let value = raw;
  if (typeof raw === 'string' && type && type !== 'STRING') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  switch (type) {
    case 'NUMBER_INTEGER':
      return Number.isSafeInteger(value) ? value : undefined;
    case 'NUMBER_DOUBLE':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'BOOLEAN':
      return typeof value === 'boolean' ? value : undefined;
    case 'LIST':
      return Array.isArray(value) ? value : undefined;
    case 'STRUCT':
      return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    case 'STRING':
      return typeof value === 'string' ? value : undefined;
    default:
      return value;
  }
}

/** The step's input values and artifacts, from the run's parameters and its upstream steps' outputs. */
export function resolveInputs(
  step: IPlannedStep,
  runParameters: Record<string, unknown>,
  upstreamOutputs: (task: string) => IStepIo | undefined
): IStepIo {
  const parameters: Record<string, unknown> = {};
  const artifacts: Record<string, IRuntimeArtifact> = {};
  const defs = step.componentSpec.inputDefinitions ?? {};
  for (const [name, input] of Object.entries(step.spec.inputs?.parameters ?? {})) {
    if (input.componentInputParameter !== undefined) {
      const source = input.componentInputParameter;
      if (source in runParameters) {
        parameters[name] = runParameters[source];
      }
    } else if (input.runtimeValue) {
      parameters[name] =
        input.runtimeValue.constant ?? input.runtimeValue.constantValue?.stringValue;
    } else if (input.taskOutputParameter) {
      const { producerTask, outputParameterKey } = input.taskOutputParameter;
      const outputs = upstreamOutputs(producerTask)?.parameters ?? {};
      if (!(outputParameterKey in outputs)) {
        throw new StepInputError(
          `input "${name}" reads output parameter "${outputParameterKey}" of step ${producerTask}, which it did not produce`
        );
      }
      parameters[name] = outputs[outputParameterKey];
    } else if (input.taskFinalStatus) {
      parameters[name] = {
        state: 'SUCCEEDED',
        pipelineTaskName: input.taskFinalStatus.producerTask
      };
    }
  }
  for (const [name, def] of Object.entries(defs.parameters ?? {})) {
    if (!(name in parameters) && def.defaultValue !== undefined) {
      parameters[name] = def.defaultValue;
    }
    if (!(name in parameters) && !def.isOptional) {
      throw new StepInputError(
        `input parameter "${name}" has no value (not connected, no default)`
      );
    }
  }
  for (const [name, input] of Object.entries(step.spec.inputs?.artifacts ?? {})) {
    const from = input.taskOutputArtifact;
    if (!from) {
      continue;
    }
    const artifact = upstreamOutputs(from.producerTask)?.artifacts[from.outputArtifactKey];
    if (!artifact) {
      throw new StepInputError(
        `input "${name}" reads artifact "${from.outputArtifactKey}" of step ${from.producerTask}, which it did not produce`
      );
    }
    artifacts[name] = { ...artifact, name, type: artifactType(defs.artifacts?.[name]) };
  }
  for (const [name, def] of Object.entries(defs.artifacts ?? {})) {
    if (!(name in artifacts) && !def.isOptional) {
      throw new StepInputError(`input artifact "${name}" is not connected`);
    }
  }
  return { parameters, artifacts };
}

/**
 * The step's outputs after it exited 0: `executor_output.json` wins when the step wrote one (kfp's Python
 * executor does), else one file per output parameter; a declared output that is missing is named.
 */
export function readOutputs(
  step: IPlannedStep,
  taskRoot: string
): { outputs: IStepIo; missing: string[] } {
  const defs = step.componentSpec.outputDefinitions ?? {};
  let executorOutput: {
    parameterValues?: Record<string, unknown>;
    artifacts?: Record<string, { artifacts?: IRuntimeArtifact[] }>;
  } = {};
  try {
    executorOutput = JSON.parse(readFileSync(join(taskRoot, EXECUTOR_OUTPUT_FILE), 'utf8'));
  } catch {
    // not written: the parameter files hold the outputs
  }
  const parameters: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, def] of Object.entries(defs.parameters ?? {})) {
    if (executorOutput.parameterValues && name in executorOutput.parameterValues) {
      parameters[name] = executorOutput.parameterValues[name];
      continue;
    }
    const file = join(taskRoot, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      missing.push(`output parameter "${name}" (the step did not write ${file})`);
      continue;
    }
    const value =
      def.parameterType === 'STRING' || !def.parameterType
        ? text
        : coerce(text.trim(), def.parameterType);
    if (value === undefined) {
      missing.push(
        `output parameter "${name}" (${file} does not hold ${typeWords(def.parameterType)})`
      );
    } else {
      parameters[name] = value;
    }
  }
  const artifacts: Record<string, IRuntimeArtifact> = {};
  for (const [name, def] of Object.entries(defs.artifacts ?? {})) {
    const written = executorOutput.artifacts?.[name]?.artifacts?.[0];
    artifacts[name] = {
      name,
      uri: written?.uri ?? join(taskRoot, name),
      metadata: written?.metadata ?? {},
      type: artifactType(def)
    };
  }
  return { outputs: { parameters, artifacts }, missing };
}

/** A content hash of a file or a directory tree (names and bytes), so a cache key follows the data, not its path. */
export function contentHash(path: string): string {
  const hash = createHash('sha256');
  const visit = (p: string, rel: string) => {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      hash.update(`missing:${rel}\n`);
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        visit(join(p, entry), `${rel}/${entry}`);
      }
    } else {
      hash.update(`file:${rel}:${stat.size}\n`);
      hash.update(readFileSync(p));
    }
  };
  visit(path, '');
  return hash.digest('hex');
}

/**
 * Like kfp.local's key (component, image, command, arguments, env) but over the *unresolved* command (the
 * resolved one names this run's directories) and the input artifacts' contents instead of their URIs. Files the
 * compiler embedded in the command are part of it, so an edited notebook misses the cache.
 */
export function cacheKey(step: IPlannedStep, inputs: IStepIo): string {
  const c = step.container;
  const material = {
    component: step.component,
    customKey: step.spec.cachingOptions?.cacheKey ?? null,
    image: c.image ?? null,
    command: c.command ?? [],
    args: c.args ?? [],
    env: c.env ?? [],
    parameters: inputs.parameters,
    artifacts: Object.fromEntries(
      Object.entries(inputs.artifacts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, a]) => [name, { type: a.type.schemaTitle, content: contentHash(a.uri) }])
    ),
    outputs: step.componentSpec.outputDefinitions ?? {}
  };
  return createHash('sha256').update(stableJson(material)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
