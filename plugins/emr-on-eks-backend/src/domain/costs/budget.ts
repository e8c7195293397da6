import type {
  BudgetBasis,
  BudgetStatus,
} from '@spot-spark/plugin-emr-on-eks-common';

/*
 * A month against its budget (docs/chargeback.md, Budget alerts): which
 * thresholds the month to date has reached (`actual`), which only the
 * forecast has (`forecast`), and the state: `over` once the month to date
 * reaches the budget, `at-risk` once the forecast does, `ok` before.
 */

/** What a status needs of a budget. */
export interface BudgetFigure {
  amount: number;
  /** Percentages, ascending. */
  thresholds: number[];
}

/** Whether `value` reaches `percent` % of `amount` (no division: exact at the edge). */
function reaches(value: number, percent: number, amount: number): boolean {
  return value * 100 >= percent * amount;
}

/** The month to date and the forecast against the budget. */
export function budgetStatus(
  budget: BudgetFigure,
  monthToDate: number,
  forecast: number,
): BudgetStatus {
  const crossed: Array<{ threshold: number; basis: BudgetBasis }> = [];
  for (const threshold of budget.thresholds) {
    if (reaches(monthToDate, threshold, budget.amount)) {
      crossed.push({ threshold, basis: 'actual' });
    } else if (reaches(forecast, threshold, budget.amount)) {
      crossed.push({ threshold, basis: 'forecast' });
    }
  }
  let state: BudgetStatus['state'] = 'ok';
  if (reaches(monthToDate, 100, budget.amount)) {
    state = 'over';
  } else if (reaches(forecast, 100, budget.amount)) {
    state = 'at-risk';
  }
  return {
    state,
    actualPercent: (100 * monthToDate) / budget.amount,
    forecastPercent: (100 * forecast) / budget.amount,
    crossed,
  };
}

/**
 * The thresholds of `status` not alerted yet this month: at most one alert
 * per threshold and month, whatever crossed it.
 */
export function newlyCrossed(
  status: BudgetStatus,
  alerted: ReadonlySet<number>,
): Array<{ threshold: number; basis: BudgetBasis }> {
  return status.crossed.filter(c => !alerted.has(c.threshold));
}
