/** The pipeline compiler: document → KFP v2 IR, validation, YAML. Pure (no I/O): used by the editor and proxy. */
export {
  compile,
  PipelineInvalidError,
  SDK_VERSION,
  SCHEMA_VERSION,
  DEFAULT_PYTHON_IMAGE
} from './compile';
export type { ICompiled } from './compile';
export { validatePipeline, checkPipeline, findCycles, fitsType, outputsOf } from './validate';
export type { FileReader, IChecked } from './validate';
export { toYaml } from './yaml';
export {
  pipelineNameOf,
  componentNameOf,
  executorLabelOf,
  EXECUTED_NOTEBOOK,
  RETURN_OUTPUT,
  PIPELINE_NAME_PATTERN
} from './names';
export { normalizePath, joinPath, dirnameOf } from './paths';
export { STEP_SHIM } from './shim';
