/**
 * The JSON body parser of every route. `JSON.parse` is iterative in V8 (a 10,000-deep body parses fine) and
 * makes a `__proto__` key an own data property, never a prototype. The parsed value is then checked before any
 * route or validator sees it:
 * - depth at most MAX_JSON_DEPTH, else 400 with the path where it got too deep (recursive code downstream —
 *   the validator, structuredClone, YAML dumps — would otherwise overflow its stack and answer 500);
 * - prototype-like keys (`__proto__`, `constructor.prototype`) are refused with their path. Refused rather than
 *   kept as data because bodies flow into code that copies with `Object.assign` or `target[key] = value`
 *   (validator defaults, client libraries), where such a key would replace a prototype, and no spec of ours
 *   has a use for them: a clear 400 beats auditing every consumer;
 * - a NUL character in any string or key, with its path: bodies a schema does not cover (a run's IR and
 *   parameters) reach process arguments too, where NUL answered 500. Every schema refuses it as well
 *   (contract/validate.ts), for the forms and any other caller.
 */
import { MAX_JSON_DEPTH, shapeProblems } from '../../contract/json-shape';
import { BackendError } from './backends/types';

export function parseJsonBody(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // a BOM is not JSON
  } catch (error) {
    throw new BackendError(
      'invalid_spec',
      `Body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  const problems = shapeProblems(value, {
    prototypeKeys: true,
    nul: true,
    maxDepth: MAX_JSON_DEPTH
  });
  if (problems.length > 0) {
    throw new BackendError('invalid_spec', summary(problems[0].message), problems);
  }
  return value;
}

function summary(firstProblem: string): string {
  if (firstProblem.startsWith('nests too deep')) {
    return `The request body nests too deep (at most ${MAX_JSON_DEPTH} levels).`;
  }
  if (firstProblem.includes('NUL')) {
    return 'The request body contains a NUL character, which no name, command or value can hold.';
  }
  return 'The request body uses a key that is reserved in JavaScript.';
}
