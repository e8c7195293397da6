import {
  CodeSnippet,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import Link from '@material-ui/core/Link';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ReactNode, useId } from 'react';
import { useAutoRefresh, useJobRun, useTenantIfVisible } from '../../hooks';
import { consoleLinks, parseJobRunArn } from '../../lib/consoleLinks';
import { isNotVisible } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { capacityOf, requestedOf } from '../JobRunsTable';
import { JobRunStateLabel } from '../StatusLabel';
import { FactsTable } from '../FactsTable';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box component="section" mt={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** EMR's reason for the run's state, first, as it is what people look for. */
function Reason(props: { run: JobRun }) {
  const { run } = props;
  if (!run.failureReason && !run.stateDetails) {
    return null;
  }
  return (
    <Alert severity={run.state === 'FAILED' ? 'error' : 'info'}>
      <AlertTitle>{run.failureReason ?? run.state}</AlertTitle>
      {run.stateDetails}
    </Alert>
  );
}

/** The state changes this plugin knows of: creation, the end, the last sync. */
function StateHistory(props: { run: JobRun }) {
  const { run } = props;
  const rows: Array<{ event: string; at: string; note?: string }> = [
    {
      event: 'Created',
      at: run.createdAt,
      note: run.submittedBy ? `by ${run.submittedBy}` : `source: ${run.source}`,
    },
  ];
  if (run.finishedAt) {
    rows.push({ event: `Finished (${run.state})`, at: run.finishedAt });
  }
  rows.push({
    event: `Last updated (${run.state})`,
    at: run.updatedAt,
    note: run.stateDetails,
  });
  return (
    <Table size="small" aria-label="State history">
      <TableHead>
        <TableRow>
          <TableCell>Event</TableCell>
          <TableCell>Time</TableCell>
          <TableCell>Details</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(row => (
          <TableRow key={row.event}>
            <TableCell>{row.event}</TableCell>
            <TableCell>
              <time dateTime={row.at}>{formatTime(row.at)}</time>
            </TableCell>
            <TableCell>{row.note ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Facts(props: { run: JobRun }) {
  const { run } = props;
  const facts: Array<[string, ReactNode]> = [
    ['State', <JobRunStateLabel state={run.state} />],
    ['Id', run.id],
    ['EMR job run id', run.emrJobRunId ?? 'not accepted by EMR yet'],
    ['Tenant', run.tenant],
    ['Virtual cluster', run.virtualClusterId],
    ['Release', run.releaseLabel],
    ['Executors', capacityOf(run)],
    ['Requested', requestedOf(run) || 'unknown'],
    ['Entity', run.entityRef ?? ''],
    ['Idempotency key', run.idempotencyKey ?? ''],
    ['ARN', run.arn ?? ''],
  ];
  return <FactsTable label="Run facts" facts={facts} />;
}

function ConsoleLinks(props: { run: JobRun }) {
  const { run } = props;
  const tenant = useTenantIfVisible(run.tenant);
  const arn = parseJobRunArn(run.arn);
  if (!arn) {
    return (
      <Typography variant="body2">
        Console links appear once EMR has accepted the run (it has no ARN yet).
      </Typography>
    );
  }
  if (tenant.loading && !tenant.value) {
    return <Progress />;
  }
  const links = consoleLinks({
    region: arn.region,
    accountId: arn.accountId,
    virtualClusterId: arn.virtualClusterId,
    emrJobRunId: run.emrJobRunId ?? arn.jobRunId,
    logGroupName: tenant.value?.status.logGroupName,
    assetsPrefix: tenant.value?.status.assetsPrefix,
    jobName: run.name,
  });
  return (
    <>
      <List dense aria-label="Console links">
        {links.map(link => (
          <ListItem key={link.kind}>
            <ListItemText
              primary={
                <Link
                  href={link.href}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  {link.title}
                </Link>
              }
              secondary={link.description}
            />
          </ListItem>
        ))}
      </List>
      {!tenant.value && !tenant.error && (
        <Typography variant="body2">
          The log links need read access to tenant {run.tenant}.
        </Typography>
      )}
      {tenant.error && <ResponseErrorPanel error={tenant.error} />}
    </>
  );
}

function Json(props: { value: unknown; missing: string }) {
  if (props.value === undefined) {
    return <Typography variant="body2">{props.missing}</Typography>;
  }
  return (
    <CodeSnippet
      text={JSON.stringify(props.value, null, 2)}
      language="json"
      showCopyCodeButton
      wrapLongLines
    />
  );
}

function Body(props: {
  run: JobRun;
  /** Whether `run` is still the list's row, without the request. */
  summaryOnly: boolean;
}) {
  const { run, summaryOnly } = props;
  return (
    <>
      <Reason run={run} />
      <Section title="State history">
        <StateHistory run={run} />
      </Section>
      <Section title="Console">
        <ConsoleLinks run={run} />
      </Section>
      <Section title="Run">
        <Facts run={run} />
      </Section>
      <Section title="Request as submitted">
        {summaryOnly ? (
          <Progress />
        ) : (
          <Json
            value={run.request}
            missing="No stored request: the run was started outside Backstage."
          />
        )}
      </Section>
      <Section title="StartJobRun sent to EMR">
        {summaryOnly ? (
          <Progress />
        ) : (
          <Json
            value={run.startJobRun}
            missing="Not known for runs started outside Backstage."
          />
        )}
      </Section>
    </>
  );
}

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
  onClose(): void;
}

/**
 * A drawer with everything known about one run, fetched again while the run
 * is not finished. Key it by `runId`: another run starts from scratch.
 */
export function JobRunDetail(props: JobRunDetailProps) {
  const { runId, refreshIntervalMs, onClose } = props;
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
    body = <Body run={run} summaryOnly={!full.value} />;
  }

  return (
    <Drawer
      anchor="right"
      open
      onClose={onClose}
      PaperProps={{
        role: 'dialog',
        'aria-labelledby': titleId,
        style: { width: 'min(760px, 100vw)' },
      }}
    >
      <Box p={3}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="h5" component="h2" id={titleId}>
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
