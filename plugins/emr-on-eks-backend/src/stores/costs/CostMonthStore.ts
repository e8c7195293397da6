import type { Knex } from 'knex';
import type { MonthCosts } from '../../domain/costs/overview';
import { isPostgres } from '../database';

/** Keys of the advisory locks on a month's sums ("EMRC", then YYYYMM). */
const MONTH_LOCK = 0x454d5243;

/**
 * The month sums of the daily rows, per month and incarnation (idle and
 * unallocated capacity keyed by their name): the one definition, which the
 * migration's backfill repeats.
 */
const MONTH_SUMS = `substr(date, 1, 7) as month,
  coalesce(tenant_uid, tenant) as tenant_key,
  min(tenant) as tenant, min(tenant_uid) as tenant_uid,
  sum(amount) as total,
  sum(case when estimated then amount else 0 end) as estimated,
  sum(case when category = 'compute' then amount else 0 end) as compute,
  sum(case when category = 'emr-uplift' then amount else 0 end) as uplift,
  sum(case when category = 'storage' then amount else 0 end) as storage,
  sum(case when category = 'compute' and capacity_type = 'spot' then amount else 0 end) as spot_compute,
  sum(case when category = 'compute' and capacity_type = 'spot' and on_demand_amount is not null then on_demand_amount - amount end) as spot_savings,
  min(currency) as currency`;

const MONTH_COLUMNS = [
  'month',
  'tenant_key',
  'tenant',
  'tenant_uid',
  'total',
  'estimated',
  'compute',
  'uplift',
  'storage',
  'spot_compute',
  'spot_savings',
  'currency',
];

/** The months (YYYY-MM) the days fall in, sorted. */
function monthsOf(days: Iterable<string>): string[] {
  return [...new Set([...days].map(day => day.slice(0, 7)))].sort();
}

/** Rows whose `date` falls in one of the months (each a range on the date index). */
function inMonths(query: Knex.QueryBuilder, months: string[]) {
  return query.where(q => {
    for (const month of months) {
      q.orWhereBetween('date', [`${month}-01`, `${month}-31`]);
    }
  });
}

/** `insert into <target> select ...`: one statement, the rows never leave the database. */
async function insertSelect(
  db: Knex | Knex.Transaction,
  target: string,
  select: Knex.QueryBuilder,
): Promise<void> {
  const { sql, bindings } = select.toSQL();
  await db.raw(`insert into ${target} ${sql}`, bindings as Knex.RawBinding[]);
}

/**
 * Recomputes the month sums of the months the days fall in, from the daily
 * rows and the estimate accuracy, inside the caller's transaction (the one
 * that replaced the days), so the sums never disagree with the rows.
 *
 * Two replicas rolling up different days of one month each recompute the
 * whole month; on PostgreSQL a transaction-scoped advisory lock per month
 * makes the second wait for the first to commit, and its statements then
 * see the first's rows (read committed): the last to commit writes the sums
 * of both. SQLite has one writer at a time anyway. Call it last in the
 * transaction, so the lock is held only until the commit.
 */
export async function recomputeCostMonths(
  tx: Knex.Transaction | Knex,
  days: string[],
  options: { estimates: boolean },
): Promise<void> {
  const months = monthsOf(days);
  if (months.length === 0) {
    return;
  }
  if (isPostgres(tx)) {
    for (const month of months) {
      await tx.raw('select pg_advisory_xact_lock(?, ?)', [
        MONTH_LOCK,
        Number(month.replace('-', '')),
      ]);
    }
  }
  await tx('emr_cost_months').whereIn('month', months).delete();
  await insertSelect(
    tx,
    `emr_cost_months (${MONTH_COLUMNS.join(', ')})`,
    inMonths(tx('emr_cost_daily'), months)
      .select(tx.raw(MONTH_SUMS))
      .groupBy(tx.raw('substr(date, 1, 7), coalesce(tenant_uid, tenant)')),
  );
  if (options.estimates) {
    await tx('emr_cost_estimate_months').whereIn('month', months).delete();
    await insertSelect(
      tx,
      'emr_cost_estimate_months (month, estimated, actual)',
      inMonths(tx('emr_cost_estimate_accuracy'), months)
        .select(
          tx.raw(
            'substr(date, 1, 7) as month, sum(estimated) as estimated, sum(actual) as actual',
          ),
        )
        .groupBy(tx.raw('substr(date, 1, 7)')),
    );
  }
}

/**
 * The month sums of the costs (`emr_cost_months`, kept by the rollup in
 * `CostStore.replaceDays`) and of the estimates' errors, for the admin's
 * overview: a month is one row per incarnation, read with the owner and
 * whether it is offboarded in the same query.
 */
export class CostMonthStore {
  constructor(private readonly db: Knex) {}

  /**
   * Every incarnation's (and idle and unallocated capacity's) sums of the
   * months, with its owner and whether it is offboarded. One query on the
   * primary key, the tenants joined by uid.
   */
  async monthCosts(months: string[]): Promise<MonthCosts[]> {
    const rows = await this.db('emr_cost_months as m')
      .leftJoin('emr_tenants as t', 't.uid', 'm.tenant_uid')
      .leftJoin('emr_tenant_history as h', 'h.uid', 'm.tenant_uid')
      .whereIn('m.month', months)
      .select(
        'm.month',
        'm.tenant',
        'm.tenant_uid',
        'm.total',
        'm.estimated',
        'm.compute',
        'm.uplift',
        'm.storage',
        'm.spot_compute',
        'm.spot_savings',
        'm.currency',
        this.db.raw('coalesce(t.owner, h.owner) as owner'),
        this.db.raw('case when h.uid is null then 0 else 1 end as offboarded'),
      );
    return rows.map(row => ({
      month: String(row.month),
      tenant: String(row.tenant),
      tenantUid: row.tenant_uid ?? null,
      owner: row.owner ?? null,
      offboarded: Number(row.offboarded) === 1,
      total: Number(row.total),
      estimated: Number(row.estimated),
      compute: Number(row.compute),
      uplift: Number(row.uplift),
      storage: Number(row.storage),
      spotCompute: Number(row.spot_compute),
      spotSavings:
        row.spot_savings === null || row.spot_savings === undefined
          ? null
          : Number(row.spot_savings),
      currency: String(row.currency),
    }));
  }

  /** The estimates against the bill per month, of the months from `from` to `to`. */
  async estimateMonths(
    from: string,
    to: string,
  ): Promise<Array<{ month: string; estimated: number; actual: number }>> {
    const rows = await this.db('emr_cost_estimate_months')
      .whereBetween('month', [from, to])
      .orderBy('month')
      .select('month', 'estimated', 'actual');
    return rows.map(row => ({
      month: String(row.month),
      estimated: Number(row.estimated),
      actual: Number(row.actual),
    }));
  }

  /**
   * Recomputes the sums of the months the days fall in from the daily rows,
   * in a transaction of its own: for tools that write daily rows directly
   * (the bench's seeding), never needed after `replaceDays`.
   */
  async rebuild(days: string[]): Promise<void> {
    await this.db.transaction(tx =>
      recomputeCostMonths(tx, days, { estimates: true }),
    );
  }
}
