import type { HTMLAttributes, Key, ReactNode } from 'react';

/** A list of rows split by rules, like antd's List without its pagination: antd's List imports
 * Pagination (and Select with it) even when unused, too heavy for the volunteer's first screen. */
export function PlainList<T>({
  items,
  rowKey,
  render,
  itemProps,
}: {
  items: readonly T[];
  rowKey: (item: T, index: number) => Key;
  render: (item: T) => ReactNode;
  itemProps?: (item: T) => HTMLAttributes<HTMLLIElement> & { 'data-testid'?: string };
}) {
  return (
    <ul className="mm-list">
      {items.map((item, index) => (
        <li key={rowKey(item, index)} className="mm-list-item" {...itemProps?.(item)}>
          {render(item)}
        </li>
      ))}
    </ul>
  );
}
