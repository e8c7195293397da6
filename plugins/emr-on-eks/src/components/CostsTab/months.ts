import { costMonthSchema } from '@spot-spark/plugin-emr-on-eks-common';

/** The URL parameter of the month shown (`?month=2026-11`). */
export const MONTH_PARAM = 'month';

/** The month of a UTC time, YYYY-MM. */
export function monthOf(time: number): string {
  return new Date(time).toISOString().slice(0, 7);
}

/** The `count` months up to and including `last`, newest first. */
export function monthsUpTo(last: string, count: number): string[] {
  const [year, month] = last.split('-').map(Number);
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(year, month - 1 - i, 1)).toISOString().slice(0, 7),
  );
}

/** The URL's month when it is one, else this month (UTC). */
export function readMonth(params: URLSearchParams, now: number): string {
  const named = params.get(MONTH_PARAM);
  return named && costMonthSchema.safeParse(named).success
    ? named
    : monthOf(now);
}
