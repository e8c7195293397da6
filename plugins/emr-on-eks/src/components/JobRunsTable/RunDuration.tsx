import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import { createContext, useContext } from 'react';
import { useNow } from '../../hooks';
import { formatDuration } from '../../lib/format';
import { durationMs } from './runText';

// One clock for every live duration of a table, rather than a timer per row.
export const NowContext = createContext<number | undefined>(undefined);

function text(run: JobRun, now: number) {
  const ms = durationMs(run, now);
  return ms === undefined ? null : formatDuration(ms);
}

function LiveDuration(props: { run: JobRun }) {
  const shared = useContext(NowContext);
  // Outside a table, a clock of its own.
  const own = useNow(shared === undefined);
  return <>{text(props.run, shared ?? own)}</>;
}

/** How long a run took, or has been going (live while it runs). */
export function RunDuration(props: { run: JobRun }) {
  const { run } = props;
  if (!isTerminalJobRunState(run.state)) {
    return <LiveDuration run={run} />;
  }
  return <>{text(run, Date.now())}</>;
}
