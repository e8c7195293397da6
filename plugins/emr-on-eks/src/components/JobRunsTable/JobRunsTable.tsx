import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo } from 'react';
import { useNow, useStableItems } from '../../hooks';
import { useFocusRing } from '../../lib/focus';
import { DataTable } from '../DataTable';
import { RelativeTimeClock } from '../RelativeTime';
import { jobRunColumns } from './jobRunColumns';
import { JobRunsTableCosts } from './RunCost';
import { NowContext } from './RunDuration';

const runKey = (run: JobRun) => run.id;

const useStyles = makeStyles(
  theme => ({
    // A run's name on one line; on a phone it may break at its hyphens
    // (never mid-letter), which keeps the actions in view.
    name: {
      textAlign: 'left',
      whiteSpace: 'nowrap',
      [theme.breakpoints.down('xs')]: { whiteSpace: 'normal' },
    },
  }),
  { name: 'EmrOnEksJobRunsTable' },
);

/**
 * A page of job runs, inside a `JobRunActionsProvider` (its actions). Rows
 * are memoised and keep their objects across refreshes while unchanged, and
 * the live durations and relative times share clocks, so a long page stays
 * fast.
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
  const focus = useFocusRing();
  const classes = useStyles();
  const linkClassName = `${focus.root} ${classes.name}`;
  const columns = useMemo(
    () => jobRunColumns({ onOpen, costs, linkClassName }),
    [onOpen, costs, linkClassName],
  );
  return (
    <RelativeTimeClock>
      <NowContext.Provider value={now}>
        <DataTable
          label={title}
          columns={columns}
          rows={runs}
          rowKey={runKey}
        />
      </NowContext.Provider>
    </RelativeTimeClock>
  );
}
