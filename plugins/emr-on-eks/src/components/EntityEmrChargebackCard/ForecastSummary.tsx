import { Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CostForecast,
  emrOnEksTenantGuardrailsUpdatePermission,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { formatPercent } from '../../lib/budget';
import { backendMessage, isNotVisible } from '../../lib/errors';
import { formatMoney } from '../../lib/money';
import { BudgetStateLabel } from '../StatusLabel';

/** `November 2026` for `2026-11`, in UTC. */
export function monthName(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? month
    : date.toLocaleString(undefined, {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
}

/** For platform admins: where a tenant's budget is set. */
function NoBudgetHint(props: { tenant: string }) {
  const canSet = usePermission({
    permission: emrOnEksTenantGuardrailsUpdatePermission,
    resourceRef: props.tenant,
  });
  if (!canSet.allowed) {
    return null;
  }
  return (
    <Typography variant="body2" color="textSecondary">
      {`No budget is set for ${props.tenant}. Set one on the EMR on EKS page: open tenant ${props.tenant}, then Budget.`}
    </Typography>
  );
}

/**
 * The month's forecast of a tenant (the amount and its low–high band), and
 * where it stands against the tenant's budget when it has one: the state in
 * words and icon, with the percentages.
 */
export function ForecastSummary(props: {
  tenant: string;
  loading: boolean;
  error?: Error;
  forecast?: CostForecast;
}) {
  const { tenant, loading, error, forecast } = props;
  if (error) {
    // Not the tenant's reader: the card says so already.
    return isNotVisible(error) ? null : (
      <Alert severity="warning">
        {`The forecast could not be loaded: ${backendMessage(error)}`}
      </Alert>
    );
  }
  if (!forecast) {
    return loading ? <Progress aria-label="Loading the forecast" /> : null;
  }
  const money = (amount: number) => formatMoney(amount, forecast.currency);
  const { budget, status } = forecast;
  const over = forecast.daysElapsed >= forecast.daysInMonth;
  return (
    <Box mb={2} component="section" aria-label="Forecast and budget">
      <Typography variant="overline" component="h3">
        {over
          ? `${monthName(forecast.month)}, whole month`
          : `Forecast for ${monthName(forecast.month)}`}
      </Typography>
      <Typography variant="h5" component="p" data-testid="forecast-amount">
        {money(forecast.forecast.amount)}
      </Typography>
      {!over && (
        <Typography variant="body2" color="textSecondary">
          {`Likely between ${money(forecast.forecast.low)} and ${money(
            forecast.forecast.high,
          )}; ${money(forecast.monthToDate.total)} so far (day ${
            forecast.daysElapsed
          } of ${forecast.daysInMonth})`}
        </Typography>
      )}
      {budget && status ? (
        <Box mt={0.5}>
          <Typography variant="body2" component="div">
            <BudgetStateLabel
              state={status.state}
              detail={`: ${formatPercent(
                status.actualPercent,
              )} of the ${formatMoney(
                budget.amount,
                budget.currency,
              )} monthly budget spent, forecast ${formatPercent(
                status.forecastPercent,
              )}`}
            />
          </Typography>
          <Typography variant="caption" color="textSecondary" component="p">
            {`The owners are told at ${budget.thresholds
              .map(t => `${t}%`)
              .join(', ')} of the budget.`}
          </Typography>
        </Box>
      ) : (
        <NoBudgetHint tenant={tenant} />
      )}
    </Box>
  );
}
