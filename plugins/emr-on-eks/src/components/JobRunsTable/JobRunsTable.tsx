import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import Link from '@material-ui/core/Link';
import { createContext, useContext, useMemo } from 'react';
import { useNow, useStableItems } from '../../hooks';
import { formatDuration, formatMiB, formatTime } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { DataTable, DataTableColumn } from '../DataTable';
import { JobRunActions } from '../JobRunActions';
import { JobRunStateLabel } from '../StatusLabel';

// One clock for every live duration of a table, rather than a timer per row.
const NowContext = createContext<number | undefined>(undefined);

function durationText(run: JobRun, end: number) {
  const start = Date.parse(run.createdAt);
  return Number.isNaN(start) || Number.isNaN(end)
    ? null
    : formatDuration(end - start);
}

function LiveDuration(props: { run: JobRun }) {
  const shared = useContext(NowContext);
  // Outside a table, a clock of its own.
  const own = useNow(shared === undefined);
  return <>{durationText(props.run, shared ?? own)}</>;
}

/** How long a run took, or has been going (live while it runs). */
export function RunDuration(props: { run: JobRun }) {
  const { run } = props;
  if (!isTerminalJobRunState(run.state)) {
    return <LiveDuration run={run} />;
  }
  return <>{durationText(run, Date.parse(run.finishedAt ?? run.updatedAt))}</>;
}

/** Why a run is in its state: EMR's reason and details. */
export function runReason(run: JobRun): string {
  return [run.failureReason, run.stateDetails].filter(Boolean).join(': ');
}

/** Spot or On-Demand executors; unknown for runs started outside Backstage. */
export function capacityOf(run: JobRun): string {
  if (run.spot === undefined) {
    return 'Unknown';
  }
  return run.spot ? 'Spot' : 'On-Demand';
}

/** The resources a run asks for at its largest. */
export function requestedOf(run: JobRun): string {
  const r = run.requested;
  if (!r) {
    return '';
  }
  const executors =
    r.minExecutors === r.maxExecutors
      ? `${r.maxExecutors}`
      : `${r.minExecutors}-${r.maxExecutors}`;
  return `${r.maxCores} cores, ${formatMiB(
    r.maxMemoryMiB,
  )} (${executors} executors)`;
}

const runKey = (run: JobRun) => run.id;

/** What a run cost, from a `groupBy=job` cost report. */
export interface JobRunsTableCosts {
  currency: string;
  /** A run's cost; undefined when the report has none for it. */
  of(run: JobRun): { amount: number; estimated: boolean } | undefined;
}

/** A run's cost, marked `est.` while the bill does not cover it; `—` for none. */
export function RunCost(props: { run: JobRun; costs: JobRunsTableCosts }) {
  const cost = props.costs.of(props.run);
  if (!cost) {
    return <span title="No cost recorded for this run">—</span>;
  }
  return (
    <>
      {formatMoney(cost.amount, props.costs.currency)}
      {cost.estimated && (
        <>
          {' '}
          <abbr title="Estimated: the bill does not cover this run's days yet">
            est.
          </abbr>
        </>
      )}
    </>
  );
}

/**
 * A page of job runs, inside a `JobRunActionsProvider` (its actions). Rows
 * are memoised and keep their objects across refreshes while unchanged, and
 * the live durations share one clock, so a long page stays fast.
 */
export function JobRunsTable(props: {
  title: string;
  runs: JobRun[];
  onOpen(run: JobRun): void;
  /** Each run's cost, in a column; no column without. */
  costs?: JobRunsTableCosts;
}) {
  const { title, onOpen, costs } = props;
  const runs = useStableItems(props.runs, runKey);
  const now = useNow(runs.some(run => !isTerminalJobRunState(run.state)));
  const columns = useMemo<DataTableColumn<JobRun>[]>(
    () => [
      {
        title: 'Name',
        highlight: true,
        render: run => (
          <Link
            component="button"
            variant="body2"
            onClick={() => onOpen(run)}
            aria-label={`Details of run ${run.name} (${run.id})`}
          >
            {run.name}
          </Link>
        ),
      },
      {
        title: 'State',
        nowrap: true,
        render: run => <JobRunStateLabel state={run.state} />,
      },
      { title: 'Details', render: run => runReason(run) },
      { title: 'Submitted by', render: run => run.submittedBy ?? '' },
      {
        title: 'Created',
        render: run => (
          <time dateTime={run.createdAt}>{formatTime(run.createdAt)}</time>
        ),
      },
      { title: 'Duration', render: run => <RunDuration run={run} /> },
      ...(costs
        ? [
            {
              title: 'Cost',
              nowrap: true,
              render: (run: JobRun) => <RunCost run={run} costs={costs} />,
            },
          ]
        : []),
      { title: 'Release', render: run => run.releaseLabel },
      { title: 'Executors', render: run => capacityOf(run) },
      { title: 'Requested', render: run => requestedOf(run) },
      { title: 'Actions', render: run => <JobRunActions run={run} /> },
    ],
    [onOpen, costs],
  );
  return (
    <NowContext.Provider value={now}>
      <DataTable label={title} columns={columns} rows={runs} rowKey={runKey} />
    </NowContext.Provider>
  );
}
