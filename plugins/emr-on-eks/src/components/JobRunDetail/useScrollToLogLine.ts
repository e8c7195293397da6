import { RefObject, useEffect } from 'react';

// LogViewer's rows are 20 px high when lines do not wrap (its FixedSizeList).
const ROW_HEIGHT = 20;

/**
 * Brings line `lineNumber` of the LogViewer inside `container` into view.
 * LogViewer scrolls to the end once its list is ready and has no prop for a
 * line; so, for a short while, the list is scrolled to the line again until
 * it stays there.
 */
export function useScrollToLogLine(
  container: RefObject<HTMLElement | null>,
  lineNumber: number | undefined,
) {
  useEffect(() => {
    if (!lineNumber) {
      return undefined;
    }
    let tries = 0;
    let steady = 0;
    const timer = setInterval(() => {
      // The row's link, then the row, the list's inner and outer elements.
      const list =
        container.current?.querySelector('a[href^="#line-"]')?.parentElement
          ?.parentElement?.parentElement ?? undefined;
      tries += 1;
      if (list) {
        const top = Math.max(
          0,
          (lineNumber - 1) * ROW_HEIGHT - list.clientHeight / 2,
        );
        if (Math.abs(list.scrollTop - top) > 1) {
          list.scrollTop = top;
          steady = 0;
        } else {
          steady += 1;
        }
      }
      // Done once it stays (then the user scrolls freely), or after a second.
      if (steady >= 3 || tries >= 20) {
        clearInterval(timer);
      }
    }, 50);
    return () => clearInterval(timer);
  }, [container, lineNumber]);
}
