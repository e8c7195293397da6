import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ExecutorLoss,
  JobRun,
  SpotInterruptions,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { emrOnEksApiRef } from '../../api';
import { isNotVisible } from '../../lib/errors';
import { formatDuration, formatTime } from '../../lib/format';

const useStyles = makeStyles(
  theme => ({
    track: {
      position: 'relative',
      height: 16,
      margin: theme.spacing(1, 0),
      borderRadius: 8,
      background: theme.palette.action.hover,
    },
    mark: {
      position: 'absolute',
      top: 2,
      width: 12,
      height: 12,
      marginLeft: -6,
      borderRadius: '50%',
    },
    spot: { background: theme.palette.warning.main },
    other: { background: theme.palette.text.secondary },
    list: { margin: 0, paddingLeft: theme.spacing(2.5) },
    item: { overflowWrap: 'anywhere' },
  }),
  { name: 'EmrOnEksSpotLosses' },
);

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

function summaryOf(value: SpotInterruptions): string {
  if (value.spotLosses === 0 && value.otherLosses === 0) {
    return 'No executor was lost.';
  }
  return `${plural(
    value.spotLosses,
    'executor',
    'executors',
  )} lost to Spot interruptions, ${value.otherLosses} for other reasons.`;
}

/** Where a time falls between the run's start and end, in percent. */
function position(at: string, start: number, end: number): number {
  const t = Date.parse(at);
  if (Number.isNaN(t) || end <= start) {
    return 0;
  }
  return Math.min(100, Math.max(0, ((t - start) / (end - start)) * 100));
}

function Timeline(props: { run: JobRun; losses: ExecutorLoss[] }) {
  const { run, losses } = props;
  const classes = useStyles();
  const start = Date.parse(run.createdAt);
  const end = Date.parse(run.finishedAt ?? run.updatedAt);
  const timed = losses.filter(loss => loss.at);
  return (
    <>
      {/* A picture of the list below, which is what screen readers read. */}
      <div className={classes.track} aria-hidden="true">
        {timed.map((loss, i) => (
          <span
            key={i}
            className={`${classes.mark} ${
              loss.cause === 'spot' ? classes.spot : classes.other
            }`}
            style={{ left: `${position(loss.at!, start, end)}%` }}
            title={`Executor ${loss.executorId}, ${formatTime(loss.at)}`}
          />
        ))}
      </div>
      <ol className={classes.list} aria-label="Executor losses">
        {losses.map((loss, i) => (
          <li key={i} className={classes.item}>
            <Typography variant="body2">
              {loss.at ? (
                <time dateTime={loss.at} title={formatTime(loss.at)}>
                  {`+${formatDuration(Date.parse(loss.at) - start)}`}
                </time>
              ) : (
                'time unknown'
              )}
              {`: executor ${loss.executorId}, ${
                loss.cause === 'spot' ? 'Spot interruption' : 'other cause'
              }`}
            </Typography>
            <Typography variant="caption" color="textSecondary">
              {loss.line}
            </Typography>
          </li>
        ))}
      </ol>
    </>
  );
}

/**
 * Executors the run lost, to Spot interruptions and otherwise, as the
 * driver's log tells: how many, and when after the start, so a team sees
 * what Spot cost it.
 */
export function SpotLosses(props: { run: JobRun }) {
  const { run } = props;
  const api = useApi(emrOnEksApiRef);
  const losses = useAsync(
    () => api.getSpotInterruptions(run.id),
    [
      api,
      run.id,
      // Asked again when the run ends: the whole driver log is there then.
      run.finishedAt,
    ],
  );
  if (losses.error) {
    return isNotVisible(losses.error) ? (
      <Typography variant="body2">
        Not available: the run is not found, or you may not see it.
      </Typography>
    ) : (
      <ResponseErrorPanel error={losses.error} />
    );
  }
  if (!losses.value) {
    return <Progress />;
  }
  const value = losses.value;
  if (value.source === 'none') {
    return (
      <Typography variant="body2">
        Not known yet: the count comes from the driver’s log, once EMR has
        written it.
      </Typography>
    );
  }
  return (
    <Box>
      <Typography variant="body2">{summaryOf(value)}</Typography>
      {value.losses.length > 0 && <Timeline run={run} losses={value.losses} />}
    </Box>
  );
}
