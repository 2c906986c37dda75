/** What the engine specs share: a spec checked by the one analysis schema, and a slicing of every kind. */
import { ResolvedAnalysisSpec, validateAnalysisSpec } from '../contract/analysis';

/** `spec` over an inline table with label `y` and prediction `p`, as the schema resolves it. */
export function resolvedSpec(spec: Record<string, unknown>): ResolvedAnalysisSpec {
  const checked = validateAnalysisSpec({
    source: { path: 'inline.arrow' },
    label: 'y',
    prediction: 'p',
    ...spec
  });
  if (!checked.ok) {
    throw new Error(JSON.stringify(checked.fields));
  }
  return checked.value;
}

/** A plain feature, a dictionary one, quantile buckets and a cross with fixed edges. */
export const EVERY_KIND_OF_SLICE = [
  'tier',
  'region',
  { feature: 'age', buckets: { quantiles: 5 } },
  { cross: ['tier', { feature: 'age', buckets: { edges: [30, 50] } }] }
];
