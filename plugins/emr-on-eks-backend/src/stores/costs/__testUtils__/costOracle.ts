import type {
  CostGroupBy,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import type { CostScope, CostTotals } from '../CostStore';

/**
 * What `CostStore.report` should answer, worked out apart from it: one plain
 * knex statement per figure, filtering rows instead of summing `case`s, so a
 * report that drifts from the separate sums (a wrong column in the compound,
 * a group summed twice, the sums' row taken for a group) fails the property.
 * Each sum adds the same rows in the same scan order as the report, so the
 * figures match to the last bit. Test code only.
 */

/** The scope's rows, filtered with knex's plain operators. */
function inScope(db: Knex, scope: CostScope) {
  const query = db('emr_cost_daily')
    .where('date', '>=', scope.from)
    .andWhere('date', '<=', scope.to);
  if (scope.tenantUids !== undefined) {
    query.whereIn('tenant_uid', scope.tenantUids);
  }
  if (scope.entityRef !== undefined) {
    query.andWhere('entity_ref', scope.entityRef);
  }
  return query;
}

/** One `sum` over a query's rows; null when it has none. */
async function sumOf(
  db: Knex,
  query: Knex.QueryBuilder,
  expression: string,
): Promise<number | null> {
  const [row] = await query.select(db.raw(`sum(${expression}) as s`));
  return row.s === null || row.s === undefined ? null : Number(row.s);
}

/** The scope's sums: total, the estimated rows' sums, Spot savings, currencies. */
export async function expectedTotals(
  db: Knex,
  scope: CostScope,
): Promise<CostTotals> {
  const estimated = () => inScope(db, scope).andWhere('estimated', true);
  const rows = await inScope(db, scope).distinct('currency');
  return {
    total: (await sumOf(db, inScope(db, scope), 'amount')) ?? 0,
    estimatedTotal: (await sumOf(db, estimated(), 'amount')) ?? 0,
    estimatedLow:
      (await sumOf(db, estimated(), 'coalesce(amount_low, amount)')) ?? 0,
    estimatedHigh:
      (await sumOf(db, estimated(), 'coalesce(amount_high, amount)')) ?? 0,
    spotSavings: await sumOf(
      db,
      inScope(db, scope)
        .andWhere({ category: 'compute', capacity_type: 'spot' })
        .whereNotNull('on_demand_amount'),
      'on_demand_amount - amount',
    ),
    currencies: rows.map(row => String(row.currency)).sort(),
  };
}

/** The fields of each grouping, as stored and as answered. */
const FIELDS: Record<CostGroupBy, Array<[string, keyof CostReportRow]>> = {
  day: [['date', 'date']],
  job: [
    ['emr_job_run_id', 'emrJobRunId'],
    ['job_run_id', 'jobRunId'],
    ['job_name', 'jobName'],
    ['entity_ref', 'entityRef'],
  ],
  category: [['category', 'category']],
  capacityType: [['capacity_type', 'capacityType']],
  tenant: [
    ['tenant', 'tenant'],
    ['tenant_uid', 'tenantUid'],
  ],
};

/**
 * The scope's groups: by day in date order, otherwise the largest amounts
 * first (then by the grouped columns, nulls where the database puts them).
 * A group's estimated sums come from a second statement over its estimated
 * rows only.
 */
export async function expectedGroups(
  db: Knex,
  scope: CostScope,
  groupBy: CostGroupBy[],
): Promise<CostReportRow[]> {
  const fields = groupBy.flatMap(g => FIELDS[g]);
  const columns = fields.map(([column]) => column);
  const keyOf = (row: Record<string, unknown>) =>
    JSON.stringify(columns.map(column => row[column] ?? null));
  const byColumns = columns.map(column => ({ column, order: 'asc' as const }));
  const groups: Array<Record<string, unknown>> = await inScope(db, scope)
    .select(columns)
    .sum({ group_amount: 'amount' })
    .groupBy(columns)
    .orderBy(
      groupBy.includes('day')
        ? byColumns
        : [{ column: 'group_amount', order: 'desc' }, ...byColumns],
    );
  const estimates = new Map<string, Record<string, unknown>>();
  for (const row of await inScope(db, scope)
    .andWhere('estimated', true)
    .select(columns)
    .sum({ amount: 'amount' })
    .select(
      db.raw('sum(coalesce(amount_low, amount)) as low'),
      db.raw('sum(coalesce(amount_high, amount)) as high'),
    )
    .groupBy(columns)) {
    estimates.set(keyOf(row), row);
  }
  return groups.map(group => {
    const out: Record<string, unknown> = {
      amount: Number(group.group_amount),
      estimated: false,
    };
    for (const [column, field] of fields) {
      out[field] = group[column] ?? null;
    }
    const estimate = estimates.get(keyOf(group));
    if (estimate) {
      out.estimated = true;
      out.estimatedAmount = Number(estimate.amount);
      out.estimatedLow = Number(estimate.low);
      out.estimatedHigh = Number(estimate.high);
    }
    return out as unknown as CostReportRow;
  });
}
