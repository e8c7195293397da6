import { useState } from 'react';

const NO_CURSORS: string[] = [];

/** Cursor pagination: a stack of the cursors of the pages before this one. */
export interface CursorPager {
  /** The cursor of this page; undefined on the first. */
  cursor?: string;
  /** 1 on the first page. */
  page: number;
  hasPrevious: boolean;
  next(nextCursor: string): void;
  previous(): void;
  reset(): void;
}

/**
 * Keeps the cursors of the pages seen so far; a new `resetKey` (other filters)
 * starts again at the first page without an extra fetch of the old cursor.
 */
export function useCursorPager(resetKey: string): CursorPager {
  const [state, setState] = useState({ key: resetKey, stack: NO_CURSORS });
  const stack = state.key === resetKey ? state.stack : NO_CURSORS;
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    hasPrevious: stack.length > 0,
    next: nextCursor =>
      setState({ key: resetKey, stack: [...stack, nextCursor] }),
    previous: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
    reset: () => setState({ key: resetKey, stack: NO_CURSORS }),
  };
}
