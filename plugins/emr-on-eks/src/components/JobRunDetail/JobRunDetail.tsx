import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useId, useState } from 'react';
import { useAutoRefresh, useJobRun } from '../../hooks';
import { isNotVisible } from '../../lib/errors';
import { useFocusRing } from '../../lib/focus';
import {
  JobRunActions,
  JobRunActionsProvider,
  JobRunChange,
} from '../JobRunActions';
import { SectionErrorBoundary } from '../SectionErrorBoundary';
import { JobRunLogs } from './JobRunLogs';
import { RunOverview } from './RunOverview';
import { SparkUiButton } from './SparkUiButton';

/** Props of {@link JobRunDetail}. */
export interface JobRunDetailProps {
  /** The run to show, loaded by id (it need not be on the list's page). */
  runId: string;
  /** The list's row of the run, if it is on the page: shown at once. */
  summary?: JobRun;
  /**
   * How often the run is fetched again while it is not finished; 0 turns it
   * off. Paused while the page is hidden.
   */
  refreshIntervalMs: number;
  /** How often a followed log is fetched again (default 5 s). */
  followIntervalMs?: number;
  onClose(): void;
  /** Told when the drawer cancels or re-runs the run, for the list to refresh. */
  onChange?(change: JobRunChange): void;
}

type TabId = 'overview' | 'logs';

/** The run's tabs: what it is, and what it wrote. */
function RunTabs(props: {
  run: JobRun;
  summaryOnly: boolean;
  followIntervalMs?: number;
}) {
  const { run, summaryOnly, followIntervalMs } = props;
  const id = useId();
  const focus = useFocusRing();
  const [tab, setTab] = useState<TabId>('overview');
  // Each "show the error line" opens the Logs tab afresh at that line.
  const [errorLineRequest, setErrorLineRequest] = useState(0);
  const tabProps = (value: TabId, label: string) => ({
    value,
    label,
    id: `${id}-${value}-tab`,
    'aria-controls': `${id}-${value}-panel`,
    // No focus ripple (see ConfirmDialog); the ring shows keyboard focus.
    disableFocusRipple: true,
    focusVisibleClassName: focus.focusVisible,
  });
  const panel = (value: TabId, children: ReactNode) => (
    <div
      role="tabpanel"
      id={`${id}-${value}-panel`}
      aria-labelledby={`${id}-${value}-tab`}
      hidden={tab !== value}
    >
      {tab === value && children}
    </div>
  );
  return (
    <>
      <Tabs
        value={tab}
        onChange={(_, value: TabId) => setTab(value)}
        indicatorColor="primary"
        aria-label="Run details"
      >
        <Tab {...tabProps('overview', 'Overview')} />
        <Tab {...tabProps('logs', 'Logs')} />
      </Tabs>
      {panel(
        'overview',
        <RunOverview
          run={run}
          summaryOnly={summaryOnly}
          onShowErrorLine={() => {
            setErrorLineRequest(n => n + 1);
            setTab('logs');
          }}
        />,
      )}
      {panel(
        'logs',
        <Box mt={2}>
          <SectionErrorBoundary title="Logs">
            <JobRunLogs
              key={errorLineRequest}
              run={run}
              showErrorLine={errorLineRequest > 0}
              followIntervalMs={followIntervalMs}
            />
          </SectionErrorBoundary>
        </Box>,
      )}
    </>
  );
}

/**
 * A drawer with everything known about one run: its actions (Spark UI,
 * cancel, re-run), an overview and its logs; fetched again while the run is
 * not finished. Key it by `runId`: another run starts from scratch.
 */
export function JobRunDetail(props: JobRunDetailProps) {
  const { runId, refreshIntervalMs, followIntervalMs, onClose, onChange } =
    props;
  const titleId = useId();
  const full = useJobRun(runId);
  // The list's row shows at once; the single GET adds the request. A run the
  // user may no longer see shows nothing of the row either.
  const summary = props.summary?.id === runId ? props.summary : undefined;
  const run = full.error ? undefined : full.value ?? summary;
  useAutoRefresh(
    !!run && !isTerminalJobRunState(run.state),
    refreshIntervalMs,
    full.reload,
  );

  let body: ReactNode;
  if (full.error) {
    body = isNotVisible(full.error) ? (
      <Alert severity="warning">
        Run {runId} is not found, or you may no longer see it.
      </Alert>
    ) : (
      <ResponseErrorPanel error={full.error} />
    );
  } else if (!run) {
    body = <Progress />;
  } else {
    body = (
      <>
        <SectionErrorBoundary title="Actions">
          <JobRunActionsProvider
            tenants={[run.tenant]}
            onChange={change => {
              full.reload();
              onChange?.(change);
            }}
          >
            <Box
              display="flex"
              flexWrap="wrap"
              style={{ gap: 8 }}
              mb={2}
              role="group"
              aria-label="Run actions"
            >
              <SparkUiButton run={run} />
              <JobRunActions run={run} variant="buttons" />
            </Box>
          </JobRunActionsProvider>
        </SectionErrorBoundary>
        <RunTabs
          run={run}
          summaryOnly={!full.value}
          followIntervalMs={followIntervalMs}
        />
      </>
    );
  }

  return (
    <Drawer
      anchor="right"
      open
      onClose={onClose}
      PaperProps={{
        role: 'dialog',
        'aria-labelledby': titleId,
        style: { width: 'min(760px, 100vw)', overflowX: 'hidden' },
      }}
    >
      <Box p={{ xs: 2, sm: 3 }}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography
            variant="h5"
            component="h2"
            id={titleId}
            style={{ overflowWrap: 'anywhere' }}
          >
            Job run {run?.name ?? runId}
          </Typography>
          <IconButton aria-label="Close details" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Box>
        {body}
      </Box>
    </Drawer>
  );
}
