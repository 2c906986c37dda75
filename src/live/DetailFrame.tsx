/**
 * The frame of every detail view (job, study, run): a header with the name, status, what it is and the
 * actions, a banner when it is gone, and keyboard-accessible tabs. The feature supplies the tab contents.
 */
import React from 'react';
import { ErrorBanner } from '../components/ErrorBanner';
import { StatusBadge } from '../components/StatusBadge';

export interface IDetailTab {
  id: string;
  label: string;
  render: () => React.ReactNode;
}

export interface IDetailFrameProps {
  /** The kind in words, for labels: "Job", "Study", "Run". */
  kind: string;
  name: string;
  status: string;
  /** One line: framework, kind, backend, namespace… */
  meta: string;
  live: boolean;
  /** Buttons of the view. */
  actions?: React.ReactNode;
  /** Shown when the resource no longer exists (the last state seen stays on screen). */
  goneMessage?: string;
  tabs: IDetailTab[];
  className?: string;
  /** Controlled tab (e.g. a "Logs" button elsewhere in the view opens the logs tab); internal when absent. */
  selected?: string;
  onSelect?: (id: string) => void;
}

export function DetailFrame(props: IDetailFrameProps): JSX.Element {
  const [own, setOwn] = React.useState(props.tabs[0]?.id ?? '');
  const tab = props.selected ?? own;
  const setTab = (id: string) => (props.onSelect ? props.onSelect(id) : setOwn(id));
  const current = props.tabs.find(t => t.id === tab) ?? props.tabs[0];
  const onKey = (e: React.KeyboardEvent, index: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step) {
      const next = props.tabs[(index + step + props.tabs.length) % props.tabs.length];
      setTab(next.id);
      (e.currentTarget.parentElement?.children[props.tabs.indexOf(next)] as HTMLElement)?.focus();
    }
  };
  return (
    <div className={`kf-detail ${props.className ?? ''}`}>
      <header className="kf-detail-header">
        <h2>{props.name}</h2>
        <StatusBadge status={props.status} label={`${props.kind} status`} />
        <span className="kf-detail-meta">
          {props.meta}
          {props.live ? '' : ' · not live'}
        </span>
        {props.actions && <span className="kf-detail-actions">{props.actions}</span>}
      </header>
      {props.goneMessage && <ErrorBanner message={props.goneMessage} />}
      <div role="tablist" aria-label={`${props.kind} details`} className="kf-tabs">
        {props.tabs.map((t, i) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={current?.id === t.id}
            tabIndex={current?.id === t.id ? 0 : -1}
            className={current?.id === t.id ? 'kf-tab kf-mod-selected' : 'kf-tab'}
            onClick={() => setTab(t.id)}
            onKeyDown={e => onKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="kf-tab-panel">
        {current?.render()}
      </div>
    </div>
  );
}

/** What a detail view shows before its item arrives: loading words, or the error. */
export function DetailPlaceholder(props: { name: string; error?: string }): JSX.Element {
  return (
    <div className="kf-detail">
      {props.error ? (
        <ErrorBanner message={props.error} />
      ) : (
        <p className="kf-detail-note">Loading {props.name}…</p>
      )}
    </div>
  );
}
