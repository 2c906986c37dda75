/**
 * The pipeline-document schema as a module: the editor, the proxy and (through the proxy) the magics validate
 * against this one schema. Graph rules (cycles, connections, types, files) live in compiler/validate.ts.
 */
import schema from './schemas/pipeline.schema.json';
import { IPipelineSpec } from './pipeline';
import { registerSchema, validate, Validation } from './validate';

export const PIPELINE_SCHEMA = schema as typeof schema & { $id: 'pipeline' };

/** Idempotent. Called on first use as well as at import, because bundlers may drop a bare side-effect import. */
export function registerPipelineSchema(): void {
  registerSchema(PIPELINE_SCHEMA);
}

registerPipelineSchema();

/** Checks a document's shape and fills its defaults (into a copy). */
export function validatePipelineDocument(value: unknown): Validation<IPipelineSpec> {
  registerPipelineSchema();
  return validate<IPipelineSpec>(PIPELINE_SCHEMA.$id, value);
}

/** An empty document, as "New pipeline" creates it. */
export function emptyPipeline(name: string): IPipelineSpec {
  return { version: 1, name, parameters: [], nodes: [], edges: [] };
}
