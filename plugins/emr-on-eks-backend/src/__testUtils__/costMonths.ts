import fc from 'fast-check';
import type { Knex } from 'knex';
import type { StoredCostRow } from '../domain/costs/types';
import type { CostMonthStore } from '../stores/costs/CostMonthStore';

/*
 * The month sums' tests: random daily rows, and the sums worked out from
 * the daily rows in JS, to compare with what the store keeps.
 */

/** Days across three months, month ends included. */
export const DAYS = [
  '2026-10-30',
  '2026-10-31',
  '2026-11-01',
  '2026-11-15',
  '2026-11-30',
  '2026-12-01',
];
export const HOLDERS = [
  { tenant: 'team-a', tenantUid: 'uid-a1' },
  // team-a onboarded again: another incarnation, its own sums.
  { tenant: 'team-a', tenantUid: 'uid-a2' },
  { tenant: 'team-b', tenantUid: 'uid-b' },
  { tenant: '__idle__', tenantUid: null },
  { tenant: '__unallocated__', tenantUid: null },
];

export const costRow: fc.Arbitrary<StoredCostRow> = fc
  .record({
    date: fc.constantFrom(...DAYS),
    holder: fc.constantFrom(...HOLDERS),
    category: fc.constantFrom('compute', 'emr-uplift', 'storage' as const),
    capacityType: fc.constantFrom('spot', 'on-demand', 'unknown' as const),
    // Quarters: sums are exact in binary, so any order of adding agrees.
    quarters: fc.integer({ min: 0, max: 400 }),
    onDemandQuarters: fc.option(fc.integer({ min: 0, max: 800 })),
    estimated: fc.boolean(),
  })
  .map(r => ({
    date: r.date,
    tenant: r.holder.tenant,
    tenantUid: r.holder.tenantUid,
    virtualClusterId: null,
    emrJobRunId: null,
    jobRunId: null,
    jobName: null,
    entityRef: null,
    category: r.category,
    capacityType: r.capacityType,
    amount: r.quarters / 4,
    amountLow: null,
    amountHigh: null,
    onDemandAmount: r.onDemandQuarters === null ? null : r.onDemandQuarters / 4,
    currency: 'USD',
    source: r.estimated ? 'estimate' : 'kubecost',
    estimated: r.estimated,
  }));

/** One rollup: some days, some of them billed, rows of those days. */
export const rollup = fc.subarray(DAYS, { minLength: 1 }).chain(days =>
  fc.record({
    days: fc.constant(days),
    billed: fc.subarray(days),
    rows: fc
      .array(costRow, { maxLength: 12 })
      .map(rows =>
        rows.map((row, i) => ({ ...row, date: days[i % days.length] })),
      ),
  }),
);

/** The month sums as the overview needs them, worked out from the daily rows in JS. */
export async function expectedMonths(db: Knex) {
  const sums = new Map<string, Record<string, unknown>>();
  for (const r of await db('emr_cost_daily').select()) {
    const key = `${r.date.slice(0, 7)}|${r.tenant_uid ?? r.tenant}`;
    const s = (sums.get(key) ?? {
      month: r.date.slice(0, 7),
      tenant: r.tenant,
      tenantUid: r.tenant_uid ?? null,
      total: 0,
      estimated: 0,
      compute: 0,
      uplift: 0,
      storage: 0,
      spotCompute: 0,
      spotSavings: null,
    }) as any;
    const amount = Number(r.amount);
    const spot = r.category === 'compute' && r.capacity_type === 'spot';
    s.total += amount;
    s.estimated += r.estimated ? amount : 0;
    s.compute += r.category === 'compute' ? amount : 0;
    s.uplift += r.category === 'emr-uplift' ? amount : 0;
    s.storage += r.category === 'storage' ? amount : 0;
    s.spotCompute += spot ? amount : 0;
    if (spot && r.on_demand_amount !== null) {
      s.spotSavings =
        (s.spotSavings ?? 0) + Number(r.on_demand_amount) - amount;
    }
    sums.set(key, s);
  }
  return [...sums.values()].sort(byKey);
}

export async function expectedErrors(db: Knex) {
  const sums = new Map<
    string,
    { month: string; estimated: number; actual: number }
  >();
  for (const r of await db('emr_cost_estimate_accuracy').select()) {
    const month = r.date.slice(0, 7);
    const s = sums.get(month) ?? { month, estimated: 0, actual: 0 };
    s.estimated += Number(r.estimated);
    s.actual += Number(r.actual);
    sums.set(month, s);
  }
  return [...sums.values()].sort((a, b) => a.month.localeCompare(b.month));
}

export function byKey(a: any, b: any) {
  return `${a.month}|${a.tenantUid ?? a.tenant}`.localeCompare(
    `${b.month}|${b.tenantUid ?? b.tenant}`,
  );
}

/** The month sums the store keeps, in the same shape. */
export async function stored(months: CostMonthStore) {
  const rows = await months.monthCosts(['2026-10', '2026-11', '2026-12']);
  return rows
    .map(({ owner: _o, offboarded: _x, currency: _c, ...rest }) => rest)
    .sort(byKey);
}
