/** Names in the IR: the pipeline's (server-checked), components', executors' and tasks'. */

/** What the KFP server accepts as `pipelineInfo.name` (`common/utils.go` ValidatePipelineName). */
export const PIPELINE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,127}$/;

/** kfp's sanitising of a display name: lower case, runs of other characters → '-', trimmed, ≤128. */
export function pipelineNameOf(displayName: string): string {
  const name = displayName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 128)
    .replace(/-+$/, '');
  return name || 'pipeline';
}

export const componentNameOf = (nodeId: string): string => `comp-${nodeId}`;
export const executorLabelOf = (nodeId: string): string => `exec-${nodeId}`;

/** Output artifact every notebook step adds: the executed notebook (with its outputs). */
export const EXECUTED_NOTEBOOK = 'executed_notebook';

/** kfp's name for a Python function's return value. */
export const RETURN_OUTPUT = 'Output';
