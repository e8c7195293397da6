import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import useInterval from 'react-use/esm/useInterval';

function isVisible(): boolean {
  return (
    typeof document === 'undefined' || document.visibilityState !== 'hidden'
  );
}

/** Whether the page is shown (false in a background tab). */
export function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(isVisible);
  useEffect(() => {
    const onChange = () => setVisible(isVisible());
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * Calls `refresh` every `intervalMs` while `active`, paused while the page is
 * hidden; an interval of 0 or less turns it off.
 */
export function useAutoRefresh(
  active: boolean,
  intervalMs: number,
  refresh: () => void,
): boolean {
  const visible = useDocumentVisible();
  const running = active && visible && intervalMs > 0;
  useInterval(refresh, running ? intervalMs : null);
  return running;
}

/** The current time, ticking every `intervalMs` while `active`. */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  // A clock that starts again (a run became live) starts from now, before
  // the stale time is painted.
  const wasActive = useRef(active);
  useLayoutEffect(() => {
    if (active && !wasActive.current) {
      setNow(Date.now());
    }
    wasActive.current = active;
  }, [active]);
  useInterval(() => setNow(Date.now()), active ? intervalMs : null);
  return active ? now : Date.now();
}
