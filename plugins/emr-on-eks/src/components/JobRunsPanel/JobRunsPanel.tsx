import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
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
  useTenantIfVisible,
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
import { SectionErrorBoundary } from '../SectionErrorBoundary';
import { SubmitRunButton } from '../SubmitJobRun';
import { JobRunsNotAvailable } from './JobRunsNotAvailable';
import { JobRunsSignals, useSignalsAvailable } from './JobRunsSignals';
import { useRunCosts } from './useRunCosts';

/** Default of `refreshIntervalMs`. */
export const DEFAULT_REFRESH_INTERVAL_MS = 10_000;

/** Props of {@link JobRunsPanel}. */
export interface JobRunsPanelProps {
  scope: JobRunScope;
  /** The tenant the runs are submitted to (the Submit run button's). */
  tenant: string;
  title?: string;
  /**
   * How often the list, and the open run's details, refresh while a shown run
   * is not finished, when the app has no signals; 0 turns it off.
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

function subheaderOf(live: boolean, refreshing: boolean, intervalMs: number) {
  if (live) {
    return 'Updates as runs change';
  }
  return refreshing
    ? `Refreshing every ${Math.round(
        intervalMs / 1000,
      )} s while runs are active`
    : undefined;
}

/**
 * Job runs of an entity or a tenant: filters and the open run's details kept
 * in the URL, cursor pagination, actions, a form to submit a run, and live
 * updates (Backstage signals, or a timer while runs are active in an app
 * without them). Who may not see the tenant sees that, not an empty list.
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
  // The card's tenant: its uid (signals), its limits (the submit form), and
  // whether the user may see it at all.
  const cardTenant = useTenantIfVisible(tenant);
  const openRunId = readOpenRun(searchParams);

  const items = runs.value?.items ?? NO_RUNS;
  const costs = useRunCosts(scope, items);

  // An entity's list leaves out the runs of tenants the user may not read:
  // empty, with the tenant hidden, is "not available", as on the tenant's
  // own page (where the list answers 404).
  const hidden =
    (runs.error && isNotVisible(runs.error)) ||
    (scope.kind === 'entity' &&
      !runs.error &&
      !!runs.value &&
      items.length === 0 &&
      !cardTenant.loading &&
      !cardTenant.error &&
      cardTenant.value === undefined);

  // The card's tenant, and any other of the runs shown (an entity's runs may
  // be in several tenants).
  const tenants = [tenant, ...items.map(run => run.tenant)];
  const tenantUids = [
    ...(cardTenant.value ? [cardTenant.value.uid] : []),
    ...items.map(run => run.tenantUid),
  ];

  const live = useSignalsAvailable();
  const refreshing = useAutoRefresh(
    !live &&
      !runs.error &&
      items.some(run => !isTerminalJobRunState(run.state)),
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
  const onSubmitted = useCallback(() => {
    reset();
    reload();
  }, [reload, reset]);
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
  if (hidden) {
    body = <JobRunsNotAvailable tenant={tenant} />;
  } else if (runs.error) {
    body = <ResponseErrorPanel error={runs.error} />;
  } else if (
    !runs.value ||
    (scope.kind === 'entity' && items.length === 0 && cardTenant.loading)
  ) {
    body = <Progress />;
  } else if (items.length === 0 && pager.page === 1 && !hasFilters(filters)) {
    body = (
      <EmptyState
        missing="data"
        title="No runs yet"
        description={`Runs submitted to tenant ${tenant} appear here, with their state, cost and logs.`}
      />
    );
  } else if (items.length === 0) {
    body = (
      <Typography role="status">
        {filters.name.trim()
          ? `No run matches these filters and has a name containing "${filters.name.trim()}".`
          : 'No runs match these filters.'}
      </Typography>
    );
  } else {
    body = (
      <JobRunsTable title={title} runs={items} onOpen={onOpen} costs={costs} />
    );
  }

  return (
    <InfoCard
      title={title}
      subheader={
        hidden ? undefined : subheaderOf(live, refreshing, refreshIntervalMs)
      }
      action={
        <IconButton aria-label="Refresh job runs" onClick={runs.reload}>
          <RefreshIcon />
        </IconButton>
      }
    >
      {live && !hidden && (
        <JobRunsSignals tenantUids={tenantUids} onSignal={runs.reload} />
      )}
      {!hidden && (
        <JobRunFiltersBar filters={filters} onChange={setFilters}>
          <SubmitRunButton
            tenant={tenant}
            tenantInfo={cardTenant.value}
            entityRef={scope.kind === 'entity' ? scope.entityRef : undefined}
            onSubmitted={onSubmitted}
          />
        </JobRunFiltersBar>
      )}
      {/* Here, not in the table: the card's tenant is checked while the
          list loads, so the rows come with their actions. */}
      {/* A run that fails to render breaks this section, not the card. */}
      <SectionErrorBoundary title="Job runs">
        <JobRunActionsProvider tenants={tenants} onChange={onChange}>
          {body}
        </JobRunActionsProvider>
      </SectionErrorBoundary>
      {!runs.error && !hidden && (
        <Pager
          page={pager.page}
          hasPrevious={pager.hasPrevious}
          nextCursor={runs.value?.nextCursor}
          onPrevious={pager.previous}
          onNext={pager.next}
        />
      )}
      {openRunId && !hidden && (
        <JobRunDetail
          key={openRunId}
          runId={openRunId}
          summary={items.find(run => run.id === openRunId)}
          refreshIntervalMs={refreshIntervalMs}
          onClose={onClose}
          onChange={onChange}
        />
      )}
    </InfoCard>
  );
}
