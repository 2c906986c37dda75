/** What every task's per-group metric function takes and answers. */
import { IConfusionGrid, IDifference, IEstimate } from '../../contract/analysis';

export interface IGroupOptions {
  z: number;
  confidence: number;
  minSliceSize: number;
  bootstrap: { samples: number; seed: number };
  /** Distinct per grouping, so every slice draws its own bootstrap stream whatever the slice order. */
  seedOffset: number;
}

/** One slice's numbers before labels are attached; metrics are absent when the slice is too small. */
export interface IGroupResult {
  count: number;
  weightedCount: number;
  metrics?: Record<string, IEstimate>;
  confusion?: IConfusionGrid;
  baselineDiff?: Record<string, IDifference>;
}

/** A difference is significant when its interval excludes zero. */
export function difference(estimate: IEstimate): IDifference {
  const { lo, hi } = estimate;
  return {
    ...estimate,
    significant: lo !== null && hi !== null && (lo > 0 || hi < 0)
  };
}
