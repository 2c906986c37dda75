/**
 * The IR as the YAML file `kfp` writes: the `# PIPELINE DEFINITION` comment header, keys sorted, block style,
 * the platform spec (when there is one) as a second document.
 */
import { stringify } from 'yaml';

const COMMENT_TYPE: Record<string, string> = {
  STRING: 'str',
  NUMBER_INTEGER: 'int',
  NUMBER_DOUBLE: 'float',
  LIST: 'list',
  STRUCT: 'dict',
  BOOLEAN: 'bool'
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(k => [k, sortKeys((value as Record<string, unknown>)[k])])
    );
  }
  return value;
}

/** Python's str() of a default, as kfp's header shows it (strings quoted, floats with a decimal point). */
function pythonRepr(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `${value}.0` : String(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  return JSON.stringify(value);
}

function header(ir: Record<string, unknown>): string {
  const info = ir.pipelineInfo as { name: string; description?: string };
  const lines = ['# PIPELINE DEFINITION', `# Name: ${info.name}`];
  if (info.description) {
    lines.push(`# Description: ${info.description.split('\n').join('\n#              ')}`);
  }
  const params = (ir.root as { inputDefinitions?: { parameters?: Record<string, never> } })
    .inputDefinitions?.parameters;
  if (params) {
    lines.push('# Inputs:');
    for (const name of Object.keys(params).sort()) {
      const p = params[name] as { parameterType: string; defaultValue?: unknown };
      const shown = p.defaultValue !== undefined ? ` [Default: ${pythonRepr(p.defaultValue)}]` : '';
      lines.push(`#    ${name}: ${COMMENT_TYPE[p.parameterType] ?? p.parameterType}${shown}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function toYaml(
  ir: Record<string, unknown>,
  platformSpec?: Record<string, unknown>
): string {
  const options = { lineWidth: 80, minContentWidth: 20, blockQuote: 'literal' } as const;
  let out = header(ir) + stringify(sortKeys(ir), options);
  if (platformSpec) {
    out += '---\n' + stringify(sortKeys(platformSpec), options);
  }
  return out;
}
