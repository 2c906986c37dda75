/**
 * The parts of a KFP v2 IR (PipelineSpec, `api/v2alpha1/pipeline_spec.proto`, JSON names) the local runner
 * reads. Deliberately loose: the runner executes any IR — ours or one compiled by the kfp SDK — and says in plain
 * words what it cannot run rather than refusing fields it does not know.
 */
export interface IParameterDefinition {
  parameterType?: string;
  defaultValue?: unknown;
  isOptional?: boolean;
}

export interface IArtifactDefinition {
  artifactType?: { schemaTitle?: string; schemaVersion?: string };
  isArtifactList?: boolean;
  isOptional?: boolean;
}

export interface IIoDefinitions {
  parameters?: Record<string, IParameterDefinition>;
  artifacts?: Record<string, IArtifactDefinition>;
}

export interface IInputParameterSpec {
  taskOutputParameter?: { producerTask: string; outputParameterKey: string };
  runtimeValue?: { constant?: unknown; constantValue?: { stringValue?: string } };
  componentInputParameter?: string;
  taskFinalStatus?: { producerTask: string };
}

export interface IInputArtifactSpec {
  taskOutputArtifact?: { producerTask: string; outputArtifactKey: string };
  componentInputArtifact?: string;
}

export interface IRetryPolicy {
  maxRetryCount?: number;
  /** Protobuf Duration in JSON: `"5s"`, `"0.5s"`. */
  backoffDuration?: string;
  backoffFactor?: number;
  backoffMaxDuration?: string;
}

export interface ITaskSpec {
  taskInfo?: { name?: string };
  componentRef: { name: string };
  dependentTasks?: string[];
  inputs?: {
    parameters?: Record<string, IInputParameterSpec>;
    artifacts?: Record<string, IInputArtifactSpec>;
  };
  cachingOptions?: { enableCache?: boolean; cacheKey?: string };
  retryPolicy?: IRetryPolicy;
  triggerPolicy?: { condition?: string; strategy?: string };
  parameterIterator?: unknown;
  artifactIterator?: unknown;
}

export interface IComponentSpec {
  inputDefinitions?: IIoDefinitions;
  outputDefinitions?: IIoDefinitions;
  executorLabel?: string;
  dag?: { tasks?: Record<string, ITaskSpec> };
}

export interface IContainerSpec {
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
}

export interface IExecutorSpec {
  container?: IContainerSpec;
  importer?: unknown;
  resolver?: unknown;
}

export interface IPipelineIr {
  pipelineInfo?: { name?: string; displayName?: string };
  schemaVersion?: string;
  sdkVersion?: string;
  components?: Record<string, IComponentSpec>;
  deploymentSpec?: { executors?: Record<string, IExecutorSpec> };
  root?: IComponentSpec;
  defaultPipelineRoot?: string;
}

/** Seconds of a protobuf JSON Duration (`"3600s"`, `"1.5s"`), or undefined when it is not one. */
export function durationSeconds(text: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}
