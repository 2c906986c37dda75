/**
 * The training-job schema as a module: the proxy routes, the frontend form and (through copies of the JSON)
 * the magics all validate against this one schema.
 */
import schema from './schemas/training-job.schema.json';
import { ITrainingJobSpec } from './training';
import { clusterRules } from './training-rules';
import { registerSchema, validate, Validation } from './validate';

export const TRAINING_JOB_SCHEMA = schema as typeof schema & {
  $id: 'training-job';
};

/** Image used when a spec names none (the schema's default): has Python and pip for `source` and `packages`. */
export const DEFAULT_TRAINING_IMAGE = schema.properties.image.default;

/** Idempotent. Called on first use as well as at import, because bundlers may drop a bare side-effect import. */
export function registerTrainingSchema(): void {
  registerSchema(TRAINING_JOB_SCHEMA);
}

registerTrainingSchema();

/** Validates a spec and fills its defaults (into a copy); then the cluster's rules the schema cannot say. */
export function validateTrainingJobSpec(value: unknown): Validation<ITrainingJobSpec> {
  registerTrainingSchema();
  const result = validate<ITrainingJobSpec>(TRAINING_JOB_SCHEMA.$id, value);
  if (!result.ok) {
    return result;
  }
  const fields = clusterRules(result.value);
  return fields.length > 0 ? { ok: false, fields } : result;
}

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `<framework>-<5 random chars>`: a valid DNS-1123 label for a spec that has no name. */
export function generateJobName(
  spec: Pick<ITrainingJobSpec, 'framework'>,
  random: () => number = Math.random
): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length) % NAME_ALPHABET.length];
  }
  return `${spec.framework}-${suffix}`;
}
