/**
 * The one validator shared by the proxy routes and the frontend forms: JSON Schema (draft 2020-12) with Ajv,
 * errors turned into JSON-pointer field paths so every client shows the same message at the same field.
 */
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { IFieldError } from './errors';
import { shapeProblems } from './json-shape';

export type Validation<T> = { ok: true; value: T } | { ok: false; fields: IFieldError[] };

// `verbose` keeps the failing schema on each error so `x-message` (our keyword) can word pattern failures.
const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true, verbose: true });
addFormats(ajv);
ajv.addVocabulary(['x-message']);
const compiled = new Map<string, ValidateFunction>();

/** Registers a schema under its `$id`; idempotent so feature modules can register on import. */
export function registerSchema(schema: { $id: string }): void {
  if (!compiled.has(schema.$id)) {
    compiled.set(schema.$id, ajv.compile(schema));
  }
}

/** The `$id` of every schema registered so far (tests check generic rules hold for all of them). */
export function registeredSchemaIds(): string[] {
  return [...compiled.keys()];
}

/** Validates (and fills defaults into a copy of) `value` against the schema registered as `id`. */
export function validate<T>(id: string, value: unknown): Validation<T> {
  const check = compiled.get(id);
  if (!check) {
    throw new Error(`schema ${id} is not registered`);
  }
  // Generic to every schema, and first: a 10,000-deep value would overflow the validator's recursion.
  const shape = shapeProblems(value, { nul: true, prototypeKeys: true });
  if (shape.length > 0) {
    return { ok: false, fields: shape };
  }
  const copy = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  if (check(copy)) {
    return { ok: true, value: copy as T };
  }
  return { ok: false, fields: toFieldErrors(check.errors ?? []) };
}

/** The JSON pointer of `key` under `parent` (`~` and `/` inside a key escaped, as the validator does). */
const at = (parent: string, key: string) =>
  `${parent}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** One message per field, in plain words, with the path where the problem is. */
export function toFieldErrors(errors: ErrorObject[]): IFieldError[] {
  const seen = new Set<string>();
  const fields: IFieldError[] = [];
  for (const e of errors) {
    if (['if', 'anyOf', 'oneOf', 'propertyNames'].includes(e.keyword)) {
      continue; // the branch or key errors that follow say what is wrong
    }
    // A bad map key (a role, an env name) is reported at the key itself, not at the map.
    let path =
      e.propertyName !== undefined ? at(e.instancePath, e.propertyName) : e.instancePath || '/';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      path = at(e.instancePath, e.params.missingProperty as string);
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = at(e.instancePath, e.params.additionalProperty as string);
      message = 'is not a known field';
    } else if (e.keyword === 'unevaluatedProperties') {
      path = at(e.instancePath, e.params.unevaluatedProperty as string);
      message = 'is not a known field';
    } else if (typeof e.parentSchema?.['x-message'] === 'string' && e.keyword !== 'type') {
      // The schema's own words for this field (a pattern, a minimum count…) beat the validator's.
      message = e.parentSchema['x-message'];
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    } else {
      message = plainWords(e) ?? message;
    }
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      fields.push({ path, message });
    }
  }
  return fields;
}

/** The validator's generic messages in plain words ("must NOT have fewer than 1 properties" → …). */
function plainWords(e: ErrorObject): string | undefined {
  const limit = e.params.limit as number | undefined;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  switch (e.keyword) {
    case 'minProperties':
      return `needs at least ${plural(limit ?? 1, 'entry', 'entries')}`;
    case 'maxProperties':
      return limit === 0 ? 'is not supported here' : `has too many entries: at most ${limit}`;
    case 'minItems':
      return `needs at least ${plural(limit ?? 1, 'item', 'items')}`;
    case 'maxItems':
      return limit === 0 ? 'is not supported here' : `has too many items: at most ${limit}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters long`;
    case 'maxLength':
      return `is too long: at most ${plural(limit ?? 0, 'character', 'characters')}`;
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'exclusiveMinimum':
      return `must be more than ${limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${limit}`;
    case 'type': {
      const type = String(e.params.type);
      return type === 'integer'
        ? 'must be a whole number'
        : `must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
    }
    case 'const':
      return `must be ${JSON.stringify(e.params.allowedValue)}`;
    case 'uniqueItems':
      return 'must not repeat an item';
    default:
      return undefined;
  }
}
