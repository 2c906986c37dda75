/** Whether an output's data is a result document this version of the slice browser can show. */
import { IAnalysisResult } from '../../contract/analysis';

/** A document we can show, or the reason we cannot (an output from a newer engine, a damaged cell). */
export function checkDocument(data: unknown): { doc: IAnalysisResult } | { problem: string } {
  const doc = data as IAnalysisResult | null;
  if (
    !doc ||
    typeof doc !== 'object' ||
    !doc.overall ||
    !Array.isArray(doc.slices) ||
    !doc.metricInfo
  ) {
    return { problem: 'This output does not hold a slice analysis document.' };
  }
  if (doc.version !== 1) {
    return {
      problem: `This analysis document has version ${String(doc.version)}; this extension reads version 1.`
    };
  }
  return { doc };
}
