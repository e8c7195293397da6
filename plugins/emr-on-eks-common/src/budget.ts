import { z } from 'zod';

/** The thresholds a budget alerts at when none are given, in percent. @public */
export const DEFAULT_BUDGET_THRESHOLDS = [50, 80, 100] as const;

/**
 * A tenant's monthly budget as an admin sets it with
 * `PUT /tenants/:name/budget`: an amount per calendar month (UTC) in an ISO
 * 4217 currency, and the percentages of it that alert the tenant's owners.
 * The thresholds are sorted and deduplicated.
 *
 * @public
 */
export const budgetInputSchema = z
  .object({
    amount: z
      .number()
      .finite()
      .positive({ message: 'must be more than 0' })
      .max(1e12, { message: 'must be at most 1e12' })
      // Less than a cent would make every percentage of it infinite.
      .refine(amount => amount <= 0 || amount >= 0.01, {
        message: 'must be at least 0.01',
      }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD' }),
    thresholds: z
      .array(
        z
          .number()
          .int({ message: 'must be a whole percentage' })
          .min(1, { message: 'must be at least 1 (%)' })
          .max(1000, { message: 'must be at most 1000 (%)' }),
      )
      .min(1, { message: 'must list at least one percentage' })
      .max(10, { message: 'must list at most 10 percentages' })
      .default([...DEFAULT_BUDGET_THRESHOLDS])
      .transform(values => [...new Set(values)].sort((a, b) => a - b)),
  })
  .strict();

/** A budget as sent, before defaults. @public */
export type BudgetInput = z.input<typeof budgetInputSchema>;

/** A tenant incarnation's monthly budget. @public */
export interface TenantBudget {
  /** The tenant's name. */
  tenant: string;
  /** The tenant incarnation the budget belongs to. */
  tenantUid: string;
  /** The amount per calendar month (UTC), in `currency`. */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  /** Percentages of `amount` that alert the owners, ascending. */
  thresholds: number[];
  /** Who set it last (an entity ref). */
  updatedBy: string;
  /** When it was set last, ISO 8601. */
  updatedAt: string;
}

/** What crossed a threshold: the month's actual costs, or the forecast. @public */
export type BudgetBasis = 'actual' | 'forecast';

/**
 * Where a month stands against its budget: `ok`, `at-risk` (the forecast
 * reaches the budget) or `over` (the month to date has reached it).
 *
 * @public
 */
export type BudgetState = 'ok' | 'at-risk' | 'over';

/** A month's costs against the tenant's budget. @public */
export interface BudgetStatus {
  /** `over` from 100 % of the month to date, `at-risk` from 100 % of the forecast. */
  state: BudgetState;
  /** Month to date as a percentage of the budget. */
  actualPercent: number;
  /** The forecast for the month's end as a percentage of the budget. */
  forecastPercent: number;
  /**
   * Each threshold reached, with what reached it first: `actual` when the
   * month to date has, `forecast` when only the forecast has.
   */
  crossed: Array<{ threshold: number; basis: BudgetBasis }>;
}

/**
 * A month's forecast for a tenant: `GET /tenants/:name/costs/forecast`.
 *
 * @public
 */
export interface CostForecast {
  /** The tenant's name. */
  tenant: string;
  /** The tenant incarnation. */
  tenantUid: string;
  /** The calendar month (UTC), YYYY-MM. */
  month: string;
  /** ISO 4217 code of every amount. */
  currency: string;
  /** The last day counted as the month to date (today, or the month's last day). */
  asOf: string;
  /** Days in the month. */
  daysInMonth: number;
  /** Days of the month up to and including `asOf`. */
  daysElapsed: number;
  /** The month's costs up to `asOf`: billed, estimated, and both. */
  monthToDate: { total: number; billed: number; estimated: number };
  /**
   * The month's expected total: the month to date plus the remaining days at
   * the recent daily rate, with a low/high band (docs/chargeback.md,
   * Forecast). Equal to the month to date once the month is over.
   */
  forecast: { amount: number; low: number; high: number; method: string };
  /** The tenant's budget; null when it has none. */
  budget: TenantBudget | null;
  /** The month against the budget; null without a budget. */
  status: BudgetStatus | null;
}

/**
 * One row of the admin's cost overview: a tenant incarnation (or idle or
 * unallocated capacity) in a month, with the previous month beside it.
 *
 * @public
 */
export interface CostOverviewRow {
  /** The tenant's name, or `__idle__` / `__unallocated__`. */
  tenant: string;
  /** The incarnation; null for idle and unallocated capacity. */
  tenantUid: string | null;
  /** True when the incarnation has been offboarded since. */
  offboarded: boolean;
  /** The tenant's owner (entity ref), when known. */
  owner: string | null;
  /** The month's total, estimates included. */
  total: number;
  /** The estimated part of `total`. */
  estimated: number;
  /** The previous month's total for the same incarnation. */
  previousTotal: number;
  /** `(total - previousTotal) / previousTotal`; null when the previous month is 0. */
  change: number | null;
  /** Compute (pods, nodes) of the month. */
  compute: number;
  /** EMR's uplift of the month. */
  uplift: number;
  /** Storage of the month. */
  storage: number;
  /** The Spot part of `compute`, as a fraction 0..1; null without compute. */
  spotShare: number | null;
  /** What the Spot compute would have cost On-Demand, less what it cost; null when unknown. */
  spotSavings: number | null;
  /** The tenant's budget amount; null without one. */
  budget: number | null;
  /** The month's forecast at the last check; null without one. */
  forecast: number | null;
  /** The month against the budget; null without a budget. */
  budgetStatus: BudgetStatus | null;
}

/** The estimate against the bill, summed over a month's billed days. @public */
export interface CostEstimateErrorOfMonth {
  /** YYYY-MM. */
  month: string;
  /** What was estimated for the days before the bill landed. */
  estimated: number;
  /** What the bill says for the same days. */
  actual: number;
  /** `(estimated - actual) / actual`; null when `actual` is 0. */
  error: number | null;
}

/**
 * The admin's cost overview: `GET /costs/overview?month=YYYY-MM`.
 *
 * @public
 */
export interface CostOverview {
  /** The month, YYYY-MM. */
  month: string;
  /** The month before, YYYY-MM. */
  previousMonth: string;
  /** ISO 4217 code of every amount. */
  currency: string;
  /** The last day the bill fully covers; null before any bill. */
  completeThrough: string | null;
  /** When the rollup last ran, ISO 8601; null before the first. */
  refreshedAt: string | null;
  /** Sums of every row. */
  totals: {
    total: number;
    previousTotal: number;
    compute: number;
    uplift: number;
    storage: number;
    spotSavings: number | null;
    /** Idle nodes' cost in the month. */
    idle: number;
    /** Cost no tenant held on its day. */
    unallocated: number;
  };
  /**
   * Every tenant incarnation with costs in the month or the month before (a
   * tenant whose costs fell to nothing shows it) or with a budget, idle and
   * unallocated included; largest first.
   */
  rows: CostOverviewRow[];
  /**
   * The estimate against the bill per month, of the last 12 months up to
   * `month` that have one (months without a billed estimate are left out),
   * oldest first.
   */
  estimateErrors: CostEstimateErrorOfMonth[];
}

/**
 * A calendar month `YYYY-MM` (2000-01 to 2999-12).
 *
 * @public
 */
export const costMonthSchema = z.string().regex(/^2\d{3}-(0[1-9]|1[0-2])$/, {
  message: 'must be a month written YYYY-MM',
});
