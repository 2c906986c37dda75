/**
 * Submitting a run to KFP, idempotent on retry and hiding nothing: the pipeline (by `pipelineInfo.name`) and a
 * version holding this exact IR are reused when they exist, the experiment (by name, per namespace) too, and a
 * retry of the same request (same run name) finds the run it created instead of starting a second one. When
 * the run cannot be created after an upload, the error names what was uploaded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { toYaml } from '../../../../compiler';
import { IPipelineIr } from '../local/pipelines/ir';
import { BackendError } from '../types';
import { IKfpExperiment, IKfpPipeline, IKfpPipelineVersion, IKfpRun } from './api-types';
import { KfpApiError, KfpClient } from './client';
import { checkSubmission } from './ir-check';

export const DEFAULT_EXPERIMENT = 'Default';

export interface ISubmitInput {
  ir: Record<string, unknown>;
  platformSpec?: Record<string, unknown>;
  parameters: Record<string, unknown>;
  /** The run's display name; a retry with the same name answers the run already made. */
  name?: string;
  experiment?: string;
  /** The run's KFP description (the workbench writes where the pipeline came from). */
  description?: string;
  namespace: string;
  multiUser: boolean;
}

export interface ISubmitted {
  run: IKfpRun;
  created: boolean;
  experiment: IKfpExperiment;
  pipeline: IKfpPipeline;
  version: IKfpPipelineVersion;
}

/** JSON with keys sorted at every level, so equal documents hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function irHash(ir: unknown, platformSpec?: unknown): string {
  const content = platformSpec ? { pipeline_spec: ir, platform_spec: platformSpec } : ir;
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 12);
}

/** A version's IR as the server stores it: the spec alone, or `{pipeline_spec, platform_spec}`. */
function versionHash(version: IKfpPipelineVersion): string | undefined {
  const spec = version.pipeline_spec;
  if (!spec) {
    return undefined;
  }
  return 'pipeline_spec' in spec ? irHash(spec.pipeline_spec, spec.platform_spec) : irHash(spec);
}

/** Runs `create`; when it loses a race (409), finds what the other request made. */
async function findOrCreate<T>(
  find: () => Promise<T | undefined>,
  create: () => Promise<T>
): Promise<{ value: T; created: boolean }> {
  const existing = await find();
  if (existing) {
    return { value: existing, created: false };
  }
  try {
    return { value: await create(), created: true };
  } catch (e) {
    const again = e instanceof KfpApiError && e.status === 409 ? await find() : undefined;
    if (again) {
      return { value: again, created: false };
    }
    throw e;
  }
}

const sameParameters = (a: Record<string, unknown> = {}, b: Record<string, unknown> = {}) =>
  canonicalJson(a) === canonicalJson(b);

async function existingRun(
  client: KfpClient,
  input: ISubmitInput,
  experiment: IKfpExperiment,
  version: IKfpPipelineVersion,
  parameters: Record<string, unknown>
): Promise<IKfpRun | undefined> {
  const runs = await client.runs({
    ...(input.multiUser ? { namespace: input.namespace } : {}),
    experiment_id: experiment.experiment_id,
    filter: { predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: input.name }] }
  });
  const named = runs.filter(run => run.display_name === input.name);
  const same = named.find(
    run =>
      run.pipeline_version_reference?.pipeline_version_id === version.pipeline_version_id &&
      sameParameters(run.runtime_config?.parameters, parameters)
  );
  if (!same && named.length > 0) {
    throw new BackendError(
      'conflict',
      `A run named "${input.name}" already exists in experiment "${experiment.display_name}" (run ${named[0].run_id}) with another pipeline version or other parameters. Choose another run name.`
    );
  }
  return same;
}

export async function submitRun(client: KfpClient, input: ISubmitInput): Promise<ISubmitted> {
  const ir = input.ir as IPipelineIr;
  const parameters = checkSubmission(ir, input.parameters);
  const pipelineName = ir.pipelineInfo!.name!;
  const namespace = input.multiUser ? input.namespace : undefined;
  const yaml = toYaml(input.ir, input.platformSpec);
  const hash = irHash(input.ir, input.platformSpec);
  const versionName = `${pipelineName}-${hash}`;
  const made: string[] = [];

  const pipeline = await findOrCreate(
    () => client.pipelineByName(pipelineName, namespace),
    () => client.uploadPipeline(yaml, { name: pipelineName, displayName: pipelineName, namespace })
  );
  const pipelineId = pipeline.value.pipeline_id!;
  if (pipeline.created) {
    made.push(`pipeline "${pipelineName}" (${pipelineId})`);
  }
  // The upload made a first version from this IR: matching by content reuses it instead of adding a twin.
  const findVersion = async () =>
    (await client.versions(pipelineId)).find(
      v => v.name === versionName || v.display_name === versionName || versionHash(v) === hash
    );
  const version = await findOrCreate(findVersion, () =>
    client.uploadVersion(yaml, { pipelineId, name: versionName, displayName: versionName })
  );
  if (version.created) {
    made.push(`version "${versionName}" (${version.value.pipeline_version_id})`);
  }
  const experimentName = input.experiment || DEFAULT_EXPERIMENT;
  const findExperiment = async () =>
    (await client.experiments(namespace ? { namespace } : {})).find(
      e => e.display_name === experimentName
    );
  const experiment = await findOrCreate(findExperiment, () =>
    client.createExperiment({ display_name: experimentName, ...(namespace ? { namespace } : {}) })
  );
  if (experiment.created) {
    made.push(`experiment "${experimentName}" (${experiment.value.experiment_id})`);
  }
  const name = input.name ?? `${pipelineName}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  const previous = input.name
    ? await existingRun(client, input, experiment.value, version.value, parameters)
    : undefined;
  const base = { experiment: experiment.value, pipeline: pipeline.value, version: version.value };
  if (previous) {
    return { ...base, run: previous, created: false };
  }
  try {
    const run = await client.createRun({
      display_name: name,
      ...(input.description ? { description: input.description } : {}),
      experiment_id: experiment.value.experiment_id,
      pipeline_version_reference: {
        pipeline_id: pipelineId,
        pipeline_version_id: version.value.pipeline_version_id
      },
      runtime_config: { parameters }
    });
    return { ...base, run, created: true };
  } catch (e) {
    if (!(e instanceof BackendError)) {
      throw e;
    }
    const kept = made.length
      ? ` Created before the failure and kept in KFP: ${made.join(', ')}.`
      : ` Nothing new was created in KFP (pipeline ${pipelineId}, version ${version.value.pipeline_version_id} already existed).`;
    throw new BackendError(e.code, `The run was not created. ${e.message}.${kept}`, e.fields);
  }
}
