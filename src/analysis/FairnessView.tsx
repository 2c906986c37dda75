/**
 * Fairness at the slider's threshold across the values of one feature: selection rate, TPR and FPR per value,
 * and the largest gaps (demographic parity difference; equalized odds difference = max of the TPR and FPR gaps,
 * as fairlearn defines them).
 */
import React, { useState } from 'react';
import { IAnalysisResult, IEstimate } from '../../contract/analysis';
import { formatEstimate, formatValue, metricsAt, NO_SHORTCUTS } from './model';

const RATES: [string, string][] = [
  ['selectionRate', 'Selection rate'],
  ['recall', 'TPR'],
  ['fpr', 'FPR']
];

function spread(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 1 ? Math.max(...present) - Math.min(...present) : null;
}

export function FairnessView(props: { doc: IAnalysisResult; k: number }): JSX.Element {
  const { doc, k } = props;
  const features = [...new Set(doc.slices.map(s => s.feature))];
  const [feature, setFeature] = useState(features[0] ?? '');
  if (!doc.thresholds || features.length === 0) {
    return <p className="kf-slices-note">The fairness view needs a binary task with slices.</p>;
  }
  const confidence = doc.spec.confidence;
  const slices = doc.slices.filter(s => s.feature === feature);
  const rates = slices.map(
    s => (s.tooSmall ? {} : metricsAt(s, k, confidence)) as Record<string, IEstimate>
  );
  const overall = metricsAt(doc.overall, k, confidence);
  const gap = (name: string) => spread(rates.map(r => r[name]?.value ?? null));
  const tprGap = gap('recall');
  const fprGap = gap('fpr');
  const odds = tprGap === null || fprGap === null ? null : Math.max(tprGap, fprGap);
  return (
    <div className="kf-slices-fairness">
      <label>
        Feature{' '}
        <select
          {...NO_SHORTCUTS}
          value={feature}
          onChange={e => setFeature(e.target.value)}
          aria-label="Fairness feature"
        >
          {features.map(f => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
      <p className="kf-slices-summary">
        Threshold {formatValue(doc.thresholds[k], 2)}: demographic parity difference{' '}
        <strong data-testid="parity-gap">{formatValue(gap('selectionRate'))}</strong>, equalized
        odds difference <strong data-testid="odds-gap">{formatValue(odds)}</strong>
        {slices.some(s => s.tooSmall) ? ' (too-small values excluded)' : ''}.
      </p>
      <table className="kf-slices-table">
        <thead>
          <tr>
            <th>Value</th>
            <th>Count</th>
            {RATES.map(([, label]) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="kf-slices-overall">
            <td>Overall</td>
            <td className="kf-slices-num">{doc.overall.count.toLocaleString()}</td>
            {RATES.map(([name]) => (
              <td key={name} className="kf-slices-num">
                {formatEstimate(overall[name])}
              </td>
            ))}
          </tr>
          {slices.map((s, i) => (
            <tr key={s.value} className={s.tooSmall ? 'kf-slices-too-small' : ''}>
              <td>{s.value}</td>
              <td className="kf-slices-num">{s.count.toLocaleString()}</td>
              {RATES.map(([name]) => (
                <td key={name} className="kf-slices-num" data-metric={name}>
                  {s.tooSmall ? 'too small' : formatEstimate(rates[i][name])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
