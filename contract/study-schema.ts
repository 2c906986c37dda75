/**
 * The study schema as a module, like training-schema.ts: the proxy routes, the study form and (through the
 * JSON) the magics validate with it. It references the training-job schema for the trial, so that one is
 * registered first.
 */
import schema from './schemas/study.schema.json';
import { IStudySpec } from './study';
import { checkStudySpec } from './study-rules';
import { registerTrainingSchema } from './training-schema';
import { registerSchema, validate, Validation } from './validate';

export const STUDY_SCHEMA = schema as typeof schema & { $id: 'study' };

/** Idempotent; see registerTrainingSchema. */
export function registerStudySchema(): void {
  registerTrainingSchema();
  registerSchema(STUDY_SCHEMA);
}

registerStudySchema();

/** Validates a spec (schema, then the cross-field rules) and fills its defaults (into a copy). */
export function validateStudySpec(value: unknown): Validation<IStudySpec> {
  registerStudySchema();
  const result = validate<IStudySpec>(STUDY_SCHEMA.$id, value);
  if (!result.ok) {
    return result;
  }
  const fields = checkStudySpec(result.value);
  return fields.length ? { ok: false, fields } : result;
}

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `study-<5 random chars>` for a spec that has no name. */
export function generateStudyName(random: () => number = Math.random): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length) % NAME_ALPHABET.length];
  }
  return `study-${suffix}`;
}
