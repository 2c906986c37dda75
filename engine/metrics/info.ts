/** Names, directions and interval methods of every metric, shipped inside each result document. */
import { AnalysisTask, IMetricInfo } from '../../contract/analysis';

const WILSON = 'Wilson score (Kish effective n for weights)';
const DIRICHLET = 'seeded Bayesian bootstrap: Dirichlet over the confusion cells, percentile';

/** [name, label, column heading, higher is better (null: no direction), bounded to [0, 1], interval] */
type Row = [string, string, string, boolean | null, boolean, string];

function table(rows: Row[]): Record<string, IMetricInfo> {
  return Object.fromEntries(
    rows.map(([name, label, short, higherIsBetter, bounded, interval], order) => [
      name,
      { label, short, order, higherIsBetter, bounded, interval }
    ])
  );
}

const BINARY = table([
  ['accuracy', 'Accuracy', 'Accuracy', true, true, WILSON],
  ['precision', 'Precision', 'Precision', true, true, WILSON],
  ['recall', 'Recall (TPR)', 'Recall', true, true, WILSON],
  ['f1', 'F1', 'F1', true, true, DIRICHLET],
  ['rocAuc', 'ROC-AUC', 'ROC-AUC', true, true, 'DeLong variance, logit scale'],
  [
    'prAuc',
    'PR-AUC (average precision)',
    'PR-AUC',
    true,
    true,
    'logit interval (Boyd et al. 2013) on effective positives'
  ],
  ['logLoss', 'Log loss', 'Log loss', false, false, 'normal (CLT) on the per-row loss'],
  [
    'calibration',
    'Calibration (mean prediction / mean label)',
    'Calib.',
    null,
    false,
    'delta method for a ratio of means'
  ],
  ['selectionRate', 'Selection rate', 'Sel. rate', null, true, WILSON],
  ['fpr', 'False positive rate', 'FPR', false, true, WILSON]
]);

const MULTICLASS = table([
  ['accuracy', 'Accuracy', 'Accuracy', true, true, WILSON],
  [
    'microF1',
    'Micro F1',
    'Micro F1',
    true,
    true,
    `${WILSON} (micro F1 equals accuracy for single-label data)`
  ],
  ['macroF1', 'Macro F1', 'Macro F1', true, true, DIRICHLET.replace('confusion', 'K×K confusion')]
]);

const REGRESSION = table([
  ['mae', 'MAE', 'MAE', false, false, 'normal (CLT) on the per-row absolute error'],
  ['rmse', 'RMSE', 'RMSE', false, false, 'normal (CLT) interval of the MSE, square-rooted'],
  ['r2', 'R²', 'R²', true, false, 'delta method for 1 − MSE / Var(label)'],
  ['mse', 'MSE', 'MSE', false, false, 'normal (CLT) on the per-row squared error']
]);

export const METRIC_INFO: Record<AnalysisTask, Record<string, IMetricInfo>> = {
  binary: BINARY,
  multiclass: MULTICLASS,
  regression: REGRESSION
};

/** The metric descriptions a document carries: only the metrics it computed (`names`; all when absent). */
export function metricInfoOf(task: AnalysisTask, names?: string[]): Record<string, IMetricInfo> {
  const all = METRIC_INFO[task];
  return names ? Object.fromEntries(names.map(name => [name, all[name]])) : all;
}
