import { CostOverviewRow } from '@spot-spark/plugin-emr-on-eks-common';
import Link from '@material-ui/core/Link';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useMemo, useState } from 'react';
import { formatPercent } from '../../lib/budget';
import { useFocusRing } from '../../lib/focus';
import { formatMoney, formatShare, formatSignedShare } from '../../lib/money';
import { DataTable, DataTableColumn } from '../DataTable';
import { EntityName } from '../EntityName';
import { Pager } from '../Pager';
import { BudgetStateLabel } from '../StatusLabel';
import { filterRows, rowKey, upliftShare } from './overviewRows';

/** Tenants per page: a page renders at once, however many tenants there are. */
export const COSTS_PAGE_SIZE = 50;

const dash = '—';

// A static class rather than a Box (a Box adds a style sheet per instance).
const useStyles = makeStyles(
  theme => ({
    bar: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'flex-end',
      justifyContent: 'space-between',
      marginBottom: theme.spacing(1),
      gap: 16,
    },
  }),
  { name: 'EmrOnEksCostsTable' },
);

/**
 * Every tenant's month side by side, a page at a time, with a filter by
 * tenant or owner. A click on a tenant (or Enter on its name) opens it;
 * offboarded incarnations are marked and do not open.
 */
export function CostsTable(props: {
  rows: CostOverviewRow[];
  currency: string;
  onSelect(tenant: string): void;
}) {
  const { rows, currency, onSelect } = props;
  const focus = useFocusRing();
  const classes = useStyles();
  const filterId = useId();
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const filtered = useMemo(() => filterRows(rows, filter), [rows, filter]);
  const pages = Math.max(1, Math.ceil(filtered.length / COSTS_PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = useMemo(
    () =>
      filtered.slice(
        (current - 1) * COSTS_PAGE_SIZE,
        current * COSTS_PAGE_SIZE,
      ),
    [filtered, current],
  );

  const columns = useMemo<DataTableColumn<CostOverviewRow>[]>(() => {
    const money = (amount: number) => formatMoney(amount, currency);
    return [
      {
        title: 'Tenant',
        highlight: true,
        nowrap: true,
        sortValue: row => row.tenant,
        render: row =>
          row.offboarded ? (
            <span>
              {row.tenant}{' '}
              <Typography
                component="span"
                variant="caption"
                color="textSecondary"
              >
                (offboarded)
              </Typography>
            </span>
          ) : (
            <Link
              component="button"
              variant="body2"
              className={focus.root}
              aria-label={`Show tenant ${row.tenant}`}
            >
              {row.tenant}
            </Link>
          ),
      },
      {
        title: 'Owner',
        hideBelow: 'lg',
        sortValue: row => row.owner ?? '',
        render: row =>
          row.owner ? (
            <EntityName entityRef={row.owner} defaultKind="group" />
          ) : (
            dash
          ),
      },
      {
        title: 'Total',
        nowrap: true,
        sortValue: row => row.total,
        render: row => money(row.total),
      },
      {
        title: 'Change',
        nowrap: true,
        hideBelow: 'sm',
        sortValue: row => row.change ?? undefined,
        render: row =>
          row.change === null ? dash : formatSignedShare(row.change),
      },
      {
        title: 'Spot share',
        nowrap: true,
        hideBelow: 'md',
        sortValue: row => row.spotShare ?? undefined,
        render: row =>
          row.spotShare === null ? dash : formatShare(row.spotShare),
      },
      {
        title: 'Spot savings',
        nowrap: true,
        hideBelow: 'md',
        sortValue: row => row.spotSavings ?? undefined,
        render: row =>
          row.spotSavings === null ? dash : money(row.spotSavings),
      },
      {
        title: 'Uplift vs compute',
        nowrap: true,
        hideBelow: 'lg',
        sortValue: row => upliftShare(row) ?? undefined,
        render: row => {
          const share = upliftShare(row);
          return share === null ? dash : formatShare(share);
        },
      },
      {
        title: 'Budget',
        // "Within budget" whole: the state reads as one.
        nowrap: true,
        sortValue: row => row.budgetStatus?.actualPercent,
        render: row => {
          if (row.budget === null) {
            return dash;
          }
          if (!row.budgetStatus) {
            return money(row.budget);
          }
          return (
            <span>
              <BudgetStateLabel state={row.budgetStatus.state} />
              <Typography
                component="span"
                variant="caption"
                color="textSecondary"
                style={{ display: 'block' }}
              >
                {`${formatPercent(row.budgetStatus.actualPercent)} of ${money(
                  row.budget,
                )}`}
              </Typography>
            </span>
          );
        },
      },
      {
        title: 'Forecast',
        nowrap: true,
        hideBelow: 'sm',
        sortValue: row => row.forecast ?? undefined,
        render: row => (row.forecast === null ? dash : money(row.forecast)),
      },
    ];
  }, [currency, focus.root]);

  const first = (current - 1) * COSTS_PAGE_SIZE + 1;
  const last = Math.min(current * COSTS_PAGE_SIZE, filtered.length);
  return (
    <>
      <div className={classes.bar}>
        <TextField
          id={filterId}
          label="Filter by tenant or owner"
          value={filter}
          onChange={e => {
            setFilter(e.target.value);
            setPage(1);
          }}
          autoComplete="off"
          style={{ minWidth: 240 }}
        />
        <Typography variant="body2" color="textSecondary" role="status">
          {filtered.length === 0
            ? 'No tenant matches'
            : `Tenants ${first}–${last} of ${filtered.length}`}
        </Typography>
      </div>
      <DataTable
        label="Costs by tenant"
        columns={columns}
        rows={shown}
        rowKey={rowKey}
        onRowClick={row => {
          if (!row.offboarded) {
            onSelect(row.tenant);
          }
        }}
      />
      <Pager
        page={current}
        hasPrevious={current > 1}
        nextCursor={current < pages ? String(current + 1) : undefined}
        onPrevious={() => setPage(current - 1)}
        onNext={next => setPage(Number(next))}
        labels={{
          previous: 'Previous page of tenants',
          next: 'Next page of tenants',
        }}
      />
    </>
  );
}
