import type {
  CostSource,
  RequestedResources,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ComputeRow, StoredCostRow, UpliftRow } from './types';
import {
  overlapOnDay,
  upliftOfRequests,
  upliftOfRun,
  type Estimate,
  type UpliftRate,
} from './estimate';
import { Holders, heldOn, type CostIncarnation } from './incarnations';

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
  /** Every incarnation that lived during the days, offboarded ones included. */
  incarnations: CostIncarnation[];
  runs: CostRun[];
  rates: Record<string, UpliftRate>;
  currency: string;
  onDemandToSpotRatio?: number;
  now: Date;
}

/** The rows to store, and what went to no tenant, for the log. */
export interface RollupResult {
  rows: StoredCostRow[];
  billedDays: Set<string>;
  /** Input rows charged to `__unallocated__`: no incarnation held their namespace or virtual cluster that day. */
  unallocated: {
    rows: number;
    virtualClusters: string[];
    namespaces: string[];
  };
  /** Regions of tenants with unbilled days but no configured rate. */
  regionsWithoutRate: string[];
}

/** Rows charged to no tenant, reported under these names. */
export const IDLE = '__idle__';
export const UNALLOCATED = '__unallocated__';

/** The columns of a stored row that say who and what it is for. */
type Charge = Pick<
  StoredCostRow,
  | 'tenant'
  | 'tenantUid'
  | 'virtualClusterId'
  | 'emrJobRunId'
  | 'jobRunId'
  | 'jobName'
  | 'entityRef'
>;

const NO_JOB = {
  virtualClusterId: null,
  emrJobRunId: null,
  jobRunId: null,
  jobName: null,
  entityRef: null,
} as const;

/**
 * Turns what the bill and the compute source say into daily rows per tenant
 * incarnation, job, category and capacity type:
 * - every billed row is kept: uplift goes to the incarnation whose virtual
 *   cluster it is, if that incarnation held it on the row's day; anything
 *   else is `__unallocated__`, never dropped and never a current tenant's;
 * - compute goes to the incarnation that held the pods' namespace on that
 *   day (see {@link Holders.ofNamespace}); rows of no namespace are
 *   unallocated, whatever their labels say. The pods' job label names a job
 *   only inside that incarnation's own virtual clusters, so a team cannot
 *   shift its costs to another by labelling its pods;
 * - idle capacity is a row of its own, never a tenant's;
 * - on a day the bill does not cover yet (after `completeThrough`), what is
 *   billed so far stands as billed, and where a run's requests explain more
 *   uplift than that, the rest is added as an estimate; once the day is
 *   complete the bill alone stands.
 */
export function rollUpCosts(input: RollupInput): RollupResult {
  const days = new Set(input.days);
  const billedDays = new Set(
    input.days.filter(
      day => input.completeThrough !== null && day <= input.completeThrough,
    ),
  );
  const holders = new Holders(input.incarnations);
  const runs = new Map(
    input.runs.map(r => [`${r.virtualClusterId}/${r.emrJobRunId}`, r]),
  );
  const unallocatedVcs = new Set<string>();
  const unallocatedNamespaces = new Set<string>();
  let unallocatedRows = 0;
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
  /** The incarnation's charge for a job: named when the run is its own. */
  const chargeOf = (
    incarnation: CostIncarnation,
    vc: string | null,
    job: string | null,
  ): Charge => {
    const run = vc && job ? runs.get(`${vc}/${job}`) : undefined;
    const known = run && run.tenantUid === incarnation.uid ? run : undefined;
    return {
      tenant: incarnation.name,
      tenantUid: incarnation.uid,
      virtualClusterId: vc,
      emrJobRunId: job,
      jobRunId: known?.jobRunId ?? null,
      jobName: known?.name ?? null,
      entityRef: known?.entityRef ?? null,
    };
  };
  const jobKey = (day: string, charge: Charge) =>
    `${day}/${charge.tenantUid}/${charge.virtualClusterId}/${charge.emrJobRunId}`;

  // The bill's uplift, every day of the range; on unbilled days it is what
  // is billed so far, which the estimates below only add to.
  const billedSoFar = new Map<string, number>();
  for (const row of input.uplift) {
    if (!days.has(row.date)) {
      continue;
    }
    const incarnation = holders.ofVirtualCluster(
      row.virtualClusterId,
      row.date,
    );
    let charge: Charge;
    if (incarnation) {
      charge = chargeOf(incarnation, row.virtualClusterId, row.emrJobRunId);
    } else {
      unallocatedRows += 1;
      unallocatedVcs.add(row.virtualClusterId);
      // The ids stay, so an admin can find what was billed.
      charge = {
        ...NO_JOB,
        tenant: UNALLOCATED,
        tenantUid: null,
        virtualClusterId: row.virtualClusterId,
        emrJobRunId: row.emrJobRunId,
      };
    }
    if (incarnation && !billedDays.has(row.date)) {
      const key = jobKey(row.date, charge);
      billedSoFar.set(key, (billedSoFar.get(key) ?? 0) + row.amount);
    }
    add({
      date: row.date,
      ...charge,
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

  // Uplift estimates of unbilled days, per job: first from the compute
  // source's exact requests, then from what the runs asked for.
  const estimates = new Map<
    string,
    { day: string; charge: Charge; estimate: Estimate }
  >();
  const regionsWithoutRate = new Set<string>();
  const rateOf = (incarnation: CostIncarnation): UpliftRate | undefined => {
    const rate = incarnation.region ? input.rates[incarnation.region] : null;
    if (!rate) {
      regionsWithoutRate.add(
        incarnation.region ??
          `cluster ${incarnation.cluster ?? 'unknown'} (not configured)`,
      );
    }
    return rate ?? undefined;
  };

  for (const row of input.compute) {
    if (!days.has(row.date)) {
      continue;
    }
    const base = {
      date: row.date,
      category: row.category,
      capacityType: row.capacityType,
      amount: row.amount,
      amountLow: null,
      amountHigh: null,
      onDemandAmount: onDemandOf(row, input.onDemandToSpotRatio),
      currency: input.currency,
      source: input.computeSource,
      estimated: false,
    };
    if (row.allocation === 'idle') {
      add({ ...base, ...NO_JOB, tenant: IDLE, tenantUid: null });
      continue;
    }
    // Only the namespace the pods ran in names a tenant; labels never do.
    const incarnation =
      row.allocation !== 'unallocated' && row.namespace !== null
        ? holders.ofNamespace(row.namespace, row.date, row.virtualClusterId)
        : undefined;
    if (!incarnation) {
      if (row.allocation !== 'unallocated') {
        unallocatedRows += 1;
        if (row.namespace !== null) {
          unallocatedNamespaces.add(row.namespace);
        }
      }
      add({ ...base, ...NO_JOB, tenant: UNALLOCATED, tenantUid: null });
      continue;
    }
    // Labels name a job only inside the incarnation's own virtual clusters.
    const labelled =
      row.allocation === 'job' &&
      row.virtualClusterId !== null &&
      incarnation.virtualClusterIds.includes(row.virtualClusterId);
    const charge = labelled
      ? chargeOf(incarnation, row.virtualClusterId, row.emrJobRunId)
      : chargeOf(incarnation, null, null);
    add({ ...base, ...charge });
    if (
      !billedDays.has(row.date) &&
      labelled &&
      row.category === 'compute' &&
      row.vcpuHours !== null &&
      row.gbHours !== null
    ) {
      const rate = rateOf(incarnation);
      if (!rate) {
        continue;
      }
      const amount = upliftOfRequests(
        { vcpuHours: row.vcpuHours, gbHours: row.gbHours },
        rate,
      );
      const key = jobKey(row.date, charge);
      const earlier = estimates.get(key)?.estimate;
      estimates.set(key, {
        day: row.date,
        charge,
        estimate: {
          amount: (earlier?.amount ?? 0) + amount,
          low: (earlier?.low ?? 0) + amount,
          high: (earlier?.high ?? 0) + amount,
        },
      });
    }
  }

  for (const run of input.runs) {
    const incarnation = holders.withUid(run.tenantUid);
    if (!incarnation || !run.requested) {
      continue;
    }
    // A run never synced to its end did not outlive its tenant.
    const end = run.finishedAt ?? incarnation.offboardedAt ?? input.now;
    const charge = chargeOf(incarnation, run.virtualClusterId, run.emrJobRunId);
    for (const day of input.days) {
      const key = jobKey(day, charge);
      if (
        billedDays.has(day) ||
        estimates.has(key) ||
        !heldOn(incarnation, day)
      ) {
        continue;
      }
      const ms = overlapOnDay(day, run.createdAt, end);
      if (ms <= 0) {
        continue;
      }
      const rate = rateOf(incarnation);
      if (!rate) {
        continue;
      }
      estimates.set(key, {
        day,
        charge,
        estimate: upliftOfRun(run.requested, ms, rate),
      });
    }
  }

  // What the runs explain beyond what is billed so far, never less.
  for (const [key, { day, charge, estimate }] of estimates) {
    const billed = billedSoFar.get(key) ?? 0;
    const rest = estimate.amount - billed;
    if (rest <= 0) {
      continue;
    }
    add({
      date: day,
      ...charge,
      category: 'emr-uplift',
      capacityType: 'unknown',
      amount: rest,
      amountLow: Math.max(0, estimate.low - billed),
      amountHigh: Math.max(rest, estimate.high - billed),
      onDemandAmount: null,
      currency: input.currency,
      source: 'estimate',
      estimated: true,
    });
  }

  return {
    rows: [...rows.values()],
    billedDays,
    unallocated: {
      rows: unallocatedRows,
      virtualClusters: [...unallocatedVcs].sort(),
      namespaces: [...unallocatedNamespaces].sort(),
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
