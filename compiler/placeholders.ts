/**
 * Container steps refer to their ports as `{{inputs.NAME}}` and `{{outputs.NAME}}`; the compiler turns them
 * into KFP placeholders: a parameter's value, an artifact's local path, an output parameter's file.
 * KFP's own placeholders (`{{$.inputs.parameters['x']}}`, …) pass through unchanged.
 */
import { IPipelineNode } from '../contract/pipeline';

const FRIENDLY = /\{\{\s*(inputs|outputs)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function containerPlaceholders(
  text: string
): { side: 'inputs' | 'outputs'; name: string }[] {
  return [...text.matchAll(FRIENDLY)].map(m => ({
    side: m[1] as 'inputs' | 'outputs',
    name: m[2]
  }));
}

/** KFP placeholders for the node's ports (unknown names are left as written; validation reports them). */
export function toKfpPlaceholders(text: string, node: IPipelineNode): string {
  return text.replace(FRIENDLY, (whole, side: string, name: string) => {
    if (side === 'inputs') {
      const port = node.inputs.find(p => p.name === name);
      if (!port) {
        return whole;
      }
      return port.artifact
        ? `{{$.inputs.artifacts['${name}'].path}}`
        : `{{$.inputs.parameters['${name}']}}`;
    }
    const port = node.outputs.find(p => p.name === name);
    if (!port) {
      return whole;
    }
    return port.artifact
      ? `{{$.outputs.artifacts['${name}'].path}}`
      : `{{$.outputs.parameters['${name}'].output_file}}`;
  });
}
