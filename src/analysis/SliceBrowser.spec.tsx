import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { IAnalysisResult, ISliceResult } from '../../contract/analysis';
import { SliceBrowser } from './SliceBrowser';

let order = 0;
const info = (label: string, higherIsBetter: boolean | null = true) => ({
  label,
  short: label,
  order: order++,
  higherIsBetter,
  bounded: true,
  interval: 'Wilson score'
});
const est = (value: number, lo: number, hi: number) => ({ value, lo, hi });
const grid = (cells: [number, number, number, number][]) => ({
  tp: cells.map(c => c[0]),
  fp: cells.map(c => c[1]),
  tn: cells.map(c => c[2]),
  fn: cells.map(c => c[3])
});
const slice = (value: string, count: number, extra: Partial<ISliceResult>): ISliceResult => ({
  feature: 'region',
  value,
  count,
  weightedCount: count,
  tooSmall: false,
  metrics: {},
  ...extra
});

function makeDocument(overrides: Partial<IAnalysisResult> = {}): IAnalysisResult {
  return {
    version: 1,
    kind: 'kubeflow.slices',
    spec: {
      source: { path: 'scores.csv' },
      label: 'y',
      prediction: 'p',
      task: 'binary',
      metrics: 'all',
      slices: ['region'],
      threshold: 0.5,
      minSliceSize: 30,
      maxDistinct: 100,
      confidence: 0.95,
      bootstrap: { samples: 1000, seed: 0 }
    },
    task: 'binary',
    rows: 1000,
    thresholds: [0, 0.5, 1],
    metricInfo: {
      accuracy: info('Accuracy'),
      recall: info('Recall (TPR)'),
      logLoss: info('Log loss', false)
    },
    overall: slice('All rows', 1000, {
      feature: 'Overall',
      metrics: {
        accuracy: est(0.8, 0.77, 0.83),
        recall: est(0.7, 0.66, 0.74),
        logLoss: est(0.4, 0.38, 0.42)
      },
      confusion: grid([
        [450, 550, 0, 0],
        [400, 100, 400, 100],
        [0, 0, 550, 450]
      ]),
      baselineDiff: {
        accuracy: { value: -0.02, lo: -0.03, hi: -0.01, significant: true }
      }
    }),
    slices: [
      slice('north', 600, {
        metrics: {
          accuracy: est(0.85, 0.82, 0.88),
          recall: est(0.83, 0.78, 0.87),
          logLoss: est(0.35, 0.33, 0.37)
        },
        confusion: grid([
          [300, 300, 0, 0],
          [250, 40, 260, 50],
          [0, 0, 300, 300]
        ]),
        baselineDiff: {
          accuracy: { value: 0.01, lo: -0.01, hi: 0.03, significant: false }
        }
      }),
      slice('south', 380, {
        metrics: {
          accuracy: est(0.7, 0.65, 0.75),
          recall: est(0.79, 0.7, 0.85),
          logLoss: est(0.5, 0.45, 0.55)
        },
        confusion: grid([
          [190, 190, 0, 0],
          [150, 60, 130, 40],
          [0, 0, 190, 190]
        ]),
        baselineDiff: {
          accuracy: { value: -0.06, lo: -0.09, hi: -0.03, significant: true }
        }
      }),
      slice('tiny', 20, { tooSmall: true })
    ],
    warnings: ['1 slice has fewer than 30 rows (minSliceSize): listed, metrics withheld.'],
    complete: true,
    engine: { name: 'kubeflow-workbench', version: '1.0.0', elapsedMs: 3 },
    created: '2026-11-23T06:00:00.000Z',
    ...overrides
  };
}

const bodyRows = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(r => r.getAttribute('data-slice'));
const cell = (sliceKey: string, metric: string) =>
  document.querySelector(`tr[data-slice="${sliceKey}"] td[data-metric="${metric}"]`)!.textContent;

describe('SliceBrowser', () => {
  it('renders overall and every slice from the document alone', () => {
    render(<SliceBrowser document={makeDocument()} />);
    expect(bodyRows()).toEqual(['Overall=All rows', 'region=north', 'region=south', 'region=tiny']);
    expect(cell('region=north', 'accuracy')).toBe('0.850 [0.820, 0.880]');
    expect(cell('region=north', 'logLoss')).toBe('0.350');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText(/JupyterLab's Vega-Lite renderer/)).toBeTruthy();
  });

  it('says in the header which column weighs the rows', () => {
    const doc = makeDocument();
    const { container, rerender } = render(<SliceBrowser document={doc} />);
    expect(container.querySelector('.kf-slices-meta')?.textContent).not.toContain('weighted');
    rerender(<SliceBrowser document={{ ...doc, spec: { ...doc.spec, weights: 'w' } }} />);
    expect(container.querySelector('.kf-slices-meta')?.textContent).toContain('weighted by w');
  });

  it('sorts by a metric (descending first, empty values last) and toggles', () => {
    render(<SliceBrowser document={makeDocument()} />);
    fireEvent.click(screen.getByRole('button', { name: /^Accuracy/ }));
    expect(bodyRows().slice(1)).toEqual(['region=north', 'region=south', 'region=tiny']);
    fireEvent.click(screen.getByRole('button', { name: /^Accuracy/ }));
    expect(bodyRows().slice(1)).toEqual(['region=south', 'region=north', 'region=tiny']);
    fireEvent.click(screen.getByRole('button', { name: /^Count/ }));
    expect(bodyRows().slice(1)).toEqual(['region=north', 'region=south', 'region=tiny']);
  });

  it('filters slices by text', () => {
    render(<SliceBrowser document={makeDocument()} />);
    fireEvent.change(screen.getByLabelText('Filter slices'), {
      target: { value: 'SOU' }
    });
    expect(bodyRows()).toEqual(['Overall=All rows', 'region=south']);
  });

  it('recomputes the numbers from the confusion grid when the threshold slider moves', () => {
    render(<SliceBrowser document={makeDocument()} />);
    const slider = screen.getByLabelText('Decision threshold');
    fireEvent.change(slider, { target: { value: '0' } });
    expect(screen.getByTestId('threshold-value').textContent).toBe('0.0');
    // Threshold 0: everything predicted positive → accuracy = positives / total = 300 / 600.
    expect(cell('region=north', 'accuracy')).toMatch(/^0\.500 \[/);
    expect(cell('region=north', 'recall')).toBe('1.00');
    expect(cell('region=north', 'logLoss')).toBe('0.350'); // threshold-free metrics stay
    fireEvent.click(screen.getByRole('button', { name: /reset to 0.50/ }));
    expect(cell('region=north', 'accuracy')).toBe('0.850 [0.820, 0.880]');
  });

  it('flags too-small slices and slices significantly worse than overall', () => {
    render(<SliceBrowser document={makeDocument()} />);
    const tiny = document.querySelector('tr[data-slice="region=tiny"]')!;
    expect(tiny.className).toContain('kf-slices-too-small');
    expect(within(tiny as HTMLElement).getByText('too small')).toBeTruthy();
    const south = document.querySelector('tr[data-slice="region=south"]')!;
    expect(south.className).toContain('kf-slices-worse');
    expect(document.querySelector('tr[data-slice="region=north"]')!.className).not.toContain(
      'kf-slices-worse'
    );
    expect(screen.getByTestId('worse-summary').textContent).toContain(
      '1 slice is significantly worse'
    );
    // Log loss: lower is better, south's interval [0.45, 0.55] lies above overall 0.4 → worse.
    fireEvent.change(screen.getByLabelText('Metric'), {
      target: { value: 'logLoss' }
    });
    expect(document.querySelector('tr[data-slice="region=south"]')!.className).toContain(
      'kf-slices-worse'
    );
  });

  it('orders metric columns by their order field, not by JSON key order', () => {
    const doc = makeDocument();
    const { accuracy, recall, logLoss } = doc.metricInfo;
    doc.metricInfo = {
      logLoss: { ...logLoss, order: 2 },
      recall: { ...recall, order: 1 },
      accuracy: { ...accuracy, order: 0 }
    };
    render(<SliceBrowser document={doc} />);
    const headings = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headings).toEqual([
      'Feature ▲',
      'Value',
      'Count',
      'Accuracy',
      'Recall (TPR)',
      'Log loss'
    ]);
  });

  it('never flags metrics that have no better direction', () => {
    const doc = makeDocument();
    doc.metricInfo = {
      accuracy: { ...doc.metricInfo.accuracy, higherIsBetter: null }
    };
    render(<SliceBrowser document={doc} />);
    expect(document.querySelectorAll('tr.kf-slices-worse')).toHaveLength(0);
  });

  it('says loudly when the document is incomplete', () => {
    render(
      <SliceBrowser
        document={makeDocument({
          complete: false,
          warnings: ['"user" has 5000 distinct values']
        })}
      />
    );
    expect(screen.getByRole('alert').textContent).toContain('Incomplete result');
    expect(screen.getByText(/"user" has 5000 distinct values/)).toBeTruthy();
  });

  it('shows fairness rates and gaps at the threshold', () => {
    render(<SliceBrowser document={makeDocument()} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Fairness' }));
    // Selection rates: north 290/600 = 0.4833, south 210/380 = 0.5526 → gap 0.0693.
    expect(screen.getByTestId('parity-gap').textContent).toBe('0.0693');
    // TPR gap |250/300 − 150/190| = 0.0439, FPR gap |40/300 − 60/190| = 0.1825 → max 0.182.
    expect(screen.getByTestId('odds-gap').textContent).toBe('0.182');
  });

  it('shows paired baseline differences with their verdict', () => {
    render(<SliceBrowser document={makeDocument()} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Baseline vs candidate' }));
    const south = screen.getByText('south').closest('tr') as HTMLElement;
    expect(within(south).getByText('candidate worse')).toBeTruthy();
    const north = screen.getByText('north').closest('tr') as HTMLElement;
    expect(within(north).queryByText(/candidate/)).toBeNull();
  });
});

describe('SliceBrowser for regression', () => {
  it('shows regression metrics without a threshold slider or fairness view', () => {
    const base = makeDocument();
    const doc = makeDocument({
      task: 'regression',
      thresholds: undefined,
      metricInfo: {
        mae: { ...info('MAE', false), bounded: false },
        r2: info('R²')
      },
      overall: {
        ...base.overall,
        metrics: { mae: est(1.5, 1.4, 1.6), r2: est(0.8, 0.78, 0.82) },
        confusion: undefined
      },
      slices: [
        slice('north', 600, {
          metrics: { mae: est(2.5, 2.2, 2.8), r2: est(0.7, 0.65, 0.75) }
        })
      ]
    });
    render(<SliceBrowser document={doc} />);
    expect(screen.queryByLabelText('Decision threshold')).toBeNull();
    expect(screen.queryByRole('tab', { name: 'Fairness' })).toBeNull();
    expect(cell('region=north', 'mae')).toBe('2.50 [2.20, 2.80]');
    // MAE: lower is better; north's interval lies above overall 1.5 → worse.
    expect(document.querySelector('tr[data-slice="region=north"]')!.className).toContain(
      'kf-slices-worse'
    );
  });
});
