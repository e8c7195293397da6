import type {
  CostGroupBy,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';
import { toIso } from '../database';

/*
 * The cost report's statement parts and its rows as answered
 * (`CostStore.report`): what each grouping selects, the sums, the coverage.
 */
/** The sums of a scope, before grouping. */
export interface CostTotals {
  total: number;
  estimatedTotal: number;
  estimatedLow: number;
  estimatedHigh: number;
  /** Null when no Spot compute row knows its On-Demand price. */
  spotSavings: number | null;
  /** Currencies of the rows (one, unless the bill changed currency). */
  currencies: string[];
}

/** What the rollup state says: the last billed day and the last refresh. */
export interface CostCoverage {
  completeThrough: string | null;
  refreshedAt: string | null;
}

/**
 * Columns of each grouping, as selected and as answered. A column `of` the
 * grouping's key is not grouped on but taken with `max()`: EMR's job-run id
 * decides the run, its name and its entity (one text column to hash instead
 * of four; a day whose rollup did not know the run yet, null there, joins
 * the run's other days instead of being a group of its own).
 */
export const GROUP_COLUMNS: Record<
  CostGroupBy,
  Array<{ column: string; field: keyof CostReportRow; of?: string }>
> = {
  day: [{ column: 'date', field: 'date' }],
  job: [
    { column: 'emr_job_run_id', field: 'emrJobRunId' },
    { column: 'job_run_id', field: 'jobRunId', of: 'emr_job_run_id' },
    { column: 'job_name', field: 'jobName', of: 'emr_job_run_id' },
    { column: 'entity_ref', field: 'entityRef', of: 'emr_job_run_id' },
  ],
  category: [{ column: 'category', field: 'category' }],
  capacityType: [{ column: 'capacity_type', field: 'capacityType' }],
  // A name onboarded again is another incarnation: its own row.
  tenant: [
    { column: 'tenant', field: 'tenant' },
    { column: 'tenant_uid', field: 'tenantUid' },
  ],
};

/**
 * A group's sums. The report's compound (`CostStore.report`) lines its
 * columns up with the first five of TOTAL_SUMS.
 */
export const GROUP_SUMS = `sum(amount) as amount,
  sum(case when estimated then 1 else 0 end) as estimated_rows,
  sum(case when estimated then amount else 0 end) as estimated_amount,
  sum(case when estimated then coalesce(amount_low, amount) else 0 end) as estimated_low,
  sum(case when estimated then coalesce(amount_high, amount) else 0 end) as estimated_high`;

/** A scope's sums; the bill has one currency, two would mean it changed mid-period. */
export const TOTAL_SUMS = `coalesce(sum(amount), 0) as amount,
  sum(case when estimated then 1 else 0 end) as estimated_rows,
  coalesce(sum(case when estimated then amount else 0 end), 0) as estimated_amount,
  coalesce(sum(case when estimated then coalesce(amount_low, amount) else 0 end), 0) as estimated_low,
  coalesce(sum(case when estimated then coalesce(amount_high, amount) else 0 end), 0) as estimated_high,
  sum(case when category = 'compute' and capacity_type = 'spot' and on_demand_amount is not null then on_demand_amount - amount end) as spot_savings,
  min(currency) as currency_min, max(currency) as currency_max`;

/** The rollup state: the last billed day, the last refresh. */
export const COMPLETE_THROUGH =
  'select max(case when billed then date end) from emr_cost_days';
export const REFRESHED_AT = 'select max(refreshed_at) from emr_cost_days';

/** By day in date order, otherwise the largest amounts first. */
export function groupOrder(names: string[], groupBy: CostGroupBy[]) {
  const byName = names.map(column => ({ column, order: 'asc' as const }));
  return groupBy.includes('day')
    ? byName
    : [{ column: 'amount', order: 'desc' as const }, ...byName];
}

/** A group's row as answered; `columns` are the grouping's, worked out once. */
export function toReportRow(
  row: Record<string, any>,
  columns: (typeof GROUP_COLUMNS)[CostGroupBy],
): CostReportRow {
  const out: CostReportRow = {
    amount: Number(row.amount),
    estimated: Number(row.estimated_rows) > 0,
  };
  for (const { column, field } of columns) {
    (out as unknown as Record<string, unknown>)[field] = row[column] ?? null;
  }
  if (out.estimated) {
    out.estimatedAmount = Number(row.estimated_amount);
    out.estimatedLow = Number(row.estimated_low);
    out.estimatedHigh = Number(row.estimated_high);
  }
  return out;
}

/** The row of TOTAL_SUMS (numbers may come back as strings: PostgreSQL). */
export function toTotals(sums: Record<string, any>): CostTotals {
  return {
    total: Number(sums.amount),
    estimatedTotal: Number(sums.estimated_amount),
    estimatedLow: Number(sums.estimated_low),
    estimatedHigh: Number(sums.estimated_high),
    spotSavings:
      sums.spot_savings === null || sums.spot_savings === undefined
        ? null
        : Number(sums.spot_savings),
    currencies: [
      ...new Set(
        [sums.currency_min, sums.currency_max]
          .filter(c => c !== null && c !== undefined)
          .map(String),
      ),
    ],
  };
}

export function toCoverage(row: Record<string, any> | undefined): CostCoverage {
  return {
    completeThrough: row?.complete_through
      ? String(row.complete_through)
      : null,
    refreshedAt: row?.refreshed_at ? toIso(row.refreshed_at) : null,
  };
}
