/**
 * The checks KFP makes before it stores a pipeline or starts a run, made here first so a bad pipeline is
 * refused with field paths before anything is uploaded (`template/v2_template.go` `NewV2SpecTemplate`,
 * `common/utils.go` `ValidatePipelineName`, `validatePipelineJobInputs`). The parameter rules are the local
 * runner's (`resolveRunParameters`): the same words whichever backend runs the pipeline.
 */
import { IFieldError } from '../../../../contract/errors';
import { SCHEMA_VERSION } from '../../../../compiler/compile';
import { PIPELINE_NAME_PATTERN } from '../../../../compiler/names';
import { IPipelineIr } from '../local/pipelines/ir';
import { resolveRunParameters } from '../local/pipelines/step-io';
import { BackendError } from '../types';

// The IR version our compiler writes is the one KFP 2.x accepts; the name rule is KFP's, which it follows.
export const KFP_SCHEMA_VERSION = SCHEMA_VERSION;

export function irProblems(ir: IPipelineIr): IFieldError[] {
  const problems: IFieldError[] = [];
  if (ir.schemaVersion !== KFP_SCHEMA_VERSION) {
    problems.push({
      path: '/ir/schemaVersion',
      message: `must be "${KFP_SCHEMA_VERSION}" (KFP 2.x refuses other versions), got ${JSON.stringify(ir.schemaVersion)}`
    });
  }
  const name = ir.pipelineInfo?.name;
  if (typeof name !== 'string' || !PIPELINE_NAME_PATTERN.test(name)) {
    problems.push({
      path: '/ir/pipelineInfo/name',
      message: `must be lower case letters, digits and "-", starting with a letter or digit, at most 128 characters; got ${JSON.stringify(name)}`
    });
  }
  if (!ir.root || typeof ir.root !== 'object') {
    problems.push({ path: '/ir/root', message: 'is missing (the pipeline has no root DAG)' });
  }
  return problems;
}

/**
 * The IR checked and the parameters as KFP wants them (typed; only the ones given, so KFP applies its own
 * defaults); throws `invalid_spec` with every problem's path.
 */
export function checkSubmission(
  ir: IPipelineIr,
  given: Record<string, unknown>
): Record<string, unknown> {
  const problems = irProblems(ir);
  const definitions = ir.root?.inputDefinitions?.parameters ?? {};
  const { values, errors } = resolveRunParameters(definitions, given);
  problems.push(...errors);
  if (problems.length > 0) {
    throw new BackendError(
      'invalid_spec',
      'Kubeflow Pipelines would refuse this pipeline or its parameters; nothing was uploaded.',
      problems
    );
  }
  return Object.fromEntries(Object.keys(given).map(key => [key, values[key]]));
}
