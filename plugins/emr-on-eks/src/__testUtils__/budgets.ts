import {
  BudgetStatus,
  CostForecast,
  CostOverview,
  CostOverviewRow,
  TenantBudget,
} from '@spot-spark/plugin-emr-on-eks-common';

/** A budget of team-a: $1,000 a month, alerting at 50, 80 and 100 %. */
export function aBudget(overrides: Partial<TenantBudget> = {}): TenantBudget {
  const tenant = overrides.tenant ?? 'team-a';
  return {
    tenant,
    tenantUid: `uid-${tenant}`,
    amount: 1000,
    currency: 'USD',
    thresholds: [50, 80, 100],
    updatedBy: 'user:default/admin',
    updatedAt: '2026-11-02T09:00:00.000Z',
    ...overrides,
  };
}

/** Where a month stands against a budget, as the backend words it. */
export function budgetStatusOf(
  budget: Pick<TenantBudget, 'amount' | 'thresholds'>,
  monthToDate: number,
  forecast: number,
): BudgetStatus {
  const actualPercent = (monthToDate / budget.amount) * 100;
  const forecastPercent = (forecast / budget.amount) * 100;
  let state: BudgetStatus['state'] = 'ok';
  if (actualPercent >= 100) {
    state = 'over';
  } else if (forecastPercent >= 100) {
    state = 'at-risk';
  }
  return {
    state,
    actualPercent,
    forecastPercent,
    crossed: budget.thresholds.flatMap((threshold): BudgetStatus['crossed'] => {
      if (actualPercent >= threshold) {
        return [{ threshold, basis: 'actual' }];
      }
      return forecastPercent >= threshold
        ? [{ threshold, basis: 'forecast' }]
        : [];
    }),
  };
}

/**
 * November 2026's forecast of a tenant on the 20th: $620 so far, $930
 * expected ($850 to $1,010); no budget (the fake adds the tenant's).
 */
export function aForecast(
  overrides: Partial<CostForecast> = {},
): Omit<CostForecast, 'budget' | 'status'> {
  const tenant = overrides.tenant ?? 'team-a';
  return {
    tenant,
    tenantUid: `uid-${tenant}`,
    month: '2026-11',
    currency: 'USD',
    asOf: '2026-11-20',
    daysInMonth: 30,
    daysElapsed: 20,
    monthToDate: { total: 620, billed: 580, estimated: 40 },
    forecast: { amount: 930, low: 850, high: 1010, method: 'recent-rate' },
    ...overrides,
  };
}

/** A row of the cost overview: a tenant of $100 this month, $80 the month before. */
export function anOverviewRow(
  overrides: Partial<CostOverviewRow> = {},
): CostOverviewRow {
  const tenant = overrides.tenant ?? 'team-a';
  const special = tenant.startsWith('__');
  return {
    tenant,
    tenantUid: special ? null : `uid-${tenant}`,
    offboarded: false,
    owner: special ? null : `group:default/${tenant}`,
    total: 100,
    estimated: 10,
    previousTotal: 80,
    change: 0.25,
    compute: 80,
    uplift: 15,
    storage: 5,
    spotShare: 0.75,
    spotSavings: 40,
    budget: null,
    forecast: null,
    budgetStatus: null,
    ...overrides,
  };
}

/**
 * November 2026's overview: `count` tenants (tenant-0001 largest first), the
 * idle and unallocated capacity, and a year of estimate errors.
 */
export function aCostOverview(
  options: { count?: number; month?: string } = {},
): CostOverview {
  const { count = 3, month = '2026-11' } = options;
  const tenants = Array.from({ length: count }, (_, i) => {
    const total = 10_000 - i;
    const budget = i % 3 === 0 ? 12_000 : null;
    return anOverviewRow({
      tenant: `tenant-${String(i + 1).padStart(4, '0')}`,
      total,
      compute: total * 0.8,
      uplift: total * 0.15,
      storage: total * 0.05,
      offboarded: i === 1,
      budget,
      forecast: budget ? total * 1.5 : null,
      budgetStatus: budget
        ? budgetStatusOf(
            { amount: budget, thresholds: [80] },
            total,
            total * 1.5,
          )
        : null,
    });
  });
  const rows = [
    ...tenants,
    anOverviewRow({ tenant: '__idle__', total: 50, spotShare: null }),
    anOverviewRow({ tenant: '__unallocated__', total: 20, spotShare: null }),
  ];
  const sum = (f: (r: CostOverviewRow) => number) =>
    rows.reduce((acc, r) => acc + f(r), 0);
  return {
    month,
    previousMonth: '2026-10',
    currency: 'USD',
    completeThrough: '2026-11-18',
    refreshedAt: '2026-11-20T06:00:00.000Z',
    totals: {
      total: sum(r => r.total),
      previousTotal: sum(r => r.previousTotal),
      compute: sum(r => r.compute),
      uplift: sum(r => r.uplift),
      storage: sum(r => r.storage),
      spotSavings: sum(r => r.spotSavings ?? 0),
      idle: 50,
      unallocated: 20,
    },
    rows,
    estimateErrors: [
      { month: '2026-09', estimated: 105, actual: 100, error: 0.05 },
      { month: '2026-10', estimated: 97, actual: 100, error: -0.03 },
    ],
  };
}
