import { useMemo, useRef } from 'react';

type Seen<T> = Map<string, { item: T; json: string }>;

/**
 * The items, with each one that is unchanged since the last list (same key,
 * same JSON) replaced by the earlier object: a refresh that answers with new
 * but equal objects then re-renders only the rows that changed. `keyOf` must
 * be stable (a module-level function).
 */
export function useStableItems<T>(
  items: ReadonlyArray<T>,
  keyOf: (item: T) => string,
): ReadonlyArray<T> {
  const seen = useRef<Seen<T>>(new Map());
  return useMemo(() => {
    const next: Seen<T> = new Map();
    const stable = items.map(item => {
      const key = keyOf(item);
      const json = JSON.stringify(item);
      const before = seen.current.get(key);
      let kept = item;
      if (before?.json === json) {
        kept = before.item;
      } else if (before?.item === item) {
        // Changed in place: a new object, or its memoised row would not see it.
        kept = { ...item };
      }
      next.set(key, { item: kept, json });
      return kept;
    });
    seen.current = next;
    return stable;
  }, [items, keyOf]);
}
