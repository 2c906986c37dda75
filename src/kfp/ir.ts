/**
 * A KFP v2 IR (a PipelineSpec, as the kfp SDK compiles it) read for display: the YAML's documents (the spec, then
 * the Kubernetes platform spec), and the root DAG as a pipeline document the canvas draws read-only. Pure.
 */
import { parseAllDocuments } from 'yaml';
import {
  IEdge,
  INodeInput,
  INodeOutput,
  IPipelineNode,
  IPipelineParameter,
  IPipelineSpec,
  ParameterType
} from '../../contract/pipeline';

type Json = Record<string, unknown>;

export interface IIrFile {
  ir: Json;
  /** kfp's second YAML document (`platforms: kubernetes: …`), when there is one. */
  platformSpec?: Json;
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});

/** The IR and platform spec of a kfp-compiled YAML file; throws with the reason when it holds no PipelineSpec. */
export function parseIrYaml(text: string): IIrFile {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) {
    throw new Error('The file holds no YAML documents.');
  }
  const values: unknown[] = [];
  for (const doc of documents) {
    if (doc.errors.length) {
      throw new Error(`Not valid YAML: ${doc.errors[0].message}`);
    }
    values.push(doc.toJS());
  }
  const ir = values.find(v => isObject(v) && isObject(v.root)) as Json | undefined;
  if (!ir) {
    throw new Error(
      'This YAML is not a KFP pipeline: no document has a `root` (compile one with kfp.compiler.Compiler).'
    );
  }
  const platformSpec = values.find(v => isObject(v) && isObject(v.platforms)) as Json | undefined;
  return platformSpec ? { ir, platformSpec } : { ir };
}

/** `pipelineInfo.name` of an IR ('' when absent). */
export function irName(ir: Json): string {
  return String(obj(ir.pipelineInfo).name ?? '');
}

/** The pipeline's parameters (root inputs), with their defaults. */
export function irParameters(ir: Json): IPipelineParameter[] {
  const params = obj(obj(obj(ir.root).inputDefinitions).parameters);
  return Object.entries(params).map(([name, def]) => {
    const d = obj(def);
    const param: IPipelineParameter = {
      name,
      type: (d.parameterType as ParameterType) ?? 'STRING'
    };
    if (d.defaultValue !== undefined) {
      param.default = d.defaultValue;
    }
    if (typeof d.description === 'string') {
      param.description = d.description;
    }
    return param;
  });
}

function ports(definitions: unknown): { params: Json; artifacts: Json } {
  const d = obj(definitions);
  return { params: obj(d.parameters), artifacts: obj(d.artifacts) };
}

function outputsOf(component: Json): INodeOutput[] {
  const { params, artifacts } = ports(component.outputDefinitions);
  return [
    ...Object.entries(params).map(([name, d]) => ({
      name,
      type: (obj(d).parameterType as ParameterType) ?? 'STRING'
    })),
    ...Object.entries(artifacts).map(([name, d]) => ({
      name,
      artifact: String(obj(obj(d).artifactType).schemaTitle ?? 'system.Artifact')
    }))
  ];
}

/** A task's inputs with where each value comes from; the edges its task outputs make. */
function inputsOf(task: string, taskSpec: Json, component: Json): [INodeInput[], IEdge[]] {
  const declared = ports(component.inputDefinitions);
  const given = ports(taskSpec.inputs);
  const inputs: INodeInput[] = [];
  const edges: IEdge[] = [];
  for (const [name, d] of Object.entries(declared.params)) {
    const input: INodeInput = { name, type: (obj(d).parameterType as ParameterType) ?? 'STRING' };
    const source = obj(given.params[name]);
    const producer = obj(source.taskOutputParameter);
    if (typeof producer.producerTask === 'string') {
      edges.push({
        from: { node: producer.producerTask, output: String(producer.outputParameterKey ?? '') },
        to: { node: task, input: name }
      });
    } else if (typeof source.componentInputParameter === 'string') {
      input.parameter = source.componentInputParameter;
    } else if (isObject(source.runtimeValue) && 'constant' in source.runtimeValue) {
      input.value = source.runtimeValue.constant;
    } else if (obj(d).defaultValue !== undefined) {
      input.default = obj(d).defaultValue;
    }
    inputs.push(input);
  }
  for (const [name, d] of Object.entries(declared.artifacts)) {
    inputs.push({
      name,
      artifact: String(obj(obj(d).artifactType).schemaTitle ?? 'system.Artifact')
    });
    const producer = obj(obj(given.artifacts[name]).taskOutputArtifact);
    if (typeof producer.producerTask === 'string') {
      edges.push({
        from: { node: producer.producerTask, output: String(producer.outputArtifactKey ?? '') },
        to: { node: task, input: name }
      });
    }
  }
  return [inputs, edges];
}

/**
 * The root DAG as a pipeline document: one container step per task (its image, command and arguments from the
 * executor), its ports, data edges from task outputs and order edges for the other `dependentTasks`. Nested
 * DAGs (sub-pipelines, loops, conditions) are drawn as one step each.
 */
export function irToSpec(ir: Json): IPipelineSpec {
  const tasks = obj(obj(obj(ir.root).dag).tasks);
  const components = obj(ir.components);
  const executors = obj(obj(ir.deploymentSpec).executors);
  const nodes: IPipelineNode[] = [];
  const edges: IEdge[] = [];
  for (const [id, value] of Object.entries(tasks)) {
    const task = obj(value);
    const component = obj(components[String(obj(task.componentRef).name ?? '')]);
    const container = obj(obj(executors[String(component.executorLabel ?? '')]).container);
    const [inputs, dataEdges] = inputsOf(id, task, component);
    const node: IPipelineNode = {
      id,
      label: String(obj(task.taskInfo).name ?? id),
      kind: 'container',
      inputs,
      outputs: outputsOf(component)
    };
    if (typeof container.image === 'string') {
      node.image = container.image;
    }
    if (Array.isArray(container.command)) {
      node.command = container.command.map(String);
    }
    if (Array.isArray(container.args)) {
      node.args = container.args.map(String);
    }
    nodes.push(node);
    edges.push(...dataEdges);
    const fed = new Set(dataEdges.map(e => e.from.node));
    for (const upstream of Array.isArray(task.dependentTasks) ? task.dependentTasks : []) {
      if (!fed.has(String(upstream))) {
        edges.push({ from: { node: String(upstream) }, to: { node: id } });
      }
    }
  }
  const known = new Set(nodes.map(n => n.id));
  return {
    version: 1,
    name: irName(ir) || 'pipeline',
    parameters: irParameters(ir),
    nodes,
    edges: edges.filter(e => known.has(e.from.node) && known.has(e.to.node))
  };
}
