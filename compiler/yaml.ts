/**
 * The IR as the YAML file `kfp` writes: the `# PIPELINE DEFINITION` comment header, keys sorted, block style,
 * the platform spec (when there is one) as a second document.
 */
import { Document, isPair, isScalar, visit } from 'yaml';
import { foldLikePyYaml } from './pyyaml-fold';

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

/** Python's str() of a default, as kfp's header shows it: strings quoted, numbers as floats (protobuf). */
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
  if (Array.isArray(value)) {
    return `[${value.map(pythonRepr).join(', ')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `'${k}': ${pythonRepr(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return 'None';
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

/** Integer fields of the protos we emit; every other number is a double (or a protobuf Value), e.g. `3.0`. */
const INTEGER_FIELDS = new Set(['maxRetryCount']);

// PyYAML's layout (what kfp writes): sequences flush with their key, single quotes; multi-line strings stay
// readable as literal blocks (PyYAML escapes them into one double-quoted line).
const OPTIONS = {
  // Folding is PyYAML's, done after (pyyaml-fold.ts).
  lineWidth: 0,
  blockQuote: 'literal',
  indentSeq: false,
  singleQuote: true
} as const;

/** Strings that cannot be plain scalars (and have no line break, which PyYAML double-quotes). */
const NEEDS_QUOTES = /^(?![^\n]*\n)(?:[-?:,[\]{}#&*!|>'"%@`]|.*(?:: | #|:$))/s;

/** One YAML document; whole doubles written `3.0` as Python does (kfp's numbers went through protobuf). */
function documentText(value: unknown): string {
  const doc = new Document(sortKeys(value));
  visit(doc, {
    Scalar(key, node, path) {
      const parent = path[path.length - 1];
      const field =
        key === 'value' && isPair(parent) && isScalar(parent.key) ? parent.key.value : undefined;
      if (
        typeof node.value === 'number' &&
        Number.isInteger(node.value) &&
        !INTEGER_FIELDS.has(String(field))
      ) {
        node.minFractionDigits = 1;
      }
      // PyYAML single-quotes (doubling ') where the yaml package would switch to double quotes.
      if (
        typeof node.value === 'string' &&
        node.value.includes("'") &&
        NEEDS_QUOTES.test(node.value)
      ) {
        node.type = 'QUOTE_SINGLE';
      }
    }
  });
  return foldLikePyYaml(doc.toString(OPTIONS));
}

export function toYaml(
  ir: Record<string, unknown>,
  platformSpec?: Record<string, unknown>
): string {
  let out = header(ir) + documentText(ir);
  if (platformSpec) {
    out += '---\n' + documentText(platformSpec);
  }
  return out;
}
