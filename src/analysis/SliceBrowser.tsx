/**
 * The slice browser: everything comes from the saved result document (no kernel, no proxy), so it renders the
 * same after a reload. Threshold changes are recomputed from the stored confusion grid.
 */
import React, { useMemo, useState } from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IAnalysisResult } from '../../contract/analysis';
import { BaselineView } from './BaselineView';
import { chartSpec } from './chart';
import { FairnessView } from './FairnessView';
import {
  buildRows,
  filterRows,
  formatValue,
  metricNames,
  sortRows,
  SortKey,
  NO_SHORTCUTS
} from './model';
import { ISort, SliceTable } from './SliceTable';
import { VegaChart } from '../components/VegaChart';

export interface ISliceBrowserProps {
  document: IAnalysisResult;
  rendermime?: IRenderMimeRegistry;
}

type View = 'slices' | 'fairness' | 'baseline';

function ThresholdSlider(props: {
  thresholds: number[];
  k: number;
  chosen: number;
  onChange: (k: number) => void;
}) {
  const { thresholds, k } = props;
  return (
    <label className="kf-slices-threshold">
      Threshold <output data-testid="threshold-value">{formatValue(thresholds[k], 2)}</output>
      <input
        {...NO_SHORTCUTS}
        type="range"
        min={0}
        max={thresholds.length - 1}
        step={1}
        value={k}
        aria-label="Decision threshold"
        aria-valuetext={String(thresholds[k])}
        onChange={e => props.onChange(Number(e.target.value))}
      />
      {k !== props.chosen && (
        <button
          {...NO_SHORTCUTS}
          className="kf-slices-link"
          onClick={() => props.onChange(props.chosen)}
        >
          reset to {formatValue(thresholds[props.chosen], 2)}
        </button>
      )}
    </label>
  );
}

export function SliceBrowser(props: ISliceBrowserProps): JSX.Element {
  const doc = props.document;
  const metrics = metricNames(doc);
  const chosen = doc.thresholds ? Math.max(0, doc.thresholds.indexOf(doc.spec.threshold)) : 0;
  const [metric, setMetric] = useState(metrics[0] ?? '');
  const [sort, setSort] = useState<ISort>({
    key: 'feature',
    descending: false
  });
  const [filter, setFilter] = useState('');
  const [k, setK] = useState(chosen);
  const [view, setView] = useState<View>('slices');
  const { overall, rows } = useMemo(() => buildRows(doc, metric, k), [doc, metric, k]);
  const shown = useMemo(
    () => sortRows(filterRows(rows, filter), sort.key, metric, sort.descending),
    [rows, filter, sort, metric]
  );
  const info = doc.metricInfo[metric];
  const spec = useMemo(
    () =>
      chartSpec([overall, ...shown], {
        metric,
        label: info?.label ?? metric,
        bounded: info?.bounded ?? false,
        overall: overall.metrics[metric]?.value ?? null
      }),
    [overall, shown, metric, info]
  );
  const onSort = (key: SortKey, name?: string) => {
    if (name) {
      setMetric(name);
    }
    const same = sort.key === key && (key !== 'metric' || name === metric);
    setSort({
      key,
      descending: same ? !sort.descending : key === 'metric' || key === 'count'
    });
  };
  const hasBaseline = !!doc.overall.baselineDiff;
  const worse = rows.filter(r => r.worse).length;
  const tabs: [View, string][] = [
    ['slices', 'Slices'],
    ...(doc.thresholds ? [['fairness', 'Fairness'] as [View, string]] : []),
    ...(hasBaseline ? [['baseline', 'Baseline vs candidate'] as [View, string]] : [])
  ];
  return (
    <div className="kf-slices">
      <header className="kf-slices-header">
        <h3>{doc.title ?? 'Sliced metrics'}</h3>
        <span className="kf-slices-meta">
          {doc.rows.toLocaleString()} rows · {doc.task}
          {doc.spec.metrics === 'counts' ? ' (count-based metrics only)' : ''} ·{' '}
          {/* Weighted metrics differ from plain ones: the header says which column weighs the rows. */}
          {doc.spec.weights ? `weighted by ${doc.spec.weights} · ` : ''}
          {Math.round(doc.spec.confidence * 100)}% intervals
        </span>
      </header>
      {!doc.complete && (
        <div role="alert" className="kf-slices-incomplete">
          Incomplete result: some values were left out — see the notes below. Do not read it as the
          full picture.
        </div>
      )}
      <div className="kf-slices-controls">
        <label>
          Metric{' '}
          <select
            {...NO_SHORTCUTS}
            value={metric}
            onChange={e => setMetric(e.target.value)}
            aria-label="Metric"
          >
            {metrics.map(m => (
              <option key={m} value={m}>
                {doc.metricInfo[m].label}
              </option>
            ))}
          </select>
        </label>
        <input
          {...NO_SHORTCUTS}
          type="search"
          placeholder="Filter slices"
          aria-label="Filter slices"
          value={filter}
          onChange={e => setFilter(e.target.value)}
        />
        {doc.thresholds && (
          <ThresholdSlider thresholds={doc.thresholds} k={k} chosen={chosen} onChange={setK} />
        )}
      </div>
      <div role="tablist" className="kf-slices-tabs">
        {tabs.map(([id, label]) => (
          <button
            {...NO_SHORTCUTS}
            key={id}
            role="tab"
            aria-selected={view === id}
            className="kf-slices-tab"
            onClick={() => setView(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {view === 'slices' && (
        <>
          <p className="kf-slices-summary" data-testid="worse-summary">
            {worse === 0
              ? `No slice is significantly worse than overall on ${info?.label ?? metric}.`
              : `${worse} slice${worse === 1 ? ' is' : 's are'} significantly worse than overall on ${info?.label ?? metric} (interval entirely on the bad side).`}
          </p>
          <SliceTable
            doc={doc}
            overall={overall}
            rows={shown}
            metrics={metrics}
            metric={metric}
            sort={sort}
            onSort={onSort}
          />
          <VegaChart
            spec={spec}
            rendermime={props.rendermime}
            className="kf-slices-chart"
            fallback="The chart needs JupyterLab's Vega-Lite renderer; the table above has every value."
          />
          {info && <p className="kf-slices-note">Interval: {info.interval}.</p>}
        </>
      )}
      {view === 'fairness' && <FairnessView doc={doc} k={k} />}
      {view === 'baseline' && <BaselineView doc={doc} />}
      {doc.warnings.length > 0 && (
        <ul className="kf-slices-warnings" aria-label="Notes">
          {doc.warnings.map(w => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default SliceBrowser;
