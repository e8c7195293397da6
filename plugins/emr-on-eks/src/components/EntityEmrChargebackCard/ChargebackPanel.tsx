import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { CostForecast, CostReport } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useId, useMemo, useState, type JSX } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isNotVisible } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { formatChange, formatMoney } from '../../lib/money';
import { CostDay, isEstimatedDay, toCostDays } from './chartData';
import { SectionErrorBoundary } from '../SectionErrorBoundary';
import { CostChart } from './CostChart';
import { CostTarget } from './costTarget';
import { ForecastSummary } from './ForecastSummary';
import { useForecast } from './useForecast';
import { CsvDownloadButton } from './CsvDownloadButton';
import {
  COST_PERIODS,
  CostPeriodValue,
  DayRange,
  periodRange,
  rangeLength,
  readPeriod,
  todayUtc,
  writePeriod,
} from './periods';
import { jobGroups } from './jobGroups';
import { isCostsConfigured } from './reports';
import { TopJobs } from './TopJobs';
import { Chargeback, useChargeback } from './useChargeback';
import { useTenantHidden } from './useTenantHidden';

/** Props of {@link ChargebackPanel}. */
export interface ChargebackPanelProps {
  target: CostTarget;
  /** Names the scope in messages: `daily-sales`, `tenant team-a`. */
  scopeLabel: string;
  title?: string;
  /**
   * The tenant an entity's runs go to (its annotation), to tell who may not
   * see it that, rather than "no costs".
   */
  tenant?: string;
}

function refreshedHint(report: CostReport): string {
  return report.refreshedAt
    ? `Costs were last rolled up at ${formatTime(report.refreshedAt)}.`
    : 'The cost rollup has not run yet: costs appear after its first run.';
}

function billedCaption(report: CostReport, anyEstimated: boolean): string {
  if (report.completeThrough) {
    return anyEstimated
      ? `Billed through ${report.completeThrough}: hatched amounts are estimates until the bill covers their day.`
      : `Billed through ${report.completeThrough}.`;
  }
  return anyEstimated
    ? 'No bill yet: hatched amounts are estimates until the bill covers their day.'
    : '';
}

function Figures(props: {
  data: Extract<Chargeback, { kind: 'report' }>;
  range: DayRange;
  days: CostDay[];
}) {
  const { data, range, days } = props;
  const { current, previous } = data;
  // Days after the bill: compute from Kubecost or OpenCost is final there,
  // the EMR uplift an estimate; both are hatched in the chart.
  const unbilled = days
    .filter(
      day =>
        current.completeThrough === null || day.date > current.completeThrough,
    )
    .reduce((sum, day) => sum + day.total, 0);
  const money = (amount: number) => formatMoney(amount, current.currency);
  const change = formatChange(current.total, previous.total);
  const length = rangeLength(range);
  return (
    <Box mb={2}>
      <Typography variant="overline" component="h3">
        Total, {range.from} to {range.to}
      </Typography>
      <Typography variant="h4" component="p" data-testid="cost-total">
        {money(current.total)}
      </Typography>
      {change && (
        <Typography variant="body2" color="textSecondary">
          {`${change} against the previous ${length} ${
            length === 1 ? 'day' : 'days'
          } (${money(previous.total)})`}
        </Typography>
      )}
      {unbilled > 0 && (
        <Typography variant="body2" color="textSecondary">
          {`Of which ${money(unbilled)} not billed yet${
            current.completeThrough ? ` (after ${current.completeThrough})` : ''
          }`}
        </Typography>
      )}
      {/* Under half a cent it would read $0.00: say nothing. */}
      {current.estimatedTotal >= 0.005 && (
        <Typography variant="body2" color="textSecondary">
          {`EMR uplift estimated at ${money(current.estimatedTotal)} (${money(
            current.estimatedRange.low,
          )} to ${money(
            current.estimatedRange.high,
          )}) until the bill covers its days`}
        </Typography>
      )}
      {current.spotSavings !== null && (
        <Typography variant="body2">
          {current.spotSavings >= 0
            ? `Spot saved ${money(current.spotSavings)} against On-Demand`
            : `Spot cost ${money(-current.spotSavings)} more than On-Demand`}
        </Typography>
      )}
    </Box>
  );
}

/** The budget's daily line, when the forecast has a budget in the report's currency. */
function budgetLineOf(report: CostReport, forecast: CostForecast | undefined) {
  const budget = forecast?.budget;
  if (!budget || budget.currency !== report.currency) {
    return undefined;
  }
  return {
    perDay: budget.amount / forecast.daysInMonth,
    monthly: budget.amount,
    daysInMonth: forecast.daysInMonth,
  };
}

function Report(props: {
  data: Extract<Chargeback, { kind: 'report' }>;
  range: DayRange;
  forecast?: CostForecast;
}) {
  const { data, range, forecast } = props;
  const { current } = data;
  const days = useMemo(() => toCostDays(current), [current]);
  const budgetLine = budgetLineOf(current, forecast);
  const caption = billedCaption(current, days.some(isEstimatedDay));
  // A section per boundary: a chart that fails to draw leaves the figures
  // and the top jobs in place.
  return (
    <>
      <SectionErrorBoundary title="Totals">
        <Figures data={data} range={range} days={days} />
      </SectionErrorBoundary>
      <SectionErrorBoundary title="Daily costs">
        <CostChart
          days={days}
          total={current.total}
          currency={current.currency}
          completeThrough={current.completeThrough}
          budgetLine={budgetLine}
        />
        {caption && (
          <Typography variant="caption" color="textSecondary" component="p">
            {caption}
          </Typography>
        )}
      </SectionErrorBoundary>
      <Box mt={2}>
        <SectionErrorBoundary title="Top jobs">
          <TopJobs
            groups={jobGroups(data.jobs)}
            currency={data.jobs.currency}
          />
        </SectionErrorBoundary>
      </Box>
    </>
  );
}

/**
 * The costs of a target over a period chosen on the card (kept in the URL):
 * total and change, daily chart, top jobs, Spot savings and CSV export, or
 * what is missing.
 */
export function ChargebackPanel(props: ChargebackPanelProps) {
  const { target, scopeLabel, title = 'EMR on EKS costs', tenant } = props;
  const [searchParams, setSearchParams] = useSearchParams();
  const period = readPeriod(searchParams);
  const today = todayUtc();
  const range = useMemo(() => periodRange(period, today), [period, today]);
  const state = useChargeback(target, range);
  const [reloads, setReloads] = useState(0);
  const forecast = useForecast(target, reloads);
  const tenantHidden = useTenantHidden(
    target.kind === 'entity' ? tenant : undefined,
  );
  const periodId = useId();

  const data = state.value;
  const report = data?.kind === 'report' ? data : undefined;
  const configured = report ? isCostsConfigured(report.current) : false;
  const showData =
    !state.error &&
    !state.loading &&
    report &&
    configured &&
    report.current.rows.length > 0;

  const notYours =
    (state.error && isNotVisible(state.error)) ||
    (tenantHidden === true && report?.current.rows.length === 0);

  let body: JSX.Element;
  if (notYours) {
    body = (
      <EmptyState
        missing="info"
        title="You may not see these costs"
        description="Costs are shown to the members of the team that owns the tenant and to platform admins."
      />
    );
  } else if (state.error) {
    body = <ResponseErrorPanel error={state.error} />;
  } else if (state.loading || !data) {
    body = <Progress />;
  } else if (data.kind === 'no-tenants') {
    body = (
      <EmptyState
        missing="data"
        title="No tenants"
        description={`${scopeLabel} owns no EMR on EKS tenant whose costs you may see.`}
      />
    );
  } else if (!configured) {
    body = (
      <EmptyState
        missing="field"
        title="Costs are not configured"
        description="Costs are not configured: a platform admin sets emrOnEks.costs"
      />
    );
  } else if (data.current.rows.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title={`No costs for ${scopeLabel} in this period yet`}
        description={refreshedHint(data.current)}
      />
    );
  } else {
    body = <Report data={data} range={range} forecast={forecast.value} />;
  }

  const setPeriod = (next: CostPeriodValue) =>
    setSearchParams(writePeriod(searchParams, next), { replace: true });

  return (
    <InfoCard
      title={title}
      subheader={showData ? refreshedHint(report.current) : undefined}
      action={
        <IconButton
          aria-label="Refresh costs"
          onClick={() => {
            state.reload();
            setReloads(n => n + 1);
          }}
        >
          <RefreshIcon />
        </IconButton>
      }
    >
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        justifyContent="space-between"
        mb={2}
        style={{ gap: 16 }}
      >
        <TextField
          id={periodId}
          select
          label="Period"
          value={period}
          onChange={e => setPeriod(e.target.value as CostPeriodValue)}
          SelectProps={{ native: true }}
          style={{ minWidth: 160 }}
        >
          {COST_PERIODS.map(p => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </TextField>
        {showData && (
          <CsvDownloadButton
            scopes={report.csvScopes}
            range={range}
            name={scopeLabel}
          />
        )}
      </Box>
      {target.kind === 'tenant' && !notYours && configured && (
        <ForecastSummary
          tenant={target.tenant}
          loading={forecast.loading}
          error={forecast.error}
          forecast={forecast.value}
        />
      )}
      {body}
    </InfoCard>
  );
}
