import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  isTerminalJobRunState,
  JobRun,
  JobRunLogStream,
} from '@spot-spark/plugin-emr-on-eks-common';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { emrOnEksApiRef } from '../../api';
import { isNotVisible } from '../../lib/errors';
import { LogStreamPicker } from './LogStreamPicker';
import { LogStreamView } from './LogStreamView';

/** How often a followed log's tail is fetched again, by default. */
export const DEFAULT_FOLLOW_INTERVAL_MS = 5_000;

/** Props of {@link JobRunLogs}. */
export interface JobRunLogsProps {
  run: JobRun;
  /** Open the driver's stderr at the first line that tells why the run failed. */
  showErrorLine?: boolean;
  followIntervalMs?: number;
}

/** The stream shown first: the driver's stderr (Spark logs there), else the first. */
function firstStream(streams: JobRunLogStream[]): JobRunLogStream | undefined {
  return (
    streams.find(s => s.role === 'driver' && s.stream === 'stderr') ??
    streams[0]
  );
}

/** The Logs tab of a run: its containers' stdout and stderr. */
export function JobRunLogs(props: JobRunLogsProps) {
  const {
    run,
    showErrorLine = false,
    followIntervalMs = DEFAULT_FOLLOW_INTERVAL_MS,
  } = props;
  const api = useApi(emrOnEksApiRef);
  const live = !isTerminalJobRunState(run.state);
  // Listed again when the run's state changes (the drawer fetches the run
  // again while it is live): containers' logs appear as they start. The
  // stream shown stays meanwhile.
  const streams = useAsync(
    () => api.listJobRunLogs(run.id),
    [api, run.id, run.state],
  );
  const [picked, setPicked] = useState<JobRunLogStream>();
  const [follow, setFollow] = useState(true);

  if (streams.error) {
    return isNotVisible(streams.error) ? (
      <Alert severity="warning">
        Logs are not available: run {run.id} is not found, or you may not see
        it.
      </Alert>
    ) : (
      <ResponseErrorPanel error={streams.error} />
    );
  }
  if (!streams.value) {
    return <Progress />;
  }
  const { items, emptyReason } = streams.value;
  const selected =
    (picked && items.find(s => s.id === picked.id)) ?? firstStream(items);
  if (!selected) {
    return (
      <Typography role="status">
        {emptyReason ?? 'No logs yet: EMR writes them once a container starts.'}
      </Typography>
    );
  }
  const isDriverStderr =
    selected.role === 'driver' && selected.stream === 'stderr';

  return (
    <>
      <LogStreamPicker
        streams={items}
        selected={selected}
        onSelect={setPicked}
      />
      {live && (
        <FormControlLabel
          control={
            <Switch
              checked={follow}
              onChange={(_, checked) => setFollow(checked)}
            />
          }
          label="Follow while the run is live"
        />
      )}
      <LogStreamView
        key={selected.id}
        run={run}
        stream={selected}
        follow={live && follow}
        followIntervalMs={followIntervalMs}
        showErrorLine={showErrorLine && isDriverStderr}
      />
    </>
  );
}
