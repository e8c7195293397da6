import { createContext, ReactNode, useContext } from 'react';
import { useNow } from '../../hooks';
import { formatRelative, formatTime } from '../../lib/format';

const MINUTE = 60_000;

// One clock for every relative time of a table, rather than a timer per row.
const ClockContext = createContext<number | undefined>(undefined);

/** Gives the {@link RelativeTime}s inside one clock, ticking every minute. */
export function RelativeTimeClock(props: { children: ReactNode }) {
  const now = useNow(true, MINUTE);
  return (
    <ClockContext.Provider value={now}>{props.children}</ClockContext.Provider>
  );
}

/**
 * `5 minutes ago`, with the exact time in the user's locale on hover (and for
 * screen readers, in the `<time>`'s title).
 */
export function RelativeTime(props: { iso: string | undefined }) {
  const shared = useContext(ClockContext);
  // Outside a clock, a clock of its own.
  const own = useNow(shared === undefined, MINUTE);
  if (!props.iso) {
    return null;
  }
  return (
    <time dateTime={props.iso} title={formatTime(props.iso)}>
      {formatRelative(props.iso, shared ?? own)}
    </time>
  );
}
