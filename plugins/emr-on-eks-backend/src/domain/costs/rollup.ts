import type {
  CostSource,
  RequestedResources,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ComputeRow, StoredCostRow, UpliftRow } from './types';
import {
  overlapOnDay,
  upliftOfRequests,
  upliftOfRun,
  type UpliftRate,
} from './estimate';

/** A tenant as the rollup charges it: by virtual cluster and by namespace. */
export interface CostTenant {
  name: string;
  uid: string;
  /** The current virtual cluster. */
  virtualClusterId: string | null;
  /**
   * Earlier virtual clusters of the same tenant (a drift repair recreates a
   * deleted one): their bill is still the tenant's.
   */
  pastVirtualClusterIds?: string[];
  namespace: string;
  region: string;
}

/** A job run the rollup can name and estimate. */
export interface CostRun {
  jobRunId: string;
  emrJobRunId: string;
  virtualClusterId: string;
  tenantUid: string;
  name: string;
  /** Only for runs submitted through the plugin, whose entity was checked. */
  entityRef: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  requested: RequestedResources | null;
}

/** Everything one rollup of a range of days needs; no I/O. */
export interface RollupInput {
  days: string[];
  /** The last day the bill fully covers (null: none). */
  completeThrough: string | null;
  uplift: UpliftRow[];
  compute: ComputeRow[];
  computeSource: Exclude<CostSource, 'estimate'>;
  tenants: CostTenant[];
  runs: CostRun[];
  rates: Record<string, UpliftRate>;
  currency: string;
  onDemandToSpotRatio?: number;
  now: Date;
}

/** The rows to store, and what was left out, for the log. */
export interface RollupResult {
  rows: StoredCostRow[];
  billedDays: Set<string>;
  /** Rows of virtual clusters or namespaces that are no tenant's. */
  ignored: { rows: number; virtualClusters: string[]; namespaces: string[] };
  /** Regions of tenants with unbilled days but no configured rate. */
  regionsWithoutRate: string[];
}

/** Rows charged to no tenant, reported under these names. */
const UNCHARGED: Partial<Record<ComputeRow['allocation'], string>> = {
  idle: '__idle__',
  unallocated: '__unallocated__',
};

/**
 * Turns what the bill and the compute source say into daily rows per tenant,
 * job, category and capacity type:
 * - days the bill covers take the bill's uplift; later days an estimate;
 * - compute goes to the tenant whose namespace the pods ran in. The pods'
 *   job and virtual-cluster labels name the job only when they agree with
 *   that namespace's tenant: a team cannot shift its costs to another by
 *   labelling its pods;
 * - idle and unallocated capacity are rows of their own, never a tenant's.
 */
export function rollUpCosts(input: RollupInput): RollupResult {
  const days = new Set(input.days);
  const billedDays = new Set(
    input.days.filter(
      day => input.completeThrough !== null && day <= input.completeThrough,
    ),
  );
  const byVc = new Map(
    input.tenants.flatMap(t =>
      [...(t.pastVirtualClusterIds ?? []), t.virtualClusterId]
        .filter((vc): vc is string => Boolean(vc))
        .map(vc => [vc, t] as const),
    ),
  );
  const byNamespace = new Map(input.tenants.map(t => [t.namespace, t]));
  const runs = new Map(
    input.runs.map(r => [`${r.virtualClusterId}/${r.emrJobRunId}`, r]),
  );
  const ignoredVcs = new Set<string>();
  const ignoredNamespaces = new Set<string>();
  let ignoredRows = 0;
  const rows = new Map<string, StoredCostRow>();

  const add = (row: StoredCostRow) => {
    const key = [
      row.date,
      row.tenantUid ?? row.tenant,
      row.virtualClusterId,
      row.emrJobRunId,
      row.category,
      row.capacityType,
      row.source,
    ].join('\u0000');
    const existing = rows.get(key);
    if (!existing) {
      rows.set(key, { ...row });
      return;
    }
    existing.amount += row.amount;
    existing.amountLow = sumOrNull(existing.amountLow, row.amountLow);
    existing.amountHigh = sumOrNull(existing.amountHigh, row.amountHigh);
    existing.onDemandAmount = sumOrNull(
      existing.onDemandAmount,
      row.onDemandAmount,
    );
  };
  const jobFields = (
    tenant: CostTenant,
    vc: string | null,
    job: string | null,
  ) => {
    const run = vc && job ? runs.get(`${vc}/${job}`) : undefined;
    const known = run && run.tenantUid === tenant.uid ? run : undefined;
    return {
      virtualClusterId: vc,
      emrJobRunId: job,
      jobRunId: known?.jobRunId ?? null,
      jobName: known?.name ?? null,
      entityRef: known?.entityRef ?? null,
    };
  };

  for (const row of input.uplift) {
    if (!billedDays.has(row.date)) {
      continue;
    }
    const tenant = byVc.get(row.virtualClusterId);
    if (!tenant) {
      ignoredRows += 1;
      ignoredVcs.add(row.virtualClusterId);
      continue;
    }
    add({
      date: row.date,
      tenant: tenant.name,
      tenantUid: tenant.uid,
      ...jobFields(tenant, row.virtualClusterId, row.emrJobRunId),
      category: 'emr-uplift',
      capacityType: 'unknown',
      amount: row.amount,
      amountLow: null,
      amountHigh: null,
      onDemandAmount: null,
      currency: input.currency,
      source: 'cur',
      estimated: false,
    });
  }

  // Unbilled days: exact requests from the compute source where it has them.
  const estimatedJobs = new Set<string>();
  const regionsWithoutRate = new Set<string>();
  for (const row of input.compute) {
    if (!days.has(row.date)) {
      continue;
    }
    const uncharged = UNCHARGED[row.allocation];
    if (uncharged) {
      add({
        date: row.date,
        tenant: uncharged,
        tenantUid: null,
        virtualClusterId: null,
        emrJobRunId: null,
        jobRunId: null,
        jobName: null,
        entityRef: null,
        category: row.category,
        capacityType: row.capacityType,
        amount: row.amount,
        amountLow: null,
        amountHigh: null,
        onDemandAmount: onDemandOf(row, input.onDemandToSpotRatio),
        currency: input.currency,
        source: input.computeSource,
        estimated: false,
      });
      continue;
    }
    // The namespace the pods ran in decides; labels only without one.
    const tenant =
      row.namespace !== null
        ? byNamespace.get(row.namespace)
        : byVc.get(row.virtualClusterId ?? '');
    if (!tenant) {
      ignoredRows += 1;
      if (row.namespace !== null) {
        ignoredNamespaces.add(row.namespace);
      } else if (row.virtualClusterId !== null) {
        ignoredVcs.add(row.virtualClusterId);
      }
      continue;
    }
    // Labels name a job only inside their own tenant's virtual cluster.
    const labelled =
      row.allocation === 'job' &&
      row.virtualClusterId !== null &&
      byVc.get(row.virtualClusterId) === tenant;
    const fields = labelled
      ? jobFields(tenant, row.virtualClusterId, row.emrJobRunId)
      : jobFields(tenant, tenant.virtualClusterId, null);
    add({
      date: row.date,
      tenant: tenant.name,
      tenantUid: tenant.uid,
      ...fields,
      category: row.category,
      capacityType: row.capacityType,
      amount: row.amount,
      amountLow: null,
      amountHigh: null,
      onDemandAmount: onDemandOf(row, input.onDemandToSpotRatio),
      currency: input.currency,
      source: input.computeSource,
      estimated: false,
    });
    if (
      !billedDays.has(row.date) &&
      labelled &&
      row.category === 'compute' &&
      row.vcpuHours !== null &&
      row.gbHours !== null
    ) {
      const rate = input.rates[tenant.region];
      if (!rate) {
        regionsWithoutRate.add(tenant.region);
        continue;
      }
      const amount = upliftOfRequests(
        { vcpuHours: row.vcpuHours, gbHours: row.gbHours },
        rate,
      );
      estimatedJobs.add(
        `${row.date}/${row.virtualClusterId}/${row.emrJobRunId}`,
      );
      add({
        date: row.date,
        tenant: tenant.name,
        tenantUid: tenant.uid,
        ...fields,
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount,
        amountLow: amount,
        amountHigh: amount,
        onDemandAmount: null,
        currency: input.currency,
        source: 'estimate',
        estimated: true,
      });
    }
  }

  // Otherwise from what the runs asked for, over the hours they ran.
  const tenantsByUid = new Map(input.tenants.map(t => [t.uid, t]));
  for (const run of input.runs) {
    const tenant = tenantsByUid.get(run.tenantUid);
    if (!tenant || !run.requested) {
      continue;
    }
    for (const day of input.days) {
      if (
        billedDays.has(day) ||
        estimatedJobs.has(`${day}/${run.virtualClusterId}/${run.emrJobRunId}`)
      ) {
        continue;
      }
      const ms = overlapOnDay(day, run.createdAt, run.finishedAt ?? input.now);
      if (ms <= 0) {
        continue;
      }
      const rate = input.rates[tenant.region];
      if (!rate) {
        regionsWithoutRate.add(tenant.region);
        continue;
      }
      const estimate = upliftOfRun(run.requested, ms, rate);
      add({
        date: day,
        tenant: tenant.name,
        tenantUid: tenant.uid,
        ...jobFields(tenant, run.virtualClusterId, run.emrJobRunId),
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount: estimate.amount,
        amountLow: estimate.low,
        amountHigh: estimate.high,
        onDemandAmount: null,
        currency: input.currency,
        source: 'estimate',
        estimated: true,
      });
    }
  }

  return {
    rows: [...rows.values()],
    billedDays,
    ignored: {
      rows: ignoredRows,
      virtualClusters: [...ignoredVcs].sort(),
      namespaces: [...ignoredNamespaces].sort(),
    },
    regionsWithoutRate: [...regionsWithoutRate].sort(),
  };
}

/** What the row's compute costs On-Demand: from the bill, or a configured ratio for Spot. */
function onDemandOf(row: ComputeRow, ratio: number | undefined): number | null {
  if (row.onDemandAmount !== null) {
    return row.onDemandAmount;
  }
  if (row.capacityType === 'spot' && row.category === 'compute' && ratio) {
    return row.amount * ratio;
  }
  return null;
}

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}
