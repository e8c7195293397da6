import type { Knex } from 'knex';
import { isPostgres, toIso } from '../database';

/** What the admin's overview of a month was built from, in one small read. */
export interface CostOverviewVersion {
  /**
   * Changes whenever anything the overview shows may have: the rollup (its
   * days, the month sums), a budget, a forecast of the month, a tenant
   * (owner, onboarding) or an offboarding.
   */
  key: string;
  /** The coverage, read in the same statement (the overview shows it). */
  completeThrough: string | null;
  refreshedAt: string | null;
}

/**
 * The version of a month's overview: one statement of scalar subqueries,
 * each on a small table or an index (no daily rows). `months` are the
 * month and the one before it, whose sums the overview reads.
 * Each table counts its rows and sums its stamps; the month sums, the
 * budgets' amounts and the forecasts are summed too, for a write within
 * the same millisecond as the last.
 */
export async function costOverviewVersion(
  db: Knex,
  month: string,
  months: string[],
): Promise<CostOverviewVersion> {
  const inMonths = months.map(() => '?').join(', ');
  // A sum of the stamps, not only their maximum: a write stamped earlier
  // than the latest (a replica whose clock is behind, a rollup that began
  // before another committed) still changes it.
  const epoch = (column: string) =>
    isPostgres(db) ? `extract(epoch from ${column})` : column;
  const stamps = (prefix: string, column: string) =>
    `count(*) as ${prefix}_count, max(${column}) as ${prefix}_max, sum(${epoch(
      column,
    )}) as ${prefix}_sum`;
  // Each table read once, in a derived table of its own.
  const tables: Array<[string, unknown[]]> = [
    [
      `select max(case when billed then date end) as complete_through,
        ${stamps('days', 'refreshed_at')} from emr_cost_days`,
      [],
    ],
    [
      `select count(*) as months_count, sum(total) as months_total
        from emr_cost_months where month in (${inMonths})`,
      months,
    ],
    [
      `select sum(estimated) + sum(actual) as errors
        from emr_cost_estimate_months`,
      [],
    ],
    [
      `select sum(amount) as budgets_amount, ${stamps(
        'budgets',
        'updated_at',
      )} from emr_tenant_budgets`,
      [],
    ],
    [
      `select sum(forecast) as forecasts_amount, ${stamps(
        'forecasts',
        'computed_at',
      )} from emr_cost_forecasts where month = ?`,
      [month],
    ],
    [`select ${stamps('tenants', 'updated_at')} from emr_tenants`, []],
    [
      `select ${stamps('history', 'offboarded_at')} from emr_tenant_history`,
      [],
    ],
  ];
  const [row]: Array<Record<string, unknown>> = await db
    .select('*')
    .from(
      db.raw(
        tables.map(([sql], i) => `(${sql}) as v${i}`).join(' cross join '),
        tables.flatMap(([, bindings]) => bindings) as Knex.RawBinding[],
      ),
    );
  return {
    key: Object.keys(row)
      .sort()
      .map(name => `${name}=${text(row[name])}`)
      .join('|'),
    completeThrough: row.complete_through ? String(row.complete_through) : null,
    refreshedAt: row.days_max ? toIso(row.days_max as Date | string) : null,
  };
}

/** A value as text, a Date to the millisecond (its `String` drops them). */
function text(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return value instanceof Date ? value.toISOString() : String(value);
}
