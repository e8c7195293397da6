import { Table, TableColumn } from '@backstage/core-components';
import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import Link from '@material-ui/core/Link';
import { useMemo } from 'react';
import { useNow } from '../../hooks';
import { formatDuration, formatMiB, formatTime } from '../../lib/format';
import { JobRunActions, JobRunChange } from '../JobRunActions';
import { JobRunStateLabel } from '../StatusLabel';

/** How long a run took, or has been going (live while it runs). */
export function RunDuration(props: { run: JobRun }) {
  const { run } = props;
  const live = !isTerminalJobRunState(run.state);
  const now = useNow(live);
  const start = Date.parse(run.createdAt);
  const end = live ? now : Date.parse(run.finishedAt ?? run.updatedAt);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return null;
  }
  return <>{formatDuration(end - start)}</>;
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

/** A page of job runs. */
export function JobRunsTable(props: {
  title: string;
  runs: JobRun[];
  onOpen(run: JobRun): void;
  onChange(change: JobRunChange): void;
}) {
  const { title, runs, onOpen, onChange } = props;
  const columns = useMemo<TableColumn<JobRun>[]>(
    () => [
      {
        title: 'Name',
        field: 'name',
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
        field: 'state',
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
      { title: 'Release', field: 'releaseLabel' },
      { title: 'Executors', render: run => capacityOf(run) },
      { title: 'Requested', render: run => requestedOf(run) },
      {
        title: 'Actions',
        render: run => <JobRunActions run={run} onChange={onChange} />,
      },
    ],
    [onOpen, onChange],
  );
  return (
    <Table<JobRun>
      title={title}
      columns={columns}
      data={runs}
      options={{
        paging: false,
        search: false,
        sorting: false,
        draggable: false,
        padding: 'dense',
        toolbar: false,
      }}
    />
  );
}
