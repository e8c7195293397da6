import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';

/**
 * The periods of the card: the last 7, 30 or 90 days, or this calendar
 * month, in UTC days (the days of the bill), each ending today.
 */
export const COST_PERIODS = [
  { value: '7d', label: 'Last 7 days', days: 7 },
  { value: '30d', label: 'Last 30 days', days: 30 },
  { value: '90d', label: 'Last 90 days', days: 90 },
  { value: 'month', label: 'This month', days: undefined },
] as const;

/** One of {@link COST_PERIODS}' values. */
export type CostPeriodValue = (typeof COST_PERIODS)[number]['value'];

/** The period shown when the URL names none. */
export const DEFAULT_COST_PERIOD: CostPeriodValue = '30d';

/**
 * Query parameter of the period. Prefixed, as the card shares the entity
 * page's URL with the job-runs card.
 */
export const COST_PERIOD_PARAM = 'costPeriod';

/** Days from `from` to `to`, both included, YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

/** Today in UTC, YYYY-MM-DD. */
export function todayUtc(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** How many days a range has, both ends included. */
export function rangeLength(range: DayRange): number {
  return (
    Math.round(
      (Date.parse(`${range.to}T00:00:00Z`) -
        Date.parse(`${range.from}T00:00:00Z`)) /
        86_400_000,
    ) + 1
  );
}

/** The days of a period that ends `today` (UTC, YYYY-MM-DD). */
export function periodRange(period: CostPeriodValue, today: string): DayRange {
  const found = COST_PERIODS.find(p => p.value === period);
  if (!found?.days) {
    return { from: `${today.slice(0, 7)}-01`, to: today };
  }
  return { from: addCostDays(today, 1 - found.days), to: today };
}

/**
 * The period to compare with: as many days, ending the day before `range`
 * starts (this month so far is compared with the same number of days before
 * the 1st).
 */
export function previousRange(range: DayRange): DayRange {
  const length = rangeLength(range);
  return {
    from: addCostDays(range.from, -length),
    to: addCostDays(range.from, -1),
  };
}

/** The period in the URL, or the default for a missing or unknown one. */
export function readPeriod(params: URLSearchParams): CostPeriodValue {
  const value = params.get(COST_PERIOD_PARAM);
  return (
    COST_PERIODS.find(p => p.value === value)?.value ?? DEFAULT_COST_PERIOD
  );
}

/** The URL with this period (the default is left out), other parameters kept. */
export function writePeriod(
  params: URLSearchParams,
  period: CostPeriodValue,
): URLSearchParams {
  const next = new URLSearchParams(params);
  if (period === DEFAULT_COST_PERIOD) {
    next.delete(COST_PERIOD_PARAM);
  } else {
    next.set(COST_PERIOD_PARAM, period);
  }
  return next;
}
