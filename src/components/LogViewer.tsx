/**
 * Logs of a live resource: source choice (a replica, trial or step; or all merged), follow toggle, tail
 * limit, a search box that highlights matches, and a download of what is shown. Props only: the owner fetches
 * and follows (src/live/LiveLogs binds it to a LogsModel).
 */
import React from 'react';
import { LOG_DETAILS_TAG } from '../../contract/live';

export const ALL_SOURCES = '';
export const TAIL_CHOICES = [100, 1000, 10000];

export interface ILogViewerProps {
  sources: string[];
  source: string;
  onSourceChange: (source: string) => void;
  /** What a source is called: Replica, Trial, Step. */
  sourceLabel?: string;
  /** The label of the "all merged" choice; absent when the feature cannot merge its sources. */
  allLabel?: string;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  tail: number;
  onTailChange: (tail: number) => void;
  text: string;
  loading?: boolean;
  error?: string;
  /** Accessible name of the log text, e.g. "Job logs". */
  label?: string;
  /** Name of the downloaded file, e.g. `my-job-worker-0.log`. */
  fileName: string;
}

export function LogViewer(props: ILogViewerProps): JSX.Element {
  const [query, setQuery] = React.useState('');
  const [details, setDetails] = React.useState(false);
  const preRef = React.useRef<HTMLPreElement>(null);

  // While following, stay at the bottom as text arrives.
  React.useEffect(() => {
    if (props.follow && preRef.current) {
      preRef.current.scrollTop = preRef.current.scrollHeight;
    }
  }, [props.text, props.follow]);

  const hidden = React.useMemo(() => countDetails(props.text), [props.text]);
  const shown = React.useMemo(
    () => (details || hidden === 0 ? props.text : withoutDetails(props.text)),
    [props.text, details, hidden]
  );
  const matches = React.useMemo(() => highlight(shown, query), [shown, query]);

  return (
    <div className="kf-log-viewer">
      <div className="kf-log-toolbar">
        <label>
          {props.sourceLabel ?? 'Replica'}{' '}
          <select value={props.source} onChange={e => props.onSourceChange(e.target.value)}>
            {props.allLabel && <option value={ALL_SOURCES}>{props.allLabel}</option>}
            {props.sources.map(r => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Last{' '}
          <select value={props.tail} onChange={e => props.onTailChange(Number(e.target.value))}>
            {[...new Set([...TAIL_CHOICES, props.tail])]
              .sort((a, b) => a - b)
              .map(n => (
                <option key={n} value={n}>
                  {n.toLocaleString()} lines
                </option>
              ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={props.follow}
            onChange={e => props.onFollowChange(e.target.checked)}
          />{' '}
          Follow
        </label>
        <input
          type="search"
          className="kf-log-search"
          placeholder="Search logs"
          aria-label="Search logs"
          value={query}
          onChange={e => setQuery(e.target.value)}
        />
        {query && <span className="kf-log-count">{matches.count} matches</span>}
        {hidden > 0 && (
          <label title="The cluster's own words for the problems noted in the log">
            <input type="checkbox" checked={details} onChange={e => setDetails(e.target.checked)} />{' '}
            Details ({hidden})
          </label>
        )}
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => download(props.text, props.fileName)}
        >
          Download
        </button>
      </div>
      {props.error && (
        <div className="kf-log-error" role="alert">
          {props.error}
        </div>
      )}
      <pre
        ref={preRef}
        className="kf-log-text"
        aria-label={props.label ?? 'Logs'}
        aria-busy={props.loading}
        tabIndex={0}
      >
        {shown ? matches.nodes : props.loading ? 'Loading logs…' : 'No log lines yet.'}
      </pre>
    </div>
  );
}

/** Lines the proxy marked as upstream details of a note (raw apiserver text): folded unless asked for. */
function countDetails(text: string): number {
  return text.includes(LOG_DETAILS_TAG) ? text.split(LOG_DETAILS_TAG).length - 1 : 0;
}

export function withoutDetails(text: string): string {
  return text
    .split('\n')
    .filter(line => !line.includes(LOG_DETAILS_TAG))
    .join('\n');
}

/** Splits `text` around case-insensitive matches of `query`, wrapping matches in <mark>. */
export function highlight(
  text: string,
  query: string
): { nodes: React.ReactNode[]; count: number } {
  if (!query) {
    return { nodes: [text], count: 0 };
  }
  const pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  const nodes: React.ReactNode[] = [];
  let last = 0;
  let count = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index ?? 0;
    nodes.push(text.slice(last, start), <mark key={start}>{match[0]}</mark>);
    last = start + match[0].length;
    count++;
  }
  nodes.push(text.slice(last));
  return { nodes, count };
}

function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
