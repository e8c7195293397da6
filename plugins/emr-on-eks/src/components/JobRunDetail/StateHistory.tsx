import {
  JobRun,
  JobRunStateChange,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { EntityName } from '../EntityName';
import { RelativeTime } from '../RelativeTime';

const SOURCES: Record<JobRunStateChange['source'], string> = {
  submit: 'submitted in Backstage',
  sync: 'seen by the sync',
  event: 'from an EMR event',
  cancel: 'cancelled in Backstage',
};

const useStyles = makeStyles(
  theme => ({
    list: { listStyle: 'none', margin: 0, padding: 0 },
    item: {
      padding: theme.spacing(1, 0),
      borderBottom: `1px solid ${theme.palette.divider}`,
      overflowWrap: 'anywhere',
    },
  }),
  { name: 'EmrOnEksStateHistory' },
);

interface Row {
  key: string;
  title: string;
  at: string;
  notes: ReactNode[];
}

function rowsOf(run: JobRun): Row[] {
  if (run.history && run.history.length > 0) {
    return run.history.map((change, i) => ({
      key: `${i}-${change.state}`,
      title: change.state,
      at: change.at,
      notes: [
        change.attempt !== undefined && `attempt ${change.attempt}`,
        SOURCES[change.source],
        change.by && (
          <span key="by">
            by <EntityName entityRef={change.by} defaultKind="user" />
          </span>
        ),
        change.details,
      ].filter(Boolean) as ReactNode[],
    }));
  }
  // A run without a recorded history (the list's row, or an older backend):
  // what is known of it.
  const rows: Row[] = [
    {
      key: 'created',
      title: 'Created',
      at: run.createdAt,
      notes: [
        run.submittedBy ? (
          <span key="by">
            by <EntityName entityRef={run.submittedBy} defaultKind="user" />
          </span>
        ) : (
          `source: ${run.source}`
        ),
      ],
    },
  ];
  if (run.finishedAt) {
    rows.push({
      key: 'finished',
      title: `Finished (${run.state})`,
      at: run.finishedAt,
      notes: [],
    });
  }
  return rows;
}

/** Driver attempts: how many EMR made of how many it may make. */
export function Attempts(props: { run: JobRun }) {
  const { run } = props;
  if (run.attempts === undefined && run.maxAttempts === undefined) {
    return null;
  }
  const made = run.attempts ?? 1;
  const max = run.maxAttempts ?? 1;
  return (
    <Typography variant="body2" gutterBottom>
      Driver attempts: {made} of {max}
      {made > 1 ? ` (${made - 1} after a failure)` : ''}
    </Typography>
  );
}

/**
 * Every state the run passed through, oldest first: when (relative, the
 * exact time on hover), which driver attempt, how Backstage learned of it,
 * and who submitted or cancelled it.
 */
export function StateHistory(props: { run: JobRun }) {
  const { run } = props;
  const classes = useStyles();
  return (
    <>
      <Attempts run={run} />
      {run.cancelledBy && (
        <Typography variant="body2" gutterBottom>
          Cancelled by{' '}
          <EntityName entityRef={run.cancelledBy} defaultKind="user" />
        </Typography>
      )}
      <ol className={classes.list} aria-label="State history">
        {rowsOf(run).map(row => (
          <li key={row.key} className={classes.item}>
            <Box display="flex" flexWrap="wrap" style={{ columnGap: 12 }}>
              <Typography variant="subtitle2" component="span">
                {row.title}
              </Typography>
              <Typography variant="body2" component="span">
                <RelativeTime iso={row.at} />
              </Typography>
            </Box>
            {row.notes.length > 0 && (
              <Typography variant="body2" color="textSecondary">
                {row.notes.map((note, i) => (
                  <span key={i}>
                    {i > 0 && ' · '}
                    {note}
                  </span>
                ))}
              </Typography>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
