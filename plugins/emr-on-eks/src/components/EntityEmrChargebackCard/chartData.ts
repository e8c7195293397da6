import {
  costDays,
  CostReport,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';

/** The stacks of a day's bar, bottom first. */
export const COST_SERIES = [
  { key: 'computeSpot', label: 'Compute (Spot)' },
  { key: 'computeOnDemand', label: 'Compute (On-Demand)' },
  { key: 'computeUnknown', label: 'Compute (capacity unknown)' },
  { key: 'uplift', label: 'EMR uplift' },
  { key: 'storage', label: 'Storage' },
  { key: 'other', label: 'Other' },
] as const;

/** One stack of the chart. */
export type CostSeriesKey = (typeof COST_SERIES)[number]['key'];

/** One series with its label. */
export type CostSeries = (typeof COST_SERIES)[number];

/** One bar of the chart: a day's amounts per series. */
export interface CostDay {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** The day's amount per series (0 for none). */
  amounts: Record<CostSeriesKey, number>;
  /**
   * The series whose amount on that day is an estimate: a row marked so, or
   * a day after the last one the bill covers.
   */
  estimated: Partial<Record<CostSeriesKey, true>>;
  /** Sum of the day's amounts. */
  total: number;
}

/** The series a row of a `day,category,capacityType` report counts in. */
export function seriesOf(row: CostReportRow): CostSeriesKey {
  switch (row.category) {
    case 'compute':
      if (row.capacityType === 'spot') {
        return 'computeSpot';
      }
      return row.capacityType === 'on-demand'
        ? 'computeOnDemand'
        : 'computeUnknown';
    case 'emr-uplift':
      return 'uplift';
    case 'storage':
      return 'storage';
    default:
      return 'other';
  }
}

function noAmounts(): Record<CostSeriesKey, number> {
  return Object.fromEntries(COST_SERIES.map(s => [s.key, 0])) as Record<
    CostSeriesKey,
    number
  >;
}

/**
 * The bars of a report grouped by `day,category,capacityType`: one per day
 * of the period (days without rows at 0, so gaps show), plus any day a row
 * names outside it, so that the bars always add up to the rows.
 */
export function toCostDays(
  report: Pick<CostReport, 'from' | 'to' | 'rows' | 'completeThrough'>,
): CostDay[] {
  const byDate = new Map<string, CostDay>();
  const dayOf = (date: string) => {
    let day = byDate.get(date);
    if (!day) {
      day = { date, amounts: noAmounts(), estimated: {}, total: 0 };
      byDate.set(date, day);
    }
    return day;
  };
  if (report.from <= report.to) {
    costDays(report.from, report.to).forEach(dayOf);
  }
  for (const row of report.rows) {
    if (!row.date) {
      continue;
    }
    const day = dayOf(row.date);
    const series = seriesOf(row);
    day.amounts[series] += row.amount;
    day.total += row.amount;
    if (
      row.estimated ||
      (report.completeThrough !== null && row.date > report.completeThrough)
    ) {
      day.estimated[series] = true;
    }
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The series that have an amount on some day, in stacking order. */
export function seriesPresent(days: CostDay[]): CostSeries[] {
  return COST_SERIES.filter(series =>
    days.some(day => day.amounts[series.key] !== 0),
  );
}

/** True when some amount of the day is an estimate. */
export function isEstimatedDay(day: CostDay): boolean {
  return Object.keys(day.estimated).length > 0;
}

/**
 * What the chart shows, in a sentence: its accessible name, for those who
 * cannot see it (the data table beside it has every figure).
 */
export function chartSummary(options: {
  days: CostDay[];
  total: number;
  completeThrough: string | null;
  format(amount: number): string;
}): string {
  const { days, total, completeThrough, format } = options;
  if (days.length === 0) {
    return 'Daily costs: no days.';
  }
  const series = seriesPresent(days).map(s => s.label);
  const parts = [
    `Daily costs from ${days[0].date} to ${days[days.length - 1].date}`,
  ];
  if (series.length > 0) {
    parts[0] += `, stacked by ${series.join(', ')}`;
  }
  parts.push(`total ${format(total)}`);
  const highest = days.reduce((a, b) => (b.total > a.total ? b : a));
  if (highest.total > 0) {
    parts.push(`highest on ${highest.date} at ${format(highest.total)}`);
  }
  const estimated = days.filter(isEstimatedDay).length;
  if (completeThrough) {
    parts.push(`billed through ${completeThrough}`);
  }
  if (estimated > 0) {
    parts.push(
      `${estimated} ${estimated === 1 ? 'day is' : 'days are'} estimated`,
    );
  }
  return `${parts.join('; ')}.`;
}
