/**
 * The JSON body parser of every route. `JSON.parse` is iterative in V8 (a 10,000-deep body parses fine) and
 * makes a `__proto__` key an own data property, never a prototype. The parsed value is then checked before any
 * route or validator sees it:
 * - depth at most MAX_JSON_DEPTH, else 400 with the path where it got too deep (recursive code downstream —
 *   the validator, structuredClone, YAML dumps — would otherwise overflow its stack and answer 500);
 * - prototype-like keys (`__proto__`, `constructor.prototype`) are refused with their path. Refused rather than
 *   kept as data because bodies flow into code that copies with `Object.assign` or `target[key] = value`
 *   (validator defaults, client libraries), where such a key would replace a prototype, and no spec of ours
 *   has a use for them: a clear 400 beats auditing every consumer.
 */
import { MAX_JSON_DEPTH, shapeProblems } from '../../contract/json-shape';
import { BackendError } from './backends/types';

export function parseJsonBody(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BackendError(
      'invalid_spec',
      `Body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  const problems = shapeProblems(value, { prototypeKeys: true, maxDepth: MAX_JSON_DEPTH });
  if (problems.length > 0) {
    const deep = problems[0].message.startsWith('nests too deep');
    throw new BackendError(
      'invalid_spec',
      deep
        ? `The request body nests too deep (at most ${MAX_JSON_DEPTH} levels).`
        : 'The request body uses a key that is reserved in JavaScript.',
      problems
    );
  }
  return value;
}
