import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import Link from '@material-ui/core/Link';
import { DataTableColumn } from '../DataTable';
import { EntityName } from '../EntityName';
import { JobRunActions } from '../JobRunActions';
import { RelativeTime } from '../RelativeTime';
import { JobRunStateLabel } from '../StatusLabel';
import { TruncatedText } from '../TruncatedText';
import { RunCost, JobRunsTableCosts } from './RunCost';
import { RunDuration } from './RunDuration';
import {
  durationMs,
  requestedDetail,
  requestedShort,
  runReason,
} from './runText';

/**
 * The columns of the job-runs table, the ones that matter first: name,
 * state and actions stay on a phone; age, duration and cost from a tablet;
 * who and why from a laptop; resources and release on a wide screen.
 * Sorting orders the page shown.
 */
export function jobRunColumns(options: {
  onOpen(run: JobRun): void;
  costs?: JobRunsTableCosts;
  linkClassName?: string;
}): DataTableColumn<JobRun>[] {
  const { onOpen, costs, linkClassName } = options;
  return [
    {
      // Kept on one line by linkClassName, except on a phone.
      title: 'Name',
      highlight: true,
      sortValue: run => run.name,
      render: run => (
        <Link
          component="button"
          variant="body2"
          className={linkClassName}
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
      sortValue: run => run.state,
      render: run => <JobRunStateLabel state={run.state} />,
    },
    {
      // Early, so that cancel and re-run stay in view on any width.
      title: 'Actions',
      nowrap: true,
      render: run => <JobRunActions run={run} />,
    },
    {
      title: 'Created',
      nowrap: true,
      hideBelow: 'sm',
      sortValue: run => run.createdAt,
      render: run => <RelativeTime iso={run.createdAt} />,
    },
    {
      title: 'Duration',
      nowrap: true,
      hideBelow: 'sm',
      sortValue: run => durationMs(run, Date.now()),
      render: run => <RunDuration run={run} />,
    },
    {
      title: 'Submitted by',
      hideBelow: 'md',
      sortValue: run => run.submittedBy,
      render: run => (
        <EntityName entityRef={run.submittedBy} defaultKind="user" />
      ),
    },
    {
      title: 'Details',
      hideBelow: 'md',
      // Narrower than TruncatedText's 28ch below a wide screen: at 1400 px
      // the eight columns then fit the card (the cost's `est.` was cut).
      render: run => (
        <TruncatedText text={runReason(run)} maxWidth="min(28ch, 12vw)" />
      ),
    },
    ...(costs
      ? [
          {
            // Not nowrap: where room is short, `est.` goes under the amount
            // (which RunCost keeps whole) rather than out of view.
            title: 'Cost',
            hideBelow: 'sm' as const,
            sortValue: (run: JobRun) => costs.of(run)?.amount,
            render: (run: JobRun) => <RunCost run={run} costs={costs} />,
          },
        ]
      : []),
    {
      title: 'Requested',
      nowrap: true,
      hideBelow: 'xl',
      sortValue: run => run.requested?.maxCores,
      render: run => (
        <span title={requestedDetail(run)}>{requestedShort(run)}</span>
      ),
    },
    {
      title: 'Release',
      nowrap: true,
      hideBelow: 'xl',
      sortValue: run => run.releaseLabel,
      render: run => run.releaseLabel,
    },
  ];
}
