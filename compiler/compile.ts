/**
 * Pipeline document → KFP v2 IR (PipelineSpec, schemaVersion 2.1.0). Pure: files come from the caller.
 * One component, executor and root-DAG task per node (`comp-<id>`, `exec-<id>`, task `<id>`); edges become
 * `taskOutputParameter` / `taskOutputArtifact` inputs and `dependentTasks`; pipeline parameters become root
 * inputs read with `componentInputParameter`; constants `runtimeValue`. Field shapes follow what kfp 2.17's
 * compiler writes (checked against it in test/kfp).
 */
import {
  IPipelineNode,
  IPipelineProblem,
  IPipelineSpec,
  IPort,
  NodeKind
} from '../contract/pipeline';
import { componentNameOf, EXECUTED_NOTEBOOK, executorLabelOf, pipelineNameOf } from './names';
import { levelsUp, normalizePath } from './paths';
import { EMBED_WARN_BYTES, encodePayload, IPortTypes, stripNotebook } from './payload';
import { toKfpPlaceholders } from './placeholders';
import { STEP_SHIM } from './shim';
import { checkPipeline, FileReader } from './validate';
import { containerResources } from './resources';

/** `sdkVersion` in the IR: who compiled it (upstream files say `kfp-<version>`). */
export const SDK_VERSION = 'kubeflow-workbench-0.1.0';
export const SCHEMA_VERSION = '2.1.0';
/** kfp's default base image for Python components (2.17). */
export const DEFAULT_PYTHON_IMAGE = 'python:3.11';
const ARTIFACT_SCHEMA_VERSION = '0.0.1';
/** Above this the whole IR compiles with a warning (etcd's object limit is 1.5 MiB). */
const IR_WARN_BYTES = 1024 * 1024;

type Json = Record<string, unknown>;

export interface ICompiled {
  /** The PipelineSpec (JSON names, as `json_format.MessageToDict` writes them). */
  ir: Json;
  /** The Kubernetes platform spec (`platforms.kubernetes`), when a node needs one (timeouts). */
  platformSpec?: Json;
  warnings: IPipelineProblem[];
}

/** The document does not compile: `problems` say where and why. */
export class PipelineInvalidError extends Error {
  constructor(readonly problems: IPipelineProblem[]) {
    super(`The pipeline is invalid: ${problems.map(p => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'PipelineInvalidError';
  }
}

/** Compiles a document; throws `PipelineInvalidError` when validation finds errors. */
export function compile(document: unknown, files: FileReader): ICompiled {
  const checked = checkPipeline(document, files);
  if (!checked.spec || checked.errors.length) {
    throw new PipelineInvalidError(checked.errors);
  }
  const spec = checked.spec;
  const warnings = [...checked.warnings];
  const components: Json = {};
  const executors: Json = {};
  const tasks: Json = {};
  const platformExecutors: Json = {};
  spec.nodes.forEach((node, index) => {
    components[componentNameOf(node.id)] = componentOf(node);
    const { container, embeddedBytes } = containerOf(node, files);
    executors[executorLabelOf(node.id)] = { container };
    if (embeddedBytes > EMBED_WARN_BYTES) {
      warnings.push({
        path: `/nodes/${index}/file`,
        node: node.id,
        message: `node '${node.id}': its files take ${Math.round(embeddedBytes / 1024)} KiB in the IR; KFP keeps the command in etcd (about 1.5 MiB per object), keep large data out of the step's files`
      });
    }
    tasks[node.id] = taskOf(node, spec);
    if (node.timeoutSeconds !== undefined) {
      platformExecutors[executorLabelOf(node.id)] = { activeDeadlineSeconds: node.timeoutSeconds };
    }
  });
  const pipelineInfo: Json = { name: pipelineNameOf(spec.name) };
  if (spec.name !== pipelineInfo.name) {
    pipelineInfo.displayName = spec.name;
  }
  if (spec.description) {
    pipelineInfo.description = spec.description;
  }
  const root: Json = { dag: { tasks } };
  if (spec.parameters.length) {
    const parameters: Json = {};
    for (const p of spec.parameters) {
      parameters[p.name] = {
        parameterType: p.type,
        ...(p.default !== undefined && { defaultValue: p.default, isOptional: true }),
        ...(p.description && { description: p.description })
      };
    }
    root.inputDefinitions = { parameters };
  }
  const ir: Json = {
    components,
    deploymentSpec: { executors },
    pipelineInfo,
    root,
    schemaVersion: SCHEMA_VERSION,
    sdkVersion: SDK_VERSION
  };
  const size = JSON.stringify(ir).length;
  if (size > IR_WARN_BYTES) {
    warnings.push({
      path: '/nodes',
      message: `the compiled pipeline takes ${Math.round(size / 1024)} KiB; KFP keeps it in Kubernetes objects of at most about 1.5 MiB (each Python step carries its files and a ${Math.round(STEP_SHIM.length / 1024)} KiB runner)`
    });
  }
  const compiled: ICompiled = { ir, warnings };
  if (Object.keys(platformExecutors).length) {
    compiled.platformSpec = {
      platforms: { kubernetes: { deploymentSpec: { executors: platformExecutors } } }
    };
  }
  return compiled;
}

const artifactType = (schemaTitle: string) => ({
  artifactType: { schemaTitle, schemaVersion: ARTIFACT_SCHEMA_VERSION }
});

/** Outputs as the component declares them (notebooks add the executed notebook). */
function outputPorts(node: IPipelineNode): IPort[] {
  return node.kind === 'notebook'
    ? [...node.outputs, { name: EXECUTED_NOTEBOOK, artifact: 'system.Artifact' }]
    : node.outputs;
}

function componentOf(node: IPipelineNode): Json {
  const component: Json = { executorLabel: executorLabelOf(node.id) };
  const inParams: Json = {};
  const inArtifacts: Json = {};
  for (const input of node.inputs) {
    if (input.artifact) {
      inArtifacts[input.name] = artifactType(input.artifact);
    } else {
      inParams[input.name] = {
        parameterType: input.type,
        ...(input.default !== undefined && { defaultValue: input.default, isOptional: true }),
        ...(input.description && { description: input.description })
      };
    }
  }
  const inputs = definitions(inParams, inArtifacts);
  if (inputs) {
    component.inputDefinitions = inputs;
  }
  const outParams: Json = {};
  const outArtifacts: Json = {};
  for (const output of outputPorts(node)) {
    if (output.artifact) {
      outArtifacts[output.name] = artifactType(output.artifact);
    } else {
      outParams[output.name] = { parameterType: output.type };
    }
  }
  const outputs = definitions(outParams, outArtifacts);
  if (outputs) {
    component.outputDefinitions = outputs;
  }
  return component;
}

function definitions(parameters: Json, artifacts: Json): Json | undefined {
  const out: Json = {};
  if (Object.keys(artifacts).length) {
    out.artifacts = artifacts;
  }
  if (Object.keys(parameters).length) {
    out.parameters = parameters;
  }
  return Object.keys(out).length ? out : undefined;
}

function taskOf(node: IPipelineNode, spec: IPipelineSpec): Json {
  const parameters: Json = {};
  const artifacts: Json = {};
  const upstream = new Set<string>();
  for (const edge of spec.edges) {
    if (edge.to.node !== node.id) {
      continue;
    }
    upstream.add(edge.from.node);
    const { input } = edge.to;
    const { output } = edge.from;
    if (input === undefined || output === undefined) {
      continue;
    }
    const port = node.inputs.find(p => p.name === input);
    if (port?.artifact) {
      artifacts[input] = {
        taskOutputArtifact: { outputArtifactKey: output, producerTask: edge.from.node }
      };
    } else {
      parameters[input] = {
        taskOutputParameter: { outputParameterKey: output, producerTask: edge.from.node }
      };
    }
  }
  for (const input of node.inputs) {
    if (parameters[input.name] || artifacts[input.name]) {
      continue;
    }
    if (input.parameter !== undefined) {
      parameters[input.name] = { componentInputParameter: input.parameter };
    } else if (input.value !== undefined) {
      parameters[input.name] = { runtimeValue: { constant: input.value } };
    }
  }
  const task: Json = {
    cachingOptions: node.caching === false ? {} : { enableCache: true },
    componentRef: { name: componentNameOf(node.id) }
  };
  if (upstream.size) {
    task.dependentTasks = [...upstream].sort();
  }
  const inputs = definitions(parameters, artifacts);
  if (inputs) {
    task.inputs = inputs;
  }
  if (node.retries) {
    // What kfp's `set_retry(n)` writes with its default backoff.
    task.retryPolicy = {
      backoffDuration: '0s',
      backoffFactor: 2.0,
      backoffMaxDuration: '3600s',
      maxRetryCount: node.retries
    };
  }
  task.taskInfo = { name: node.id };
  return task;
}

function portTypes(ports: (IPort & { default?: unknown })[]): IPortTypes {
  const out: IPortTypes = {};
  for (const p of ports) {
    out[p.name] = p.artifact
      ? { artifact: p.artifact }
      : { type: p.type, ...(p.default !== undefined && { default: p.default }) };
  }
  return out;
}

/** The executor's container: the user's files embedded for Python kinds, placeholders for containers. */
function containerOf(
  node: IPipelineNode,
  files: FileReader
): { container: Json; embeddedBytes: number } {
  const container: Json = {};
  let embeddedBytes = 0;
  if (node.kind === 'container') {
    container.image = node.image;
    container.command = (node.command ?? []).map(c => toKfpPlaceholders(c, node));
    if (node.args?.length) {
      container.args = node.args.map(a => toKfpPlaceholders(a, node));
    }
  } else {
    const { command, bytes } = shimCommand(node, files);
    embeddedBytes = bytes;
    container.image = node.image ?? DEFAULT_PYTHON_IMAGE;
    container.command = command;
    container.args =
      node.kind === 'function'
        ? ['--executor_input', '{{$}}', '--function_to_execute', node.function]
        : ['--executor_input', '{{$}}'];
  }
  if (node.env && Object.keys(node.env).length) {
    container.env = Object.entries(node.env).map(([name, value]) => ({ name, value }));
  }
  const resources = containerResources(node.resources);
  if (resources) {
    container.resources = resources;
  }
  return { container, embeddedBytes };
}

/** `python3 -c SHIM kind file function chunks payload…`: the file, its dependencies and the port types. */
function shimCommand(node: IPipelineNode, files: FileReader): { command: string[]; bytes: number } {
  const main = normalizePath(node.file!);
  const paths = [main, ...(node.dependencies ?? []).map(normalizePath)];
  // Files above the pipeline's folder (`../data.py`) keep their layout under as many placeholder folders.
  const up = Math.max(...paths.map(levelsUp));
  const home = up ? Array(up).fill('_').join('/') : '.';
  const embedded: Record<string, string> = {};
  for (const path of paths) {
    const text = files(path) ?? '';
    const key = normalizePath(up ? `${home}/${path}` : path);
    embedded[key] = path === main && node.kind === 'notebook' ? stripNotebook(text) : text;
  }
  const chunks = encodePayload({
    files: embedded,
    home,
    inputs: portTypes(node.inputs),
    outputs: portTypes(outputPorts(node))
  });
  const kind: NodeKind = node.kind;
  return {
    command: [
      'python3',
      '-c',
      STEP_SHIM,
      kind,
      main,
      node.function ?? '-',
      String(chunks.length),
      ...chunks
    ],
    bytes: chunks.reduce((n, c) => n + c.length, 0)
  };
}
