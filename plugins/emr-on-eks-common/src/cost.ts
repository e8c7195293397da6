import { z } from 'zod';

/** What a cost row pays for. @public */
export const COST_CATEGORIES = ['compute', 'emr-uplift', 'storage'] as const;
/** What a cost row pays for. @public */
export type CostCategory = (typeof COST_CATEGORIES)[number];

/** The capacity a cost row's pods ran on. @public */
export const CAPACITY_TYPES = ['spot', 'on-demand', 'unknown'] as const;
/** The capacity a cost row's pods ran on. @public */
export type CapacityType = (typeof CAPACITY_TYPES)[number];

/**
 * Where a cost row's amount comes from: the Cost and Usage Report, a
 * Kubecost or OpenCost allocation, or the plugin's own estimate.
 *
 * @public
 */
export const COST_SOURCES = [
  'cur',
  'kubecost',
  'opencost',
  'estimate',
] as const;
/** Where a cost row's amount comes from. @public */
export type CostSource = (typeof COST_SOURCES)[number];

/**
 * How a cost report groups its rows. Several may be combined
 * (`groupBy=day,category,capacityType`); each names the row field it fills:
 * `day` → `date`, `job` → `emrJobRunId` (with `jobRunId`, `jobName` and
 * `entityRef` when the plugin submitted the run), `category`, `capacityType`,
 * `tenant` (the summary's grouping).
 *
 * @public
 */
export const COST_GROUP_BY = [
  'day',
  'job',
  'category',
  'capacityType',
  'tenant',
] as const;
/** One grouping of a cost report. @public */
export type CostGroupBy = (typeof COST_GROUP_BY)[number];

/**
 * Rows of idle nodes, and of pods and virtual clusters no tenant held on
 * their day: reported as their own "tenants" in the summary, never charged
 * to a team silently. Tenant names cannot start with `_`, so these never
 * collide with one.
 *
 * @public
 */
export const UNCHARGED_COST_TENANTS = ['__idle__', '__unallocated__'] as const;

/**
 * One daily cost row as the rollup stores it.
 *
 * @public
 */
export interface CostRow {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** The tenant, or `__idle__` / `__unallocated__`. */
  tenant: string;
  /** The EMR virtual cluster of the row; null for idle and unallocated rows. */
  virtualClusterId: string | null;
  /** EMR's job-run id; null for costs of no single run (idle, shared). */
  emrJobRunId: string | null;
  /** The catalog entity the run was submitted for, when the plugin submitted it. */
  entityRef: string | null;
  /** What the amount pays for. */
  category: CostCategory;
  /** The capacity the pods ran on (`unknown` for the uplift). */
  capacityType: CapacityType;
  /** The cost, in `currency`. */
  amount: number;
  /** ISO 4217 code of the bill. */
  currency: string;
  /** Where the amount comes from. */
  source: CostSource;
  /**
   * True for the plugin's estimate of what the bill does not cover yet: on a
   * day after `completeThrough`, what is billed so far is a row of its own
   * (not estimated), and the estimate only adds what the runs explain beyond
   * it.
   */
  estimated: boolean;
}

/** A row of a cost report: the grouped fields, then the amounts. @public */
export interface CostReportRow {
  /** `groupBy=day`: the UTC day. */
  date?: string;
  /** `groupBy=job`: EMR's job-run id (null: costs of no single run). */
  emrJobRunId?: string | null;
  /** The plugin's id of the run (for links), when it knows the run. */
  jobRunId?: string | null;
  /** `groupBy=job`: the run's name, when the plugin knows the run. */
  jobName?: string | null;
  /** `groupBy=job`: the run's catalog entity, when the plugin submitted it. */
  entityRef?: string | null;
  /** `groupBy=category`. */
  category?: CostCategory;
  /** `groupBy=capacityType`. */
  capacityType?: CapacityType;
  /** `groupBy=tenant` (the summary): the tenant's name, or `__idle__` / `__unallocated__`. */
  tenant?: string;
  /**
   * `groupBy=tenant`: the tenant incarnation the row belongs to (null for
   * idle and unallocated). A name offboarded and onboarded again is two
   * incarnations, two rows.
   */
  tenantUid?: string | null;
  /** `groupBy=tenant`: true when the incarnation has been offboarded since. */
  offboarded?: boolean;
  /** Sum of the group's rows. */
  amount: number;
  /** True when any of the group's rows is an estimate. */
  estimated: boolean;
  /**
   * The estimated part of `amount`, when it has one; the rest is billed. On
   * a day the bill covers only partly, a group holds both: what is billed so
   * far, and the estimate of what the runs explain beyond it.
   */
  estimatedAmount?: number;
  /** Low end of the group's estimated part, when it has one. */
  estimatedLow?: number;
  /** High end of the group's estimated part, when it has one. */
  estimatedHigh?: number;
}

/**
 * A cost report: `GET /tenants/:name/costs`, `GET /costs?entityRef=` and
 * `GET /costs/summary`.
 *
 * @public
 */
export interface CostReport {
  /** ISO 4217 code of every amount. */
  currency: string;
  /** First day of the period, inclusive. */
  from: string;
  /** Last day of the period, inclusive. */
  to: string;
  /** The groupings of `rows`. */
  groupBy: CostGroupBy[];
  /** Sum of every row, estimates included. */
  total: number;
  /** The part of `total` that is estimated. */
  estimatedTotal: number;
  /** Range of the estimated part: from the fewest to the most executors. */
  estimatedRange: { low: number; high: number };
  /** The last day the bill fully covers; null before any bill. */
  completeThrough: string | null;
  /**
   * What the Spot compute would have cost On-Demand, less what it cost; null
   * when neither the bill's On-Demand columns nor a configured ratio tell.
   */
  spotSavings: number | null;
  /** Where the figures come from; null when that part is not configured. */
  sources: { uplift: string | null; compute: string | null };
  /** When the rollup last ran, ISO 8601; null before the first. */
  refreshedAt: string | null;
  /** The grouped rows: by day in date order, otherwise largest first. */
  rows: CostReportRow[];
}

/**
 * How close the estimate came, for a tenant and period the bill now covers.
 *
 * @public
 */
export interface CostEstimateAccuracy {
  /** The tenant's name. */
  tenant: string;
  /** The tenant incarnation. */
  tenantUid: string;
  /** True when the incarnation has been offboarded since. */
  offboarded: boolean;
  /** What was estimated for the days before the bill landed. */
  estimated: number;
  /** What the bill says for the same days. */
  actual: number;
}

/** The admin summary: the report grouped per tenant, with estimate errors. @public */
export interface CostSummary extends CostReport {
  /** Per tenant: the estimates of days the bill now covers, against the bill. */
  estimateAccuracy: CostEstimateAccuracy[];
}

/** The answer of `POST /costs/refresh`. @public */
export interface CostRefreshResult {
  /** First day recomputed. */
  from: string;
  /** Last day recomputed. */
  to: string;
  /** Rows written. */
  rows: number;
  /**
   * Rows of the sources charged to `__unallocated__`: their namespace or
   * virtual cluster was no tenant incarnation's on their day. Kept, never
   * dropped, so the rollup adds up to the bill.
   */
  unallocatedRows: number;
  /** The last day the bill fully covers, after the refresh. */
  completeThrough: string | null;
  /** When the refresh ran, ISO 8601. */
  refreshedAt: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar day `YYYY-MM-DD` that exists (no 2026-02-30).
 *
 * @public
 */
export const costDaySchema = z.string().refine(
  value => {
    if (!DAY.test(value)) {
      return false;
    }
    const date = new Date(`${value}T00:00:00Z`);
    return (
      !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
    );
  },
  { message: 'must be a calendar day written YYYY-MM-DD' },
);

/** The days from `from` to `to`, inclusive, as YYYY-MM-DD. @public */
export function costDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day.toISOString().slice(0, 10) <= to;
    day = new Date(day.getTime() + 86_400_000)
  ) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}

/** `day` moved by `delta` days. @public */
export function addCostDays(day: string, delta: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + delta * 86_400_000)
    .toISOString()
    .slice(0, 10);
}
