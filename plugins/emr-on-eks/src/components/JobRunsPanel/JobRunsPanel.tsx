import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  isTerminalJobRunState,
  JobRun,
} from '@spot-spark/plugin-emr-on-eks-common';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useCallback, useMemo, type JSX } from 'react';
import { useSearchParams } from 'react-router-dom';
import useLatest from 'react-use/esm/useLatest';
import {
  JobRunScope,
  useAutoRefresh,
  useCursorPager,
  useJobRuns,
} from '../../hooks';
import { isNotVisible } from '../../lib/errors';
import {
  JobRunFilters,
  readFilters,
  readOpenRun,
  serverFilterKey,
  writeFilters,
  writeOpenRun,
} from '../../lib/filters';
import { JobRunActionsProvider, JobRunChange } from '../JobRunActions';
import { JobRunDetail } from '../JobRunDetail';
import { JobRunFiltersBar } from '../JobRunFilters';
import { JobRunsTable } from '../JobRunsTable';
import { Pager } from '../Pager';
import { useRunCosts } from './useRunCosts';

/** Default of `refreshIntervalMs`. */
export const DEFAULT_REFRESH_INTERVAL_MS = 10_000;

/** Props of {@link JobRunsPanel}. */
export interface JobRunsPanelProps {
  scope: JobRunScope;
  /** The tenant the runs are submitted to, for the empty state's hint. */
  tenant: string;
  title?: string;
  /**
   * How often the list, and the open run's details, refresh while a shown run
   * is not finished; 0 turns it off.
   */
  refreshIntervalMs?: number;
  /** Runs per page (1-200). */
  pageSize?: number;
}

const NO_RUNS: JobRun[] = [];

function hasFilters(filters: JobRunFilters): boolean {
  return (
    filters.states.length > 0 || filters.range !== '' || filters.name !== ''
  );
}

/**
 * Job runs of an entity or a tenant: filters and the open run's details kept
 * in the URL, cursor pagination, actions, and refresh while runs are active.
 */
export function JobRunsPanel(props: JobRunsPanelProps) {
  const {
    scope,
    tenant,
    title = 'EMR job runs',
    refreshIntervalMs = DEFAULT_REFRESH_INTERVAL_MS,
    pageSize = 20,
  } = props;
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => readFilters(searchParams), [searchParams]);
  const scopeKey =
    scope.kind === 'entity' ? scope.entityRef : `tenant:${scope.tenant}`;
  const pager = useCursorPager(`${scopeKey}|${serverFilterKey(filters)}`);
  const runs = useJobRuns({
    scope,
    filters,
    cursor: pager.cursor,
    limit: pageSize,
  });
  const openRunId = readOpenRun(searchParams);

  const items = runs.value?.items ?? NO_RUNS;
  // One cost report for the page (the name filter does not change it).
  const costs = useRunCosts(scope, items);
  // The API has no name filter: the name filters the runs of this page only.
  const needle = filters.name.trim().toLowerCase();
  const shown = needle
    ? items.filter(run => run.name.toLowerCase().includes(needle))
    : items;

  // The card's tenant, and any other of the runs shown (an entity's runs may
  // be in several tenants).
  const tenants = [tenant, ...shown.map(run => run.tenant)];

  const refreshing = useAutoRefresh(
    !runs.error && shown.some(run => !isTerminalJobRunState(run.state)),
    refreshIntervalMs,
    runs.reload,
  );

  const setFilters = (next: JobRunFilters) =>
    setSearchParams(writeFilters(searchParams, next), { replace: true });

  const { reload } = runs;
  const { reset } = pager;
  const onChange = useCallback(
    (change: JobRunChange) => {
      if (change.kind === 'resubmitted') {
        // The new run is the newest: show the first page.
        reset();
      }
      reload();
    },
    [reload, reset],
  );
  // Stable, so the memoised rows do not re-render when the URL changes.
  const url = useLatest({ searchParams, setSearchParams });
  const onOpen = useCallback(
    (run: JobRun) =>
      // A history entry: Back closes the details.
      url.current.setSearchParams(
        writeOpenRun(url.current.searchParams, run.id),
      ),
    [url],
  );
  const onClose = () =>
    setSearchParams(writeOpenRun(searchParams, undefined), { replace: true });

  let body: JSX.Element;
  if (runs.error) {
    body = isNotVisible(runs.error) ? (
      <WarningPanel
        severity="info"
        title="Job runs are not available"
        message={`Tenant ${tenant} does not exist, or you may not see its job runs.`}
      />
    ) : (
      <ResponseErrorPanel error={runs.error} />
    );
  } else if (!runs.value) {
    body = <Progress />;
  } else if (items.length === 0 && pager.page === 1 && !hasFilters(filters)) {
    body = (
      <EmptyState
        missing="data"
        title="No runs yet"
        description={`No runs yet: submit one with POST /api/emr-on-eks/tenants/${tenant}/job-runs or the Spot-ready Spark template.`}
      />
    );
  } else if (shown.length === 0) {
    body = (
      <Typography role="status">
        {items.length > 0
          ? `No run on this page has a name containing "${filters.name}".`
          : 'No runs match these filters.'}
      </Typography>
    );
  } else {
    body = (
      <JobRunsTable title={title} runs={shown} onOpen={onOpen} costs={costs} />
    );
  }

  return (
    <InfoCard
      title={title}
      subheader={
        refreshing
          ? `Refreshing every ${Math.round(
              refreshIntervalMs / 1000,
            )} s while runs are active`
          : undefined
      }
      action={
        <IconButton aria-label="Refresh job runs" onClick={runs.reload}>
          <RefreshIcon />
        </IconButton>
      }
    >
      <JobRunFiltersBar filters={filters} onChange={setFilters} />
      {/* Here, not in the table: the card's tenant is checked while the
          list loads, so the rows come with their actions. */}
      <JobRunActionsProvider tenants={tenants} onChange={onChange}>
        {body}
      </JobRunActionsProvider>
      {!runs.error && (
        <Pager
          page={pager.page}
          hasPrevious={pager.hasPrevious}
          nextCursor={runs.value?.nextCursor}
          onPrevious={pager.previous}
          onNext={pager.next}
        />
      )}
      {openRunId && (
        <JobRunDetail
          key={openRunId}
          runId={openRunId}
          summary={items.find(run => run.id === openRunId)}
          refreshIntervalMs={refreshIntervalMs}
          onClose={onClose}
        />
      )}
    </InfoCard>
  );
}
