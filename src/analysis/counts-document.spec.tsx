import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { Table } from 'apache-arrow';
import { validateAnalysisSpec } from '../../contract/analysis';
import { analyze } from '../../engine/analyze';
import { dictionaryVector, float64Vector } from '../../engine/csv';
import { seededRandom } from '../../engine/metrics/intervals';
import { SliceBrowser } from './SliceBrowser';

/** A real count-only document (`metrics: "counts"`) from the engine: no ROC-AUC, PR-AUC, log loss, calibration. */
function countsDocument() {
  const random = seededRandom(4);
  const n = 2000;
  const y = new Float64Array(n);
  const p = new Float64Array(n);
  const region = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = random() < 0.4 ? 1 : 0;
    p[i] = Math.min(1, 0.4 * y[i] + 0.6 * random());
    region[i] = Math.floor(random() * 3);
  }
  const table = new Table({
    y: float64Vector(y),
    p: float64Vector(p),
    region: dictionaryVector(region, ['north', 'south', 'west'])
  });
  const checked = validateAnalysisSpec({
    source: { path: 'scores.arrow' },
    label: 'y',
    prediction: 'p',
    slices: ['region'],
    metrics: 'counts'
  });
  if (!checked.ok) {
    throw new Error(JSON.stringify(checked.fields));
  }
  return analyze(table, checked.value, undefined, () => 0);
}

const headers = () =>
  [...document.querySelectorAll('thead th')].map(th => th.textContent?.replace(/[▲▼]/g, '').trim());
const cell = (sliceKey: string, metric: string) =>
  document.querySelector(`tr[data-slice="${sliceKey}"] td[data-metric="${metric}"]`)?.textContent;

describe('SliceBrowser with a count-only document', () => {
  it('shows only the computed metrics, and the threshold slider and fairness view still work', () => {
    const doc = countsDocument();
    render(<SliceBrowser document={doc} />);
    expect(document.querySelector('.kf-slices-meta')?.textContent).toContain(
      '(count-based metrics only)'
    );
    const shown = headers().join(' | ');
    for (const short of ['Accuracy', 'Precision', 'Recall', 'F1', 'Sel. rate', 'FPR']) {
      expect(shown).toContain(short);
    }
    for (const absent of ['ROC-AUC', 'PR-AUC', 'Log loss', 'Calib.']) {
      expect(shown).not.toContain(absent);
    }
    expect(cell('region=north', 'rocAuc')).toBeUndefined();
    const before = cell('region=north', 'accuracy');
    expect(before).toMatch(/^0\.\d+ \[/);
    fireEvent.change(screen.getByLabelText('Decision threshold'), { target: { value: '0' } });
    // Threshold 0: everything predicted positive, so recall is 1.
    expect(cell('region=north', 'recall')).toBe('1.00');
    expect(cell('region=north', 'accuracy')).not.toBe(before);
    fireEvent.click(screen.getByRole('tab', { name: 'Fairness' }));
    expect(screen.getByTestId('parity-gap').textContent).toMatch(/^\d/);
  });
});
