import type {
  BudgetStatus,
  CostEstimateErrorOfMonth,
  CostOverview,
  CostOverviewRow,
} from '@spot-spark/plugin-emr-on-eks-common';

/** One incarnation's (or idle or unallocated capacity's) sums of a month. */
export interface MonthCosts {
  /** YYYY-MM. */
  month: string;
  /** The tenant's name, or `__idle__` / `__unallocated__`. */
  tenant: string;
  /** Null for idle and unallocated capacity. */
  tenantUid: string | null;
  /** The tenant's owner, when the incarnation is known. */
  owner: string | null;
  /** True when the incarnation is offboarded. */
  offboarded: boolean;
  total: number;
  estimated: number;
  compute: number;
  uplift: number;
  storage: number;
  /** The Spot part of `compute`. */
  spotCompute: number;
  /** On-Demand price less price of the Spot compute that knows it; null when none does. */
  spotSavings: number | null;
  currency: string;
}

/** A budgeted incarnation's figures of a month. */
export interface BudgetFigures {
  budget: number;
  forecast: number | null;
  status: BudgetStatus | null;
}

/** An incarnation as the tenant tables know it. */
export interface IncarnationFacts {
  name: string;
  owner: string | null;
  offboarded: boolean;
}

/** The idle and unallocated "tenants" (tenant names cannot start with `_`). */
const IDLE = '__idle__';
const UNALLOCATED = '__unallocated__';

/** The month before a YYYY-MM month. */
export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1
    ? `${year - 1}-12`
    : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/** The months from `count - 1` months before `month` up to `month`, ascending. */
export function monthsUpTo(month: string, count: number): string[] {
  const months = [month];
  while (months.length < count) {
    months.unshift(previousMonth(months[0]));
  }
  return months;
}

/** The first and last day of a month, YYYY-MM-DD (the last as day 31: days compare as text). */
export function monthDays(month: string): { from: string; to: string } {
  return { from: `${month}-01`, to: `${month}-31` };
}

function keyOf(row: { tenant: string; tenantUid: string | null }): string {
  return row.tenantUid ?? row.tenant;
}

function emptyMonth(
  template: Pick<
    MonthCosts,
    'tenant' | 'tenantUid' | 'owner' | 'offboarded' | 'currency'
  >,
  month: string,
): MonthCosts {
  return {
    ...template,
    month,
    total: 0,
    estimated: 0,
    compute: 0,
    uplift: 0,
    storage: 0,
    spotCompute: 0,
    spotSavings: null,
  };
}

/**
 * The admin's overview of a month from its month sums, the previous month's
 * and the budgets: a row per incarnation with costs in the month or the one
 * before (a tenant whose costs fell to nothing is news) or a budget, idle
 * and unallocated capacity among them; largest first.
 */
export function costOverview(input: {
  month: string;
  currency: string;
  current: MonthCosts[];
  previous: MonthCosts[];
  /** Keyed by tenant uid. */
  budgets: ReadonlyMap<string, BudgetFigures>;
  /** Budgeted incarnations without costs in either month, keyed by uid. */
  incarnations: ReadonlyMap<string, IncarnationFacts>;
  completeThrough: string | null;
  refreshedAt: string | null;
  estimateErrors: Array<{ month: string; estimated: number; actual: number }>;
}): CostOverview {
  const { month, budgets } = input;
  const current = new Map(input.current.map(r => [keyOf(r), r]));
  const previous = new Map(input.previous.map(r => [keyOf(r), r]));
  const keys = new Set([...current.keys(), ...previous.keys()]);
  for (const uid of budgets.keys()) {
    if (!keys.has(uid) && input.incarnations.has(uid)) {
      keys.add(uid);
    }
  }
  const rows = [...keys].map(key => {
    const facts = input.incarnations.get(key);
    const template = current.get(key) ??
      previous.get(key) ?? {
        tenant: facts!.name,
        tenantUid: key,
        owner: facts!.owner,
        offboarded: facts!.offboarded,
        currency: input.currency,
      };
    const now = current.get(key) ?? emptyMonth(template, month);
    const before = previous.get(key);
    return overviewRow(
      now,
      before,
      now.tenantUid ? budgets.get(key) : undefined,
    );
  });
  rows.sort(
    (a, b) =>
      b.total - a.total ||
      b.previousTotal - a.previousTotal ||
      a.tenant.localeCompare(b.tenant) ||
      (a.tenantUid ?? '').localeCompare(b.tenantUid ?? ''),
  );
  const sum = (pick: (row: CostOverviewRow) => number) =>
    rows.reduce((total, row) => total + pick(row), 0);
  const savings = rows.flatMap(r =>
    r.spotSavings === null ? [] : [r.spotSavings],
  );
  return {
    month,
    previousMonth: previousMonth(month),
    currency: input.current[0]?.currency ?? input.currency,
    completeThrough: input.completeThrough,
    refreshedAt: input.refreshedAt,
    totals: {
      total: sum(r => r.total),
      previousTotal: sum(r => r.previousTotal),
      compute: sum(r => r.compute),
      uplift: sum(r => r.uplift),
      storage: sum(r => r.storage),
      spotSavings: savings.length ? savings.reduce((a, b) => a + b, 0) : null,
      idle: sum(r => (r.tenant === IDLE && !r.tenantUid ? r.total : 0)),
      unallocated: sum(r =>
        r.tenant === UNALLOCATED && !r.tenantUid ? r.total : 0,
      ),
    },
    rows,
    estimateErrors: input.estimateErrors.map(estimateError),
  };
}

function overviewRow(
  now: MonthCosts,
  before: MonthCosts | undefined,
  budget: BudgetFigures | undefined,
): CostOverviewRow {
  const previousTotal = before?.total ?? 0;
  return {
    tenant: now.tenant,
    tenantUid: now.tenantUid,
    offboarded: now.offboarded,
    owner: now.owner,
    total: now.total,
    estimated: now.estimated,
    previousTotal,
    change:
      previousTotal === 0 ? null : (now.total - previousTotal) / previousTotal,
    compute: now.compute,
    uplift: now.uplift,
    storage: now.storage,
    spotShare:
      now.compute > 0
        ? Math.min(1, Math.max(0, now.spotCompute / now.compute))
        : null,
    spotSavings: now.spotSavings,
    budget: budget?.budget ?? null,
    forecast: budget?.forecast ?? null,
    budgetStatus: budget?.status ?? null,
  };
}

/** A month's estimate against its bill; the error is null without a bill. */
export function estimateError(sums: {
  month: string;
  estimated: number;
  actual: number;
}): CostEstimateErrorOfMonth {
  return {
    month: sums.month,
    estimated: sums.estimated,
    actual: sums.actual,
    error:
      sums.actual === 0 ? null : (sums.estimated - sums.actual) / sums.actual,
  };
}
