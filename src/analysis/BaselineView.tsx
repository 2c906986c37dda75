/** Candidate vs baseline per slice: the paired difference with its interval, flagged where it excludes zero. */
import React from 'react';
import { IAnalysisResult, IDifference } from '../../contract/analysis';
import { formatValue } from './model';

function verdict(diff: IDifference, higherIsBetter: boolean | null): string {
  if (!diff.significant || diff.value === null) {
    return 'no clear difference';
  }
  if (higherIsBetter === null) {
    return 'differs';
  }
  return diff.value > 0 === higherIsBetter ? 'candidate better' : 'candidate worse';
}

export function BaselineView(props: { doc: IAnalysisResult }): JSX.Element {
  const { doc } = props;
  const rows = [doc.overall, ...doc.slices];
  const names = Object.keys(doc.overall.baselineDiff ?? {});
  if (names.length === 0) {
    return (
      <p className="kf-slices-note">
        No baseline column was given: run the analysis with baseline=… to compare.
      </p>
    );
  }
  return (
    <div className="kf-slices-baseline">
      <p className="kf-slices-summary">
        Candidate − baseline on the same rows, with {Math.round(doc.spec.confidence * 100)}% paired
        intervals.
      </p>
      <table className="kf-slices-table">
        <thead>
          <tr>
            <th>Feature</th>
            <th>Value</th>
            {names.map(name => (
              <th key={name}>Δ {doc.metricInfo[name]?.label ?? name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(slice => (
            <tr
              key={`${slice.feature}\u0000${slice.value}`}
              className={slice.tooSmall ? 'kf-slices-too-small' : ''}
            >
              <td>{slice.feature}</td>
              <td>{slice.value}</td>
              {names.map(name => {
                const diff = slice.baselineDiff?.[name];
                if (!diff) {
                  return <td key={name}>{slice.tooSmall ? 'too small' : '–'}</td>;
                }
                const word = verdict(diff, doc.metricInfo[name]?.higherIsBetter ?? null);
                return (
                  <td
                    key={name}
                    className={`kf-slices-num kf-slices-diff-${word.replace(/ /g, '-')}`}
                    data-metric={name}
                  >
                    {formatValue(diff.value)} [{formatValue(diff.lo)}, {formatValue(diff.hi)}]
                    {diff.significant && <span className="kf-slices-badge">{word}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
