/** The sortable slice table: one row per slice, the selected metric with its interval, the others as values. */
import React from 'react';
import { IAnalysisResult } from '../../contract/analysis';
import { formatEstimate, formatValue, IRow, SortKey, NO_SHORTCUTS } from './model';

export interface ISort {
  key: SortKey;
  descending: boolean;
}

interface IProps {
  doc: IAnalysisResult;
  overall: IRow;
  rows: IRow[];
  metrics: string[];
  metric: string;
  sort: ISort;
  onSort: (key: SortKey, metric?: string) => void;
}

function Header(props: {
  label: string;
  title?: string;
  active: boolean;
  descending: boolean;
  onClick: () => void;
}) {
  const ariaSort = props.active ? (props.descending ? 'descending' : 'ascending') : 'none';
  return (
    <th aria-sort={ariaSort}>
      <button
        {...NO_SHORTCUTS}
        className="kf-slices-sort"
        onClick={props.onClick}
        title={`Sort by ${props.title ?? props.label}`}
      >
        {props.label}
        {props.active ? (props.descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}

function SliceRow(props: {
  row: IRow;
  metrics: string[];
  metric: string;
  minSize: number;
  isOverall?: boolean;
}) {
  const { row, metrics, metric } = props;
  const { slice } = row;
  const classes = ['kf-slices-row'];
  if (slice.tooSmall) {
    classes.push('kf-slices-too-small');
  }
  if (row.worse) {
    classes.push('kf-slices-worse');
  }
  if (props.isOverall) {
    classes.push('kf-slices-overall');
  }
  return (
    <tr className={classes.join(' ')} data-slice={`${slice.feature}=${slice.value}`}>
      <td>{slice.feature}</td>
      <td>
        {slice.value}
        {row.worse && (
          <span
            className="kf-slices-badge kf-slices-badge-worse"
            title="Interval entirely worse than overall"
          >
            worse than overall
          </span>
        )}
        {slice.tooSmall && (
          <span
            className="kf-slices-badge"
            title={`Fewer than ${props.minSize} rows: metrics withheld`}
          >
            too small
          </span>
        )}
      </td>
      <td className="kf-slices-num">{slice.count.toLocaleString()}</td>
      {metrics.map(name => (
        <td
          key={name}
          className={`kf-slices-num${name === metric ? ' kf-slices-selected' : ''}`}
          data-metric={name}
        >
          {name === metric
            ? formatEstimate(row.metrics[name])
            : formatValue(row.metrics[name]?.value)}
        </td>
      ))}
    </tr>
  );
}

export function SliceTable(props: IProps): JSX.Element {
  const { doc, sort, metric, onSort } = props;
  const active = (key: SortKey, name?: string) =>
    sort.key === key && (key !== 'metric' || name === metric);
  const minSize = doc.spec.minSliceSize;
  // The table scrolls inside its own box: a wide table never pushes the output past the notebook's width.
  return (
    <div className="kf-slices-table-scroll" role="region" aria-label="Slices table" tabIndex={0}>
      <table className="kf-slices-table">
        <thead>
          <tr>
            <Header
              label="Feature"
              active={active('feature')}
              descending={sort.descending}
              onClick={() => onSort('feature')}
            />
            <Header
              label="Value"
              active={active('value')}
              descending={sort.descending}
              onClick={() => onSort('value')}
            />
            <Header
              label="Count"
              active={active('count')}
              descending={sort.descending}
              onClick={() => onSort('count')}
            />
            {props.metrics.map(name => (
              <Header
                key={name}
                label={doc.metricInfo[name]?.short ?? name}
                title={doc.metricInfo[name]?.label}
                active={active('metric', name)}
                descending={sort.descending}
                onClick={() => onSort('metric', name)}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          <SliceRow
            row={props.overall}
            metrics={props.metrics}
            metric={metric}
            minSize={minSize}
            isOverall
          />
          {props.rows.map(row => (
            <SliceRow
              key={`${row.slice.feature}\u0000${row.slice.value}`}
              row={row}
              metrics={props.metrics}
              metric={metric}
              minSize={minSize}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
