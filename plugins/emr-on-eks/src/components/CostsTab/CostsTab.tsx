import {
  ContentHeader,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { fetchApiRef, useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useCallback, useId, useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { emrOnEksApiRef } from '../../api';
import { isNotVisible } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { fetchText } from '../EntityEmrChargebackCard/download';
import { DownloadCsvButton } from '../EntityEmrChargebackCard/DownloadCsvButton';
import { monthName } from '../EntityEmrChargebackCard/ForecastSummary';
import { CostsNotAllowed } from './CostsNotAllowed';
import { CostsTable } from './CostsTable';
import { EstimateErrors } from './EstimateErrors';
import { MONTH_PARAM, monthOf, monthsUpTo, readMonth } from './months';
import { splitRows } from './overviewRows';
import { Capacity, Totals } from './Totals';
import { useCostOverview } from './useCostOverview';

/** Months the picker offers, this one first. */
const MONTHS_OFFERED = 13;

// Static classes rather than Boxes (a Box adds a style sheet per instance).
const useStyles = makeStyles(
  {
    controls: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: 16,
    },
  },
  { name: 'EmrOnEksCostsTab' },
);

function CsvButton(props: { month: string }) {
  const api = useApi(emrOnEksApiRef);
  const fetchApi = useApi(fetchApiRef);
  const { month } = props;
  const csv = useCallback(
    async () => fetchText(fetchApi, await api.costOverviewCsvUrl({ month })),
    [api, fetchApi, month],
  );
  return (
    <DownloadCsvButton
      label="Export CSV"
      fileName={`costs-overview-${month}.csv`}
      csv={csv}
    />
  );
}

/** The page's root (the Tenants tab) from the URL of another tab. */
export function tenantsPathOf(pathname: string, tab: string): string {
  return pathname.replace(new RegExp(`/${tab}(/.*)?$`), '') || '/';
}

/**
 * The Costs tab, for platform admins: every tenant's month side by side
 * (total, change, Spot, uplift, budget, forecast), idle and unallocated
 * capacity, how far the estimates were from the bill, and a CSV export. A
 * click on a tenant opens it on the Tenants tab.
 */
export function CostsTab(props: { tabPath: string }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const tenantsPath = tenantsPathOf(pathname, props.tabPath);
  const monthId = useId();
  const classes = useStyles();
  const now = Date.now();
  const month = readMonth(searchParams, now);
  const months = useMemo(
    () => monthsUpTo(monthOf(now), MONTHS_OFFERED),
    // A new list once a month, not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [monthOf(now)],
  );
  // Made while the overview loads, not again when it comes: each name
  // formats a date (toLocaleString), a cost paid in the render that counts.
  const monthOptions = useMemo(
    () =>
      (months.includes(month) ? months : [month, ...months]).map(m => (
        <option key={m} value={m}>
          {monthName(m)}
        </option>
      )),
    [months, month],
  );
  const overview = useCostOverview(month);
  const split = useMemo(
    () => (overview.value ? splitRows(overview.value.rows) : undefined),
    [overview.value],
  );
  const open = useCallback(
    (tenant: string) => {
      navigate(`${tenantsPath}?tenant=${encodeURIComponent(tenant)}`);
    },
    [navigate, tenantsPath],
  );

  if (overview.error && isNotVisible(overview.error)) {
    return <CostsNotAllowed tenantsPath={tenantsPath} />;
  }

  let body;
  if (overview.error) {
    body = <ResponseErrorPanel error={overview.error} />;
  } else if (!overview.value || !split) {
    body = <Progress />;
  } else if (overview.value.rows.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title={`No costs for ${monthName(month)}`}
        description={
          overview.value.refreshedAt
            ? `Costs were last rolled up at ${formatTime(
                overview.value.refreshedAt,
              )}; no tenant had costs or a budget in this month.`
            : 'The cost rollup has not run yet, or costs are not configured (emrOnEks.costs).'
        }
      />
    );
  } else {
    const value = overview.value;
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Totals overview={value} />
          <Typography variant="body2" color="textSecondary">
            {[
              value.completeThrough
                ? `Billed through ${value.completeThrough}; later days are estimates.`
                : 'No bill yet: the amounts are estimates.',
              value.refreshedAt
                ? `Rolled up at ${formatTime(value.refreshedAt)}.`
                : '',
            ]
              .filter(Boolean)
              .join(' ')}
          </Typography>
        </Grid>
        <Grid item xs={12}>
          <CostsTable
            rows={split.tenants}
            currency={value.currency}
            onSelect={open}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Capacity no tenant used">
            <Capacity overview={value} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Estimate against the bill">
            <EstimateErrors
              errors={value.estimateErrors}
              currency={value.currency}
            />
          </InfoCard>
        </Grid>
      </Grid>
    );
  }

  return (
    <>
      <ContentHeader
        title="Costs"
        description="Every tenant's month side by side, with what no tenant used"
      >
        <div className={classes.controls}>
          <TextField
            id={monthId}
            select
            label="Month"
            value={month}
            onChange={e => {
              const next = new URLSearchParams(searchParams);
              next.set(MONTH_PARAM, e.target.value);
              setSearchParams(next, { replace: true });
            }}
            SelectProps={{ native: true }}
            style={{ minWidth: 180 }}
          >
            {monthOptions}
          </TextField>
          {overview.value && overview.value.rows.length > 0 && (
            <CsvButton month={month} />
          )}
        </div>
      </ContentHeader>
      {body}
    </>
  );
}
