import {
  CapacityType,
  CostCategory,
  CostGroupBy,
  CostQuery,
  CostReport,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';

/**
 * One daily cost fact of the fake backend: what the rollup stores, with the
 * run's plugin id and name as a `groupBy=job` report gives them.
 */
export interface FakeCostFact {
  date: string;
  tenant: string;
  category: CostCategory;
  capacityType: CapacityType;
  amount: number;
  estimated?: boolean;
  emrJobRunId?: string | null;
  jobRunId?: string | null;
  jobName?: string | null;
  entityRef?: string | null;
}

/** A fact of tenant team-a, on-demand compute of no run, unless overridden. */
export function aCostFact(overrides: Partial<FakeCostFact> = {}): FakeCostFact {
  return {
    date: '2026-11-20',
    tenant: 'team-a',
    category: 'compute',
    capacityType: 'on-demand',
    amount: 1,
    ...overrides,
  };
}

/** Costs settings of the fake backend: not configured until a test says so. */
export interface FakeCostSettings {
  currency: string;
  sources: CostReport['sources'];
  completeThrough: string | null;
  spotSavings: number | null;
  refreshedAt: string | null;
}

const GROUP_FIELDS: Record<CostGroupBy, Array<keyof FakeCostFact>> = {
  day: ['date'],
  job: ['emrJobRunId', 'jobRunId', 'jobName', 'entityRef'],
  category: ['category'],
  capacityType: ['capacityType'],
  tenant: ['tenant'],
};

/** A report of the facts in the query's days, grouped and summed as the backend does. */
export function costReport(
  facts: FakeCostFact[],
  query: CostQuery,
  settings: FakeCostSettings,
): CostReport {
  const groupBy = ([] as CostGroupBy[]).concat(query.groupBy ?? 'day');
  const fields = groupBy.flatMap(g => GROUP_FIELDS[g]);
  const groups = new Map<string, CostReportRow>();
  let estimatedTotal = 0;
  for (const fact of facts) {
    if (fact.date < query.from || fact.date > query.to) {
      continue;
    }
    const key = JSON.stringify(fields.map(f => fact[f] ?? null));
    const row: CostReportRow = groups.get(key) ?? {
      ...Object.fromEntries(fields.map(f => [f, fact[f] ?? null])),
      amount: 0,
      estimated: false,
    };
    row.amount += fact.amount;
    row.estimated ||= Boolean(fact.estimated);
    if (fact.estimated) {
      estimatedTotal += fact.amount;
    }
    groups.set(key, row);
  }
  const rows = [...groups.values()];
  const { currency, sources, completeThrough, spotSavings, refreshedAt } =
    settings;
  return {
    currency,
    from: query.from,
    to: query.to,
    groupBy,
    total: rows.reduce((sum, row) => sum + row.amount, 0),
    estimatedTotal,
    estimatedRange: { low: estimatedTotal * 0.8, high: estimatedTotal * 1.2 },
    completeThrough,
    spotSavings,
    sources,
    refreshedAt,
    rows,
  };
}
