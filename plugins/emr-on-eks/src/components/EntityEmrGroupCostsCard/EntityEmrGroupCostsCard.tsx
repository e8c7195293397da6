import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useId, useMemo, type JSX } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isNotVisible } from '../../lib/errors';
import { formatMoney, formatShare } from '../../lib/money';
import {
  COST_PERIODS,
  CostPeriodValue,
  periodRange,
  readPeriod,
  todayUtc,
  writePeriod,
} from '../EntityEmrChargebackCard/periods';
import { isCostsConfigured } from '../EntityEmrChargebackCard/reports';
import { tenantShares } from './groupShares';
import { isEmrGroupCostsAvailable } from './isEmrGroupCostsAvailable';
import { useGroupCosts } from './useGroupCosts';

/**
 * Props of {@link EntityEmrGroupCostsCard}.
 *
 * @public
 */
export interface EntityEmrGroupCostsCardProps {
  /** Title of the card; `EMR on EKS costs of the team's tenants` by default. */
  title?: string;
}

/**
 * What a Group's tenants cost over a period: the sum and each tenant's
 * share, from one request.
 */
export function EntityEmrGroupCostsCard(props: EntityEmrGroupCostsCardProps) {
  const { entity } = useEntity();
  const title = props.title ?? 'EMR on EKS costs of the team’s tenants';
  const ownerRef = stringifyEntityRef(entity);
  const [searchParams, setSearchParams] = useSearchParams();
  const period = readPeriod(searchParams);
  const today = todayUtc();
  const range = useMemo(() => periodRange(period, today), [period, today]);
  const isGroup = isEmrGroupCostsAvailable(entity);
  const state = useGroupCosts(isGroup ? ownerRef : undefined, range);
  const periodId = useId();
  const shares = useMemo(
    () => (state.value ? tenantShares(state.value) : []),
    [state.value],
  );
  const name = entity.metadata.title ?? entity.metadata.name;

  let body: JSX.Element;
  if (!isGroup) {
    body = (
      <EmptyState
        missing="info"
        title="Not a Group"
        description="This card sums the tenants a Group owns; show it on Group pages."
      />
    );
  } else if (state.error && isNotVisible(state.error)) {
    body = (
      <EmptyState
        missing="info"
        title="You may not see these costs"
        description="Costs are shown to the members of the team that owns the tenant and to platform admins."
      />
    );
  } else if (state.error) {
    body = <ResponseErrorPanel error={state.error} />;
  } else if (state.loading || !state.value) {
    body = <Progress />;
  } else if (!isCostsConfigured(state.value)) {
    body = (
      <EmptyState
        missing="field"
        title="Costs are not configured"
        description="Costs are not configured: a platform admin sets emrOnEks.costs"
      />
    );
  } else if (shares.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title={`No costs for ${name} in this period`}
        description={`${name} owns no EMR on EKS tenant with costs you may see from ${range.from} to ${range.to}.`}
      />
    );
  } else {
    const report = state.value;
    const money = (amount: number) => formatMoney(amount, report.currency);
    body = (
      <>
        <Typography variant="overline" component="h3">
          {`Total of ${shares.length} ${
            shares.length === 1 ? 'tenant' : 'tenants'
          }, ${range.from} to ${range.to}`}
        </Typography>
        <Typography variant="h4" component="p" data-testid="group-cost-total">
          {money(report.total)}
        </Typography>
        {report.estimatedTotal >= 0.005 && (
          <Typography variant="body2" color="textSecondary">
            {`Of which ${money(
              report.estimatedTotal,
            )} estimated until the bill covers its days`}
          </Typography>
        )}
        <Box mt={2} style={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={`Costs of ${name} by tenant`}>
            <TableHead>
              <TableRow>
                <TableCell>Tenant</TableCell>
                <TableCell align="right">Cost</TableCell>
                <TableCell>Share</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {shares.map(share => (
                <TableRow key={share.key}>
                  <TableCell component="th" scope="row">
                    {share.tenant}
                    {share.offboarded && (
                      <Typography
                        component="span"
                        variant="caption"
                        color="textSecondary"
                      >
                        {' (offboarded)'}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                    {money(share.amount)}
                    {share.estimated ? ' (est.)' : ''}
                  </TableCell>
                  <TableCell style={{ minWidth: 120 }}>
                    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                      <Box flex={1} minWidth={48}>
                        <LinearProgress
                          variant="determinate"
                          value={share.share * 100}
                          aria-label={`Share of ${share.tenant}`}
                          aria-valuetext={formatShare(share.share)}
                        />
                      </Box>
                      <Typography variant="body2" component="span">
                        {formatShare(share.share)}
                      </Typography>
                    </Box>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      </>
    );
  }

  const setPeriod = (next: CostPeriodValue) =>
    setSearchParams(writePeriod(searchParams, next), { replace: true });

  return (
    <InfoCard
      title={title}
      action={
        <IconButton
          aria-label="Refresh the team’s costs"
          onClick={state.reload}
        >
          <RefreshIcon />
        </IconButton>
      }
    >
      <Box mb={2}>
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
      </Box>
      {body}
    </InfoCard>
  );
}
