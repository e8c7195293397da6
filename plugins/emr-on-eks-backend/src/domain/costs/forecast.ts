import { addCostDays, costDays } from '@spot-spark/plugin-emr-on-eks-common';

/*
 * A month's end forecast from daily totals (docs/chargeback.md, Forecast).
 * Pure: the caller reads the days and says which day is "today".
 *
 * - The month to date is the sum of the month's days up to `asOf`.
 * - The daily rate is the mean of the 14 complete days before `asOf` (the
 *   days of the previous month count), of those the tenant existed; with
 *   fewer than 7 such days, the mean of the month's days so far (since the
 *   tenant existed, `asOf` included); with no history, there is no rate and
 *   the forecast is the month to date.
 * - The forecast is the month to date plus the days after `asOf` at that
 *   rate (never below the month to date: a negative rate counts as 0).
 * - The band is a 90 % prediction interval of the remaining days' sum under
 *   a normal approximation of independent days: ± 1.645 · s · √(R + R²/n),
 *   s the sample standard deviation of the n days the rate came from and R
 *   the days left (R for the days' own spread, R²/n for the rate's
 *   uncertainty), floored at the month to date. From one day (no spread
 *   known), the band is the month to date up to twice the expected rest.
 */

/** z of a two-sided 90 % interval of a normal distribution. */
const Z_90 = 1.645;
/** Complete days before today the rate is the mean of. */
export const FORECAST_WINDOW_DAYS = 14;
/** Fewer days of history than this: the month-to-date mean instead. */
export const FORECAST_MIN_HISTORY_DAYS = 7;

/** Where the forecast's daily rate came from. */
export type ForecastBasis =
  | 'month-over'
  | 'recent-days'
  | 'month-to-date-mean'
  | 'no-history';

/** What a forecast needs: the month, "today", and the daily totals. */
export interface ForecastInput {
  /** YYYY-MM. */
  month: string;
  /** The last day counted as the month to date, within the month (later days are clamped to its end). */
  asOf: string;
  /**
   * The first day of the tenant's history (its first day, or the first day
   * rolled up if later); null when it has none yet. Days before it are not
   * history, so a new tenant's rate is not diluted by days it did not exist.
   */
  historyStart: string | null;
  /** The total of each day; a missing day is 0. */
  daily: ReadonlyMap<string, number>;
}

/** A month's forecast. */
export interface MonthForecast {
  month: string;
  asOf: string;
  daysInMonth: number;
  /** Days of the month up to and including `asOf`. */
  daysElapsed: number;
  monthToDate: number;
  /** The forecast of the month's total. */
  amount: number;
  low: number;
  high: number;
  /** The daily rate of the remaining days. */
  dailyRate: number;
  /** How many days the rate is the mean of. */
  rateDays: number;
  basis: ForecastBasis;
  /** The method, in words (shown with the figures). */
  method: string;
}

/** The first and last day of a month `YYYY-MM`, and its length. */
export function monthBounds(month: string): {
  first: string;
  last: string;
  days: number;
} {
  const [year, mon] = month.split('-').map(Number);
  const days = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return {
    first: `${month}-01`,
    last: `${month}-${String(days).padStart(2, '0')}`,
    days,
  };
}

/** The month `YYYY-MM` of a day `YYYY-MM-DD`. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The first day whose daily total a forecast of `month` as of `asOf` reads. */
export function forecastReadsFrom(month: string, asOf: string): string {
  const { first } = monthBounds(month);
  const windowStart = addCostDays(asOf, -FORECAST_WINDOW_DAYS);
  return windowStart < first ? windowStart : first;
}

/** The month's end from its days so far; see the file's comment for the method. */
export function forecastMonth(input: ForecastInput): MonthForecast {
  const { month, daily } = input;
  const { first, last, days: daysInMonth } = monthBounds(month);
  if (input.asOf < first) {
    throw new Error(`asOf ${input.asOf} is before the month ${month}`);
  }
  const asOf = input.asOf > last ? last : input.asOf;
  const daysElapsed = Number(asOf.slice(8, 10));
  const remaining = daysInMonth - daysElapsed;
  const total = (dates: string[]) =>
    dates.reduce((sum, date) => sum + (daily.get(date) ?? 0), 0);
  const monthToDate = total(costDays(first, asOf));
  const flat = (basis: ForecastBasis, method: string): MonthForecast => ({
    month,
    asOf,
    daysInMonth,
    daysElapsed,
    monthToDate,
    amount: monthToDate,
    low: monthToDate,
    high: monthToDate,
    dailyRate: 0,
    rateDays: 0,
    basis,
    method,
  });
  if (remaining === 0) {
    return flat('month-over', 'the month is over: its total');
  }
  const { historyStart } = input;
  if (historyStart === null || historyStart > asOf) {
    return flat('no-history', 'no cost history yet: the month to date only');
  }
  const windowStart = maxDay(
    addCostDays(asOf, -FORECAST_WINDOW_DAYS),
    historyStart,
  );
  const windowEnd = addCostDays(asOf, -1);
  const window =
    windowStart <= windowEnd ? costDays(windowStart, windowEnd) : [];
  const recent = window.length >= FORECAST_MIN_HISTORY_DAYS;
  const sampleDays = recent
    ? window
    : costDays(maxDay(first, historyStart), asOf);
  const sample = sampleDays.map(date => daily.get(date) ?? 0);
  const n = sample.length;
  const mean = sample.reduce((sum, v) => sum + v, 0) / n;
  const dailyRate = Math.max(0, mean);
  const expected = remaining * dailyRate;
  const spread =
    n >= 2
      ? Z_90 *
        standardDeviation(sample, mean) *
        Math.sqrt(remaining + (remaining * remaining) / n)
      : expected;
  const rate = dailyRate.toFixed(2);
  return {
    month,
    asOf,
    daysInMonth,
    daysElapsed,
    monthToDate,
    amount: monthToDate + expected,
    low: monthToDate + Math.max(0, expected - spread),
    high: monthToDate + expected + spread,
    dailyRate,
    rateDays: n,
    basis: recent ? 'recent-days' : 'month-to-date-mean',
    method: recent
      ? `month to date + ${remaining} days × ${rate} a day (mean of the ${n} days before ${asOf})`
      : `month to date + ${remaining} days × ${rate} a day (mean of the month's ${n} days so far: under ${FORECAST_MIN_HISTORY_DAYS} days of history)`,
  };
}

function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}

/** The sample standard deviation (n - 1). */
function standardDeviation(values: number[], mean: number): number {
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** One tenant's daily totals over the days [from, to] it was observed. */
export interface CostSeries {
  tenant: string;
  from: string;
  to: string;
  daily: ReadonlyMap<string, number>;
}

/** The forecast's error from one cut-off day of the month. */
export interface BacktestOfCutoff {
  /** The day of the month the forecast was made on (its month to date ends there). */
  day: number;
  /** Tenant-months forecast (those with a total of 0 have no relative error and are left out). */
  months: number;
  /** Mean absolute percentage error; null without months. */
  mape: number | null;
  /** Mean signed percentage error (positive: the forecast was too high). */
  bias: number | null;
  /** The share of months whose total fell within the band, in percent. */
  coverage: number | null;
}

/**
 * For each complete month of each series and each cut-off day, forecasts
 * the month from the days up to the cut-off (history from the series'
 * start) and compares it with the month's actual total.
 */
export function backtestForecast(
  series: CostSeries[],
  cutoffDays: number[] = [7, 14, 21],
): BacktestOfCutoff[] {
  return cutoffDays.map(day => {
    const errors: number[] = [];
    let covered = 0;
    for (const s of series) {
      for (const month of completeMonths(s.from, s.to)) {
        const { first, last } = monthBounds(month);
        let actual = 0;
        for (const date of costDays(first, last)) {
          actual += s.daily.get(date) ?? 0;
        }
        if (actual === 0) {
          continue;
        }
        const forecast = forecastMonth({
          month,
          asOf: `${month}-${String(day).padStart(2, '0')}`,
          historyStart: s.from,
          daily: s.daily,
        });
        errors.push((forecast.amount - actual) / actual);
        if (forecast.low <= actual && actual <= forecast.high) {
          covered++;
        }
      }
    }
    const n = errors.length;
    return {
      day,
      months: n,
      mape: n ? (100 * errors.reduce((a, e) => a + Math.abs(e), 0)) / n : null,
      bias: n ? (100 * errors.reduce((a, e) => a + e, 0)) / n : null,
      coverage: n ? (100 * covered) / n : null,
    };
  });
}

/** The months wholly within [from, to]. */
export function completeMonths(from: string, to: string): string[] {
  const months: string[] = [];
  let month = monthOf(from);
  while (`${month}-01` <= to) {
    const { first, last } = monthBounds(month);
    if (first >= from && last <= to) {
      months.push(month);
    }
    month = monthOf(addCostDays(last, 1));
  }
  return months;
}
