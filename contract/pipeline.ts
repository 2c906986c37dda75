/**
 * Wire types of the pipelines feature: the pipeline document (`*.kfpipeline`, before compilation) and the runs
 * every backend (local, KFP) reports. `schemas/pipeline.schema.json` is the source of truth for the document;
 * these types mirror it for TypeScript callers. Run types are produced by the proxy only (no schema).
 */
import { IFieldError } from './errors';
import { IKfpRunRef } from './kfp';
import { ILiveResource } from './live';
import { IJobEvent } from './training';

/** File extension of a pipeline document in the Jupyter root. */
export const PIPELINE_FILE_EXTENSION = '.kfpipeline';
/** Document version this build reads and writes; a document with another version is refused. */
export const PIPELINE_DOCUMENT_VERSION = 1;

/** KFP v2 `parameterType` values a document may use (TASK_FINAL_STATUS / TASK_CONFIG are compiler-internal). */
export type ParameterType =
  'STRING' | 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'BOOLEAN' | 'LIST' | 'STRUCT';

export const PARAMETER_TYPES: readonly ParameterType[] = [
  'STRING',
  'NUMBER_INTEGER',
  'NUMBER_DOUBLE',
  'BOOLEAN',
  'LIST',
  'STRUCT'
];

/** Artifact schema titles kfp knows (`kfp.dsl.types.artifact_types`); others are allowed as `<ns>.<Name>`. */
export const ARTIFACT_TYPES = [
  'system.Artifact',
  'system.Dataset',
  'system.Model',
  'system.Metrics',
  'system.ClassificationMetrics',
  'system.SlicedClassificationMetrics',
  'system.HTML',
  'system.Markdown'
] as const;

export type NodeKind = 'notebook' | 'script' | 'function' | 'container';

/** A pipeline parameter: a root input of the compiled pipeline, set per run. */
export interface IPipelineParameter {
  name: string;
  type: ParameterType;
  /** Without a default the parameter is required when a run is created. */
  default?: unknown;
  description?: string;
}

/**
 * An input or output of a node: a parameter (`type`) or an artifact (`artifact`, a schema title such as
 * `system.Dataset`); exactly one of the two.
 */
export interface IPort {
  name: string;
  type?: ParameterType;
  artifact?: string;
  description?: string;
}

/**
 * A node input. Its value comes from, in this order: an edge into it (another node's output), `parameter`
 * (a pipeline parameter of that name), `value` (a constant), `default` (then the input is optional).
 * An input with none of these is "not connected" and fails validation.
 */
export interface INodeInput extends IPort {
  /** Bound to the pipeline parameter of this name. */
  parameter?: string;
  /** A constant (parameters only; artifacts cannot be constants). */
  value?: unknown;
  /** Used when nothing feeds the input; makes the input optional (`isOptional` in the IR). */
  default?: unknown;
}

export type INodeOutput = IPort;

export interface INodeResources {
  /** CPU quantity such as `2`, `0.5`, `500m`: written as request and limit. */
  cpu?: string;
  /** Memory quantity such as `512Mi`, `4Gi`: written as request and limit. */
  memory?: string;
  gpus?: number;
  /** Extended resource name of the GPUs; `nvidia.com/gpu` when absent. */
  gpuResource?: string;
}

export interface IPipelineNode {
  /** Task name in the IR: a DNS-1123 label, unique in the pipeline. */
  id: string;
  /** What the editor shows (free text); the IR's `taskInfo.name` stays the id. */
  label?: string;
  kind: NodeKind;
  /**
   * notebook / script / function: the file, a path RELATIVE TO THE DIRECTORY OF THE PIPELINE FILE (so a folder
   * holding a pipeline and its files can be moved or shared as a whole). Embedded into the IR at compile time.
   */
  file?: string;
  /** function: the name of a top-level `def` in `file`. */
  function?: string;
  /** Runtime image. Python kinds default to `python:3.11`; container nodes must name one. */
  image?: string;
  /** container: the entrypoint. `{{inputs.NAME}}` / `{{outputs.NAME}}` stand for a value or a path. */
  command?: string[];
  /** container: the arguments, with the same placeholders as `command`. */
  args?: string[];
  resources?: INodeResources;
  env?: Record<string, string>;
  /** Extra files (relative to the pipeline file's directory) embedded next to `file` for its use at run time. */
  dependencies?: string[];
  inputs: INodeInput[];
  outputs: INodeOutput[];
  /** Reuse a previous execution's outputs when inputs and code are unchanged. Default true. */
  caching?: boolean;
  /** Retries after a failure (kfp `set_retry`). */
  retries?: number;
  /** Kill the step after this many seconds (Kubernetes `activeDeadlineSeconds`; the local runner too). */
  timeoutSeconds?: number;
  /** Editor only: where the node is drawn. */
  position?: { x: number; y: number };
}

/** One end of an edge. `output`/`input` name a port; both absent means "run after" (ordering only). */
export interface IEdge {
  from: { node: string; output?: string };
  to: { node: string; input?: string };
}

/** The pipeline document (`*.kfpipeline`). */
export interface IPipelineSpec {
  version: 1;
  /** Display name; the IR's `pipelineInfo.name` is derived from it (lower-case, `-`). */
  name: string;
  description?: string;
  parameters: IPipelineParameter[];
  nodes: IPipelineNode[];
  edges: IEdge[];
  /** Editor only: the canvas viewport, kept so a reopened document looks the same. */
  viewport?: { x: number; y: number; zoom: number };
}

/** A validation problem: where (JSON pointer into the document), what, and which node (if any). */
export interface IPipelineProblem extends IFieldError {
  node?: string;
}

/** Body of `POST /api/v1/pipelines/compile`. */
export interface ICompileRequest {
  spec: IPipelineSpec;
  /** Path of the pipeline file relative to the Jupyter root; the nodes' files resolve against its directory. */
  path: string;
}

/** Answer of `POST /api/v1/pipelines/compile`. `ir` is a KFP v2 PipelineSpec (JSON). */
export interface ICompileResponse {
  ir: Record<string, unknown>;
  /** The Kubernetes platform spec (timeouts), when any node needs one; the YAML's second document. */
  platformSpec?: Record<string, unknown>;
  yaml: string;
  warnings: IPipelineProblem[];
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

export type RunPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelling' | 'Cancelled';
export type StepPhase =
  'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Skipped' | 'Cached' | 'Cancelled';
export type RunBackend = 'local' | 'kfp';

export interface IArtifactRef {
  name: string;
  /** Where it is: a URI (`gs://…`, `minio://…`) or, for local runs, an absolute path. */
  uri: string;
  /** Local path when the file is on this machine (local runs). */
  path?: string;
  schemaTitle: string;
  /** Bytes, when known (a directory: the sum of its files). */
  size?: number;
  metadata?: Record<string, unknown>;
}

export interface IStepOutputs {
  parameters: Record<string, unknown>;
  artifacts: IArtifactRef[];
}

/** One task of a run (an IR task of the root DAG). */
export interface IStep {
  /** IR task name (= node id). */
  task: string;
  /** The node's label, for display. */
  label: string;
  phase: StepPhase;
  /** Why it is in this phase: `ExitCode 1`, `UpstreamFailed`, `CacheHit`, `ImagePullBackOff`, … */
  reason?: string;
  message?: string;
  exitCode?: number;
  started?: string;
  finished?: string;
  /** Executions so far (1 + retries used). */
  attempts?: number;
  /** The resolved input values (parameters) and artifacts this step received. */
  inputs?: IStepOutputs;
  outputs: IStepOutputs;
  /** Something the user should know about how it ran, e.g. "image not used: ran on this machine". */
  note?: string;
  /** KFP: the step's pod (found through the Argo Workflow's nodes / pod labels), while known. */
  pod?: string;
  /** KFP: the Kubernetes events of the step's pod (scheduling, image pulls, mounts), newest last. */
  events?: IJobEvent[];
}

/** A pipeline run, live (stream events are `ResourceEvent<IRun>`); `version` changes when any step changes. */
export interface IRun extends ILiveResource {
  phase: RunPhase;
  reason?: string;
  message?: string;
  backend: RunBackend;
  /** `pipelineInfo.name` of the IR it runs. */
  pipelineName: string;
  /** Display name (the document's `name`). */
  displayName?: string;
  /** The pipeline document it was started from, relative to the Jupyter root, when there is one. */
  pipelinePath?: string;
  parameters: Record<string, unknown>;
  started?: string;
  finished?: string;
  steps: IStep[];
  /** The compiled IR (for the run view's DAG); may be left out of list answers. */
  ir?: Record<string, unknown>;
  /** The document it was compiled from (for labels and positions); may be left out of list answers. */
  spec?: IPipelineSpec;
  /** The run this one re-runs (rerun / run from node / run only node). */
  rerunOf?: string;
  /** KFP runs (`backend: 'kfp'`, `name` = the KFP run id): ids, experiment, archive state, UI link. */
  kfp?: IKfpRunRef;
}

/** Body of `POST …/runs`: a document (compiled by the proxy) or an IR already compiled. */
export interface ICreateRunRequest {
  spec?: IPipelineSpec;
  /** Path of the document relative to the Jupyter root (resolves node files; shown in the run). */
  path?: string;
  ir?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  /** Run name; generated (`<pipeline>-<5 chars>`) when absent. */
  name?: string;
  backend?: RunBackend;
  /** With `ir`: kfp's second YAML document (the Kubernetes platform spec), for timeouts. */
  platformSpec?: Record<string, unknown>;
  /** `kfp`: the experiment to run in (created when missing); KFP's `Default` when absent. */
  experiment?: string;
}

/** Body of `POST …/runs/{name}/rerun`: everything (neither), from a task on, or only a task (upstream cached). */
export interface IRerunRequest {
  fromTask?: string;
  onlyTask?: string;
}

/** Answer of `GET …/steps/{task}/outputs/{artifact}`: a preview bounded in size (see `truncated`). */
export interface IArtifactPreview {
  artifact: IArtifactRef;
  /** How to show it; `missing` when the step did not write it, `binary` when nothing readable can be shown. */
  kind:
    | 'text'
    | 'markdown'
    | 'html'
    | 'json'
    | 'image'
    | 'table'
    | 'notebook'
    | 'directory'
    | 'binary'
    | 'missing';
  /** text, markdown, html, json, notebook (the .ipynb JSON): the first bytes, as UTF-8. */
  text?: string;
  /** image: its mime type and bytes. */
  mime?: string;
  base64?: string;
  /** table (CSV/TSV): the header and the first rows. */
  table?: { columns: string[]; rows: string[][] };
  /** directory: its entries (first ones), paths relative to the artifact. */
  entries?: { path: string; size: number }[];
  truncated: boolean;
  message?: string;
}
