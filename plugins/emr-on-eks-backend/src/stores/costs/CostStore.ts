import type {
  CostEstimateAccuracy,
  CostGroupBy,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import type { StoredCostRow } from '../../domain/costs/types';
import { toIso } from '../database';
import { recomputeCostMonths } from './CostMonthStore';
import {
  costOverviewVersion,
  type CostOverviewVersion,
} from './costOverviewVersion';

/** Which rows a report sums: a tenant's, an entity's, or every tenant's. */
export interface CostScope {
  /** Rows of these tenant incarnations; undefined = every row (the summary). */
  tenantUids?: string[];
  entityRef?: string;
  from: string;
  to: string;
}

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

/** How close a tenant's estimate of one day came to its bill. */
export interface EstimateAccuracyOfDay {
  date: string;
  tenant: string;
  tenantUid: string;
  estimated: number;
  actual: number;
}

/** What the rollup state says: the last billed day and the last refresh. */
export interface CostCoverage {
  completeThrough: string | null;
  refreshedAt: string | null;
}

/** Columns of each grouping, as selected and as answered. */
const GROUP_COLUMNS: Record<
  CostGroupBy,
  Array<{ column: string; field: keyof CostReportRow }>
> = {
  day: [{ column: 'date', field: 'date' }],
  job: [
    { column: 'emr_job_run_id', field: 'emrJobRunId' },
    { column: 'job_run_id', field: 'jobRunId' },
    { column: 'job_name', field: 'jobName' },
    { column: 'entity_ref', field: 'entityRef' },
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
const GROUP_SUMS = `sum(amount) as amount,
  sum(case when estimated then 1 else 0 end) as estimated_rows,
  sum(case when estimated then amount else 0 end) as estimated_amount,
  sum(case when estimated then coalesce(amount_low, amount) else 0 end) as estimated_low,
  sum(case when estimated then coalesce(amount_high, amount) else 0 end) as estimated_high`;

/** A scope's sums; the bill has one currency, two would mean it changed mid-period. */
const TOTAL_SUMS = `coalesce(sum(amount), 0) as amount,
  sum(case when estimated then 1 else 0 end) as estimated_rows,
  coalesce(sum(case when estimated then amount else 0 end), 0) as estimated_amount,
  coalesce(sum(case when estimated then coalesce(amount_low, amount) else 0 end), 0) as estimated_low,
  coalesce(sum(case when estimated then coalesce(amount_high, amount) else 0 end), 0) as estimated_high,
  sum(case when category = 'compute' and capacity_type = 'spot' and on_demand_amount is not null then on_demand_amount - amount end) as spot_savings,
  min(currency) as currency_min, max(currency) as currency_max`;

/** The rollup state: the last billed day, the last refresh. */
const COMPLETE_THROUGH =
  'select max(case when billed then date end) from emr_cost_days';
const REFRESHED_AT = 'select max(refreshed_at) from emr_cost_days';

/** Inserts per statement: SQLite allows 999 bound values (17 columns a row). */
const INSERT_CHUNK = 50;

/** The chargeback tables: daily rows, rolled-up days, estimate accuracy. */
export class CostStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces the rows of `days` with `rows`, in one transaction that first
   * locks the days (so two replicas rolling up overlapping days take turns),
   * and records, for each tenant and day the bill covers now but did not
   * before, how the replaced uplift estimate compares with the bill. The
   * month sums of the days' months are recomputed in the same transaction.
   */
  async replaceDays(options: {
    days: string[];
    billedDays: ReadonlySet<string>;
    rows: StoredCostRow[];
    now: Date;
  }): Promise<{ accuracy: Array<EstimateAccuracyOfDay> }> {
    const { days, billedDays, rows, now } = options;
    return this.db.transaction(async tx => {
      const before = new Map<string, boolean>();
      for (const row of await tx('emr_cost_days')
        .whereIn('date', days)
        .select('date', 'billed')) {
        before.set(row.date, Boolean(row.billed));
      }
      // The upsert takes a row lock on each day (PostgreSQL), or the write
      // lock (SQLite): an overlapping rollup waits here until this commits.
      await tx('emr_cost_days')
        .insert(
          days.map(date => ({
            date,
            billed: billedDays.has(date),
            refreshed_at: now,
          })),
        )
        .onConflict('date')
        .merge();
      const newlyBilled = days.filter(
        day => billedDays.has(day) && before.get(day) === false,
      );
      // What was shown for a tenant's uplift of a day before its bill was
      // complete (billed so far plus the estimate), where it had an estimate.
      const estimates: Array<{
        date: string;
        tenant: string;
        tenant_uid: string;
        amount: number | string;
      }> = newlyBilled.length
        ? await tx('emr_cost_daily')
            .whereIn('date', newlyBilled)
            .andWhere({ category: 'emr-uplift' })
            .whereNotNull('tenant_uid')
            .groupBy('date', 'tenant', 'tenant_uid')
            .havingRaw('sum(case when estimated then 1 else 0 end) > 0')
            .select('date', 'tenant', 'tenant_uid')
            .sum({ amount: 'amount' })
            .then(result => result as any)
        : [];
      await tx('emr_cost_daily').whereIn('date', days).delete();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx('emr_cost_daily').insert(
          rows.slice(i, i + INSERT_CHUNK).map(toDbRow),
        );
      }
      const accuracy = estimates.map(estimate => ({
        date: String(estimate.date),
        tenant: String(estimate.tenant),
        tenantUid: String(estimate.tenant_uid),
        estimated: Number(estimate.amount),
        actual: rows
          .filter(
            row =>
              row.date === estimate.date &&
              row.tenantUid === estimate.tenant_uid &&
              row.category === 'emr-uplift' &&
              !row.estimated,
          )
          .reduce((sum, row) => sum + row.amount, 0),
      }));
      if (accuracy.length) {
        await tx('emr_cost_estimate_accuracy')
          .insert(
            accuracy.map(a => ({
              date: a.date,
              tenant: a.tenant,
              tenant_uid: a.tenantUid,
              estimated: a.estimated,
              actual: a.actual,
              recorded_at: now,
            })),
          )
          .onConflict(['date', 'tenant_uid'])
          .merge();
      }
      // Last: it may wait for another replica's month, until that commits.
      await recomputeCostMonths(tx, days, { estimates: accuracy.length > 0 });
      return { accuracy };
    });
  }

  /** The last day the bill fully covers, and when the rollup last ran. */
  async coverage(): Promise<CostCoverage> {
    const [row] = await this.db.select(
      this.db.raw(`(${COMPLETE_THROUGH}) as complete_through`),
      this.db.raw(`(${REFRESHED_AT}) as refreshed_at`),
    );
    return toCoverage(row);
  }

  /** See {@link costOverviewVersion}: what a month's overview was built from. */
  overviewVersion(
    month: string,
    months: string[],
  ): Promise<CostOverviewVersion> {
    return costOverviewVersion(this.db, month, months);
  }

  /** Sums of a scope: total, estimated part and its range, Spot savings. */
  async totals(scope: CostScope): Promise<CostTotals> {
    const [sums] = await this.scoped(scope).select(this.db.raw(TOTAL_SUMS));
    return toTotals(sums);
  }

  /**
   * A report's figures in one statement (one round trip, one pooled
   * connection): the scope's sums in a row of their own beside the groups
   * (`union all`, the same aggregates as `totals` and `grouped`, so the same
   * figures to the last bit), the coverage as scalar subqueries of the sums'
   * row. The sums' row is always there, groups or not.
   */
  async report(
    scope: CostScope,
    groupBy: CostGroupBy[],
  ): Promise<{
    totals: CostTotals;
    rows: CostReportRow[];
    coverage: CostCoverage;
  }> {
    const names = groupBy.flatMap(g => GROUP_COLUMNS[g]).map(c => c.column);
    const sums = this.scoped(scope).select(
      this.db.raw('0 as kind'),
      ...names.map(name => this.db.raw('null as ??', [name])),
      this.db.raw(TOTAL_SUMS),
      this.db.raw(`(${COMPLETE_THROUGH}) as complete_through`),
      this.db.raw(`(${REFRESHED_AT}) as refreshed_at`),
    );
    // Nulls for spot_savings, the currencies and the coverage.
    const groups = this.groupedQuery(scope, groupBy, true).select(
      this.db.raw('null, null, null, null, null'),
    );
    // The order applies to the whole compound; the sums' row (kind 0)
    // sorts where its nulls do, and is taken out by its kind.
    const result = await sums
      .unionAll(groups, false)
      .orderBy(groupOrder(names, groupBy));
    const first = result.find(row => Number(row.kind) === 0);
    const rest = result.filter(row => row !== first);
    return {
      totals: toTotals(first),
      rows: rest.map(row => toReportRow(row, groupBy)),
      coverage: toCoverage(first),
    };
  }

  /**
   * The scope's rows summed per group: by day in date order, otherwise the
   * largest amounts first.
   */
  async grouped(
    scope: CostScope,
    groupBy: CostGroupBy[],
  ): Promise<CostReportRow[]> {
    const names = groupBy.flatMap(g => GROUP_COLUMNS[g]).map(c => c.column);
    const result = await this.groupedQuery(scope, groupBy).orderBy(
      groupOrder(names, groupBy),
    );
    return result.map(row => toReportRow(row, groupBy));
  }

  /** Tenants (uids) with rows of an entity in a period, to authorize before reading. */
  async tenantUidsWithCostsOf(
    entityRef: string,
    from: string,
    to: string,
  ): Promise<string[]> {
    const rows = await this.db('emr_cost_daily')
      .where('entity_ref', entityRef)
      .whereBetween('date', [from, to])
      .whereNotNull('tenant_uid')
      .distinct('tenant_uid');
    return rows.map(row => String(row.tenant_uid)).sort();
  }

  /** Estimate against bill, per tenant incarnation, over the days of a period. */
  async estimateAccuracy(
    from: string,
    to: string,
  ): Promise<Array<Omit<CostEstimateAccuracy, 'offboarded'>>> {
    const rows: Array<{
      tenant: string;
      tenant_uid: string;
      estimated: unknown;
      actual: unknown;
    }> = await this.db('emr_cost_estimate_accuracy')
      .whereBetween('date', [from, to])
      .groupBy('tenant', 'tenant_uid')
      .select('tenant', 'tenant_uid')
      .sum({ estimated: 'estimated', actual: 'actual' })
      .orderBy(['tenant', 'tenant_uid'])
      .then(result => result as any);
    return rows.map(row => ({
      tenant: String(row.tenant),
      tenantUid: String(row.tenant_uid),
      estimated: Number(row.estimated),
      actual: Number(row.actual),
    }));
  }

  /** The groups' sums; `kind` 1 first for the report's compound. */
  private groupedQuery(
    scope: CostScope,
    groupBy: CostGroupBy[],
    withKind = false,
  ) {
    const names = groupBy.flatMap(g => GROUP_COLUMNS[g]).map(c => c.column);
    const query = this.scoped(scope);
    if (withKind) {
      query.select(this.db.raw('1 as kind'));
    }
    return query.select(names).select(this.db.raw(GROUP_SUMS)).groupBy(names);
  }

  private scoped(scope: CostScope) {
    const query = this.db('emr_cost_daily').whereBetween('date', [
      scope.from,
      scope.to,
    ]);
    if (scope.tenantUids !== undefined) {
      query.whereIn('tenant_uid', scope.tenantUids);
    }
    if (scope.entityRef !== undefined) {
      query.where('entity_ref', scope.entityRef);
    }
    return query;
  }
}

function toDbRow(row: StoredCostRow) {
  return {
    date: row.date,
    tenant: row.tenant,
    tenant_uid: row.tenantUid,
    virtual_cluster_id: row.virtualClusterId,
    emr_job_run_id: row.emrJobRunId,
    job_run_id: row.jobRunId,
    job_name: row.jobName,
    entity_ref: row.entityRef,
    category: row.category,
    capacity_type: row.capacityType,
    amount: row.amount,
    amount_low: row.amountLow,
    amount_high: row.amountHigh,
    on_demand_amount: row.onDemandAmount,
    currency: row.currency,
    source: row.source,
    estimated: row.estimated,
  };
}

/** By day in date order, otherwise the largest amounts first. */
function groupOrder(names: string[], groupBy: CostGroupBy[]) {
  const byName = names.map(column => ({ column, order: 'asc' as const }));
  return groupBy.includes('day')
    ? byName
    : [{ column: 'amount', order: 'desc' as const }, ...byName];
}

function toReportRow(
  row: Record<string, any>,
  groupBy: CostGroupBy[],
): CostReportRow {
  const out: CostReportRow = {
    amount: Number(row.amount),
    estimated: Number(row.estimated_rows) > 0,
  };
  for (const { column, field } of groupBy.flatMap(g => GROUP_COLUMNS[g])) {
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
function toTotals(sums: Record<string, any>): CostTotals {
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

function toCoverage(row: Record<string, any> | undefined): CostCoverage {
  return {
    completeThrough: row?.complete_through
      ? String(row.complete_through)
      : null,
    refreshedAt: row?.refreshed_at ? toIso(row.refreshed_at) : null,
  };
}
