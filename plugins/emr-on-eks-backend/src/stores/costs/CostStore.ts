import type {
  CostEstimateAccuracy,
  CostGroupBy,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';
import { Knex } from 'knex';
import type { StoredCostRow } from '../../domain/costs/types';
import { recomputeCostMonths } from './CostMonthStore';
import {
  costOverviewVersion,
  type CostOverviewVersion,
} from './costOverviewVersion';
import {
  COMPLETE_THROUGH,
  GROUP_COLUMNS,
  GROUP_SUMS,
  groupOrder,
  REFRESHED_AT,
  toCoverage,
  toReportRow,
  toTotals,
  TOTAL_SUMS,
  type CostCoverage,
  type CostTotals,
} from './costReport';

export type { CostCoverage, CostTotals } from './costReport';

/** Which rows a report sums: a tenant's, an entity's, or every tenant's. */
export interface CostScope {
  /** Rows of these tenant incarnations; undefined = every row (the summary). */
  tenantUids?: string[];
  entityRef?: string;
  from: string;
  to: string;
}

/** How close a tenant's estimate of one day came to its bill. */
export interface EstimateAccuracyOfDay {
  date: string;
  tenant: string;
  tenantUid: string;
  estimated: number;
  actual: number;
}

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

  /** See {@link costOverviewVersion}: what a month's overview was built from. */
  overviewVersion(
    month: string,
    months: string[],
  ): Promise<CostOverviewVersion> {
    return costOverviewVersion(this.db, month, months);
  }

  /**
   * A report's figures in one statement (one round trip, one pooled
   * connection): the scope's sums (total, estimated part and its range, Spot
   * savings) in a row of their own beside the groups (`union all`), and the
   * coverage (the last day the bill fully covers, the last rollup) as scalar
   * subqueries of the sums' row. The sums' row is always there, groups or
   * not. The groups come by day in date order, otherwise the largest amounts
   * first.
   */
  async report(
    scope: CostScope,
    groupBy: CostGroupBy[],
  ): Promise<{
    totals: CostTotals;
    rows: CostReportRow[];
    coverage: CostCoverage;
  }> {
    const columns = groupBy.flatMap(g => GROUP_COLUMNS[g]);
    const names = columns.map(c => c.column);
    const sums = this.scoped(scope).select(
      this.db.raw('0 as kind'),
      ...names.map(name => this.db.raw('null as ??', [name])),
      this.db.raw(TOTAL_SUMS),
      this.db.raw(`(${COMPLETE_THROUGH}) as complete_through`),
      this.db.raw(`(${REFRESHED_AT}) as refreshed_at`),
    );
    // Nulls for spot_savings, the currencies and the coverage.
    const groups = this.groupedQuery(scope, groupBy).select(
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
      rows: rest.map(row => toReportRow(row, columns)),
      coverage: toCoverage(first),
    };
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

  /** The groups' sums, `kind` 1 first, for the report's compound. */
  private groupedQuery(scope: CostScope, groupBy: CostGroupBy[]) {
    const columns = groupBy.flatMap(g => GROUP_COLUMNS[g]);
    return this.scoped(scope)
      .select(this.db.raw('1 as kind'))
      .select(
        columns.map(({ column, of }) =>
          of ? this.db.raw('max(??) as ??', [column, column]) : column,
        ),
      )
      .select(this.db.raw(GROUP_SUMS))
      .groupBy(columns.filter(c => !c.of).map(c => c.column));
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
