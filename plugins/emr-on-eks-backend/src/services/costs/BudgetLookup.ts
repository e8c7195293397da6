import type { BudgetStatus } from '@spot-spark/plugin-emr-on-eks-common';

/** A tenant incarnation's budget as the admin's overview shows it. */
export interface BudgetOfMonth {
  /** The budget's amount per month. */
  budget: number;
  /** The month's forecast at the last threshold check; null before one. */
  forecast: number | null;
  /** The month against the budget at the last check; null before one. */
  status: BudgetStatus | null;
}

/**
 * What the cost overview needs of budgets: every budgeted incarnation's
 * figures for a month, in one read (no per-tenant queries).
 */
export interface BudgetLookup {
  /** Keyed by tenant uid; incarnations without a budget are absent. */
  budgetsOfMonth(
    tenantUids: string[] | 'all',
    month: string,
  ): Promise<Map<string, BudgetOfMonth>>;
}
