/**
 * The sidebar list of one kind (jobs, studies, runs): a "New" button, the live state, the feature's filters,
 * a windowed list that stays fast for 10,000 items (open on click or Enter), ages that tick, and empty states
 * that say why the list is empty.
 */
import React from 'react';
import { ILiveResource } from '../../contract/live';
import { EmptyState } from '../components/EmptyState';
import { useSignal } from '../components/useSignal';
import { VirtualList } from '../components/VirtualList';
import { LiveListModel, LiveState } from './model';
import { resourceKey } from './reducer';

export const LIVE_ROW_HEIGHT = 28;
const TICK_MS = 5000;

const LIVE_TEXT: Record<LiveState, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…'
};

export interface ILiveListProps<T extends ILiveResource, F extends object> {
  model: LiveListModel<T, F>;
  /** Plural words for labels and empty states: "training jobs", "studies", "runs". */
  noun: string;
  newLabel: string;
  onNew: () => void;
  onOpen: (item: T) => void;
  /**
   * The feature's filter controls for the current filter (they call `model.setFilter`). A function, rendered
   * here where the model is watched: elements made by the caller's render would keep the filter they were
   * made with, and a controlled select would snap back to it while the list is filtered.
   */
  filters?: (filter: F) => React.ReactNode;
  /** The cells of one row; `now` ticks so ages stay true. */
  renderRow: (item: T, now: number) => React.ReactNode;
  /** What to start with, for the empty list. */
  emptyHint: string;
  className?: string;
  /** Fixed clock for tests; defaults to a clock that ticks every few seconds. */
  now?: number;
}

export function LiveList<T extends ILiveResource, F extends object>(
  props: ILiveListProps<T, F>
): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const ticking = useNow(props.now === undefined);
  const now = props.now ?? ticking;
  const items = model.visible;
  return (
    // data-empty: the sidebar gives an empty list less height than one with rows (cluster/plugin.ts).
    <div
      className={`kf-live-list ${props.className ?? ''}`}
      data-empty={model.hasSnapshot && model.items.size === 0 ? 'true' : 'false'}
    >
      <div className="kf-live-list-toolbar">
        <button type="button" className="jp-mod-styled jp-mod-accept" onClick={props.onNew}>
          {props.newLabel}
        </button>
        <span className={`kf-live kf-live-${model.liveState}`} role="status">
          {LIVE_TEXT[model.liveState]}
        </span>
      </div>
      {props.filters && <div className="kf-live-list-filters">{props.filters(model.filter)}</div>}
      {items.length > 0 ? (
        <VirtualList
          items={items}
          rowHeight={LIVE_ROW_HEIGHT}
          label={`${capitalise(props.noun)} in ${model.namespace}`}
          itemKey={resourceKey}
          rowLabel={item => item.name}
          rowClassName="kf-live-row"
          onOpen={props.onOpen}
          renderRow={item => props.renderRow(item, now)}
        />
      ) : (
        <ListEmptyState {...props} />
      )}
    </div>
  );
}

function ListEmptyState<T extends ILiveResource, F extends object>(
  props: ILiveListProps<T, F>
): JSX.Element {
  const { model, noun } = props;
  if (!model.namespace) {
    return (
      <EmptyState
        title="No namespace selected"
        hint="Choose a namespace in the cluster section above."
      />
    );
  }
  if (!model.hasSnapshot) {
    return (
      <EmptyState
        title={`Loading ${noun}…`}
        hint={`Waiting for the ${noun} of ${model.namespace}.`}
      />
    );
  }
  if (model.items.size > 0) {
    return (
      <EmptyState
        title={`No ${noun} match the filters`}
        action={{ label: 'Clear filters', onClick: () => model.clearFilter() }}
      />
    );
  }
  return (
    <EmptyState
      title={`No ${noun} in ${model.namespace}`}
      hint={props.emptyHint}
      action={{ label: props.newLabel, onClick: props.onNew }}
    />
  );
}

/** The current time, re-read every few seconds while `ticking`. */
export function useNow(ticking = true): number {
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    if (!ticking) {
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
