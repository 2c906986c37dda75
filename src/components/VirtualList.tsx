/**
 * A windowed list with a fixed row height: only the rows in view (plus a small overscan) are in the DOM, so
 * 10,000 items cost as much as 30. Click or Enter opens; arrow keys, Home/End, PageUp/PageDown move.
 */
import React from 'react';

export interface IVirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** Used until the element is measured (jsdom and hidden panels measure 0). */
  defaultHeight?: number;
  overscan?: number;
  label: string;
  itemKey: (item: T) => string;
  renderRow: (item: T, selected: boolean) => React.ReactNode;
  rowLabel: (item: T) => string;
  rowClassName?: string;
  onOpen: (item: T) => void;
}

export function VirtualList<T>(props: IVirtualListProps<T>): JSX.Element {
  const { items, rowHeight, overscan = 5, defaultHeight = 400 } = props;
  const ref = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [height, setHeight] = React.useState(defaultHeight);
  const [selected, setSelected] = React.useState(0);

  React.useEffect(() => {
    const node = ref.current;
    if (!node || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(() => setHeight(node.clientHeight || defaultHeight));
    observer.observe(node);
    return () => observer.disconnect();
  }, [defaultHeight]);

  const active = Math.min(selected, Math.max(0, items.length - 1));
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(items.length - 1, index));
    setSelected(next);
    const node = ref.current;
    if (!node) {
      return;
    }
    // Keep the selected row in view by scrolling the container, which re-renders the window around it.
    const top = next * rowHeight;
    let target = node.scrollTop;
    if (top < target) {
      target = top;
    } else if (top + rowHeight > target + height) {
      target = top + rowHeight - height;
    }
    if (target !== node.scrollTop) {
      node.scrollTop = target;
      setScrollTop(target);
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / rowHeight));
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: items.length - 1
    };
    if (event.key in moves) {
      event.preventDefault();
      moveTo(moves[event.key]);
    } else if (event.key === 'Enter' && items[active]) {
      event.preventDefault();
      props.onOpen(items[active]);
    }
  };

  const rows: React.ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    const key = props.itemKey(item);
    rows.push(
      <div
        key={key}
        id={`kf-vrow-${key}`}
        role="option"
        aria-selected={i === active}
        aria-label={props.rowLabel(item)}
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className={`${props.rowClassName ?? ''}${i === active ? ' kf-mod-selected' : ''}`}
        style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}
        onClick={() => {
          // One click opens (a sidebar list, like the file browser's single-click setting): no double-click
          // that also selects text.
          setSelected(i);
          props.onOpen(item);
        }}
      >
        {props.renderRow(item, i === active)}
      </div>
    );
  }

  return (
    <div
      ref={ref}
      className="kf-virtual-list"
      role="listbox"
      aria-label={props.label}
      tabIndex={0}
      aria-activedescendant={items[active] ? `kf-vrow-${props.itemKey(items[active])}` : undefined}
      onKeyDown={onKeyDown}
      onScroll={e => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ position: 'relative', height: items.length * rowHeight }}>{rows}</div>
    </div>
  );
}
