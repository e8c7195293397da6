import { LogViewer, ResponseErrorPanel } from '@backstage/core-components';
import { fetchApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { JobRun, JobRunLogStream } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useMemo, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { emrOnEksApiRef } from '../../api';
import { backendMessage, isNotVisible } from '../../lib/errors';
import { useFocusRing } from '../../lib/focus';
import { safeFileName, saveBlob } from '../EntityEmrChargebackCard/download';
import { findErrorLine } from './logText';
import { useLogStream } from './useLogStream';
import { useScrollToLogLine } from './useScrollToLogLine';

/** Props of {@link LogStreamView}. */
export interface LogStreamViewProps {
  run: JobRun;
  stream: JobRunLogStream;
  follow: boolean;
  followIntervalMs: number;
  /** Select and show the first line that tells why the run failed. */
  showErrorLine: boolean;
}

function useDownload(run: JobRun, stream: JobRunLogStream) {
  const api = useApi(emrOnEksApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useAsyncFn(async () => {
    // Through the fetch API, which adds the user's token; a plain link
    // would reach the backend without it.
    const url = await api.jobRunLogDownloadUrl(run.id, stream.id);
    const response = await fetchApi.fetch(url);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    saveBlob(
      await response.blob(),
      `${safeFileName(run.name)}-${safeFileName(stream.container)}-${
        stream.stream
      }.log`,
    );
  }, [api, fetchApi, run.id, run.name, stream]);
}

/**
 * One stream's text in Backstage's LogViewer (search, line numbers, line
 * links, copy, download), with earlier text on demand and the tail followed
 * while the run is live.
 */
export function LogStreamView(props: LogStreamViewProps) {
  const { run, stream, follow, followIntervalMs, showErrorLine } = props;
  const log = useLogStream({
    runId: run.id,
    streamId: stream.id,
    follow,
    followIntervalMs,
  });
  const [download, startDownload] = useDownload(run, stream);
  const focus = useFocusRing();
  const viewer = useRef<HTMLDivElement>(null);
  const text = log.loaded?.text;

  const errorLine = useMemo(
    () =>
      showErrorLine && text !== undefined
        ? findErrorLine(text, run.stateDetails)
        : undefined,
    [showErrorLine, text, run.stateDetails],
  );
  // LogViewer selects the lines of the URL's `#lines-N` when it mounts.
  const wantedHash = errorLine ? `#lines-${errorLine.lineNumber}` : '';
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    if (wantedHash && location.hash !== wantedHash) {
      navigate(
        {
          pathname: location.pathname,
          search: location.search,
          hash: wantedHash,
        },
        { replace: true },
      );
    }
  }, [wantedHash, location, navigate]);
  useScrollToLogLine(viewer, errorLine?.lineNumber);

  if (log.error) {
    return isNotVisible(log.error) ? (
      <Alert severity="warning">
        This log is not available: the run is not found, or you may no longer
        see it.
      </Alert>
    ) : (
      <ResponseErrorPanel error={log.error} />
    );
  }
  if (!log.loaded) {
    return <LinearProgress aria-label={`Loading ${stream.stream}`} />;
  }
  const { loaded } = log;
  const ready = !wantedHash || location.hash === wantedHash;

  return (
    <>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        justifyContent="space-between"
        style={{ gap: 8 }}
        mb={1}
      >
        <Typography variant="body2" role="status">
          {loaded.text === ''
            ? 'This stream is empty so far.'
            : `Characters ${loaded.from.toLocaleString()} to ${loaded.to.toLocaleString()}${
                loaded.total !== undefined
                  ? ` of ${loaded.total.toLocaleString()}`
                  : ''
              }${log.following ? ', following' : ''}`}
        </Typography>
        {loaded.hasEarlier && (
          <Button
            size="small"
            variant="outlined"
            disableFocusRipple
            focusVisibleClassName={focus.focusVisible}
            disabled={log.loadingEarlier}
            onClick={log.loadEarlier}
          >
            Load earlier text
          </Button>
        )}
      </Box>
      {showErrorLine && (
        <Typography variant="body2" gutterBottom>
          {errorLine
            ? `First error line: line ${errorLine.lineNumber} (selected below).`
            : 'No error line in the text loaded: load earlier text to look further back.'}
        </Typography>
      )}
      {log.earlierError && (
        <Alert severity="error">
          Earlier text could not be loaded: {backendMessage(log.earlierError)}
        </Alert>
      )}
      {log.refreshError && (
        <Alert severity="warning">
          The log could not be refreshed: {backendMessage(log.refreshError)}
        </Alert>
      )}
      {download.error && (
        <Alert severity="error" role="alert">
          The download failed: {backendMessage(download.error)}
        </Alert>
      )}
      <div
        ref={viewer}
        aria-label={`${stream.container} ${stream.stream}`}
        role="region"
        style={{ height: 'min(60vh, 560px)', minHeight: 240, width: '100%' }}
      >
        {ready && (
          <LogViewer
            key={wantedHash}
            text={loaded.text}
            onCopyLog={() => navigator.clipboard.writeText(loaded.text)}
            onDownloadLog={startDownload}
          />
        )}
      </div>
    </>
  );
}
