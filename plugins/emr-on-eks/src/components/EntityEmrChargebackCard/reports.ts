import {
  CostReport,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';

/** False when the backend has no `emrOnEks.costs`: neither source is set. */
export function isCostsConfigured(
  report: Pick<CostReport, 'sources'>,
): boolean {
  return report.sources.uplift !== null || report.sources.compute !== null;
}

const AMOUNT_FIELDS = new Set([
  'amount',
  'estimated',
  'estimatedAmount',
  'estimatedLow',
  'estimatedHigh',
]);

function groupKey(row: CostReportRow): string {
  return JSON.stringify(
    Object.entries(row)
      .filter(([field]) => !AMOUNT_FIELDS.has(field))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function addOptional(a: number | undefined, b: number | undefined) {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

function minDay(days: Array<string | null>): string | null {
  const known = days.filter((d): d is string => d !== null).sort();
  return known.length === days.length && known.length > 0 ? known[0] : null;
}

function maxTime(times: Array<string | null>): string | null {
  const known = times.filter((t): t is string => t !== null).sort();
  return known.length > 0 ? known[known.length - 1] : null;
}

/**
 * Several tenants' reports of one period and grouping as one, as a Group's
 * card shows them: amounts summed, rows of the same group added up, billed
 * through the earliest day all are, Spot savings summed where known.
 */
export function mergeReports(reports: CostReport[]): CostReport {
  if (reports.length === 0) {
    throw new Error('mergeReports needs a report');
  }
  if (reports.length === 1) {
    return reports[0];
  }
  const [first] = reports;
  const rows = new Map<string, CostReportRow>();
  for (const row of reports.flatMap(r => r.rows)) {
    const key = groupKey(row);
    const seen = rows.get(key);
    if (!seen) {
      rows.set(key, { ...row });
      continue;
    }
    seen.amount += row.amount;
    seen.estimated ||= row.estimated;
    const estimatedAmount = addOptional(
      seen.estimatedAmount,
      row.estimatedAmount,
    );
    if (estimatedAmount !== undefined) {
      seen.estimatedAmount = estimatedAmount;
    }
    const low = addOptional(seen.estimatedLow, row.estimatedLow);
    const high = addOptional(seen.estimatedHigh, row.estimatedHigh);
    if (low !== undefined) {
      seen.estimatedLow = low;
    }
    if (high !== undefined) {
      seen.estimatedHigh = high;
    }
  }
  const savings = reports
    .map(r => r.spotSavings)
    .filter((s): s is number => s !== null);
  return {
    currency: first.currency,
    from: first.from,
    to: first.to,
    groupBy: first.groupBy,
    total: reports.reduce((sum, r) => sum + r.total, 0),
    estimatedTotal: reports.reduce((sum, r) => sum + r.estimatedTotal, 0),
    estimatedRange: {
      low: reports.reduce((sum, r) => sum + r.estimatedRange.low, 0),
      high: reports.reduce((sum, r) => sum + r.estimatedRange.high, 0),
    },
    completeThrough: minDay(reports.map(r => r.completeThrough)),
    spotSavings:
      savings.length > 0 ? savings.reduce((sum, s) => sum + s, 0) : null,
    sources: {
      uplift:
        reports.find(r => r.sources.uplift !== null)?.sources.uplift ?? null,
      compute:
        reports.find(r => r.sources.compute !== null)?.sources.compute ?? null,
    },
    refreshedAt: maxTime(reports.map(r => r.refreshedAt)),
    rows: [...rows.values()],
  };
}

/**
 * Several tenants' CSV exports as one file, a `tenant` column first (the
 * per-tenant files do not say whose rows they are). Tenant names need no
 * quoting: they are DNS labels.
 */
export function mergeCsv(
  files: Array<{ tenant: string; csv: string }>,
): string {
  if (files.length === 1) {
    return files[0].csv;
  }
  const lines: string[] = [];
  files.forEach(({ tenant, csv }, index) => {
    const [header, ...rows] = csv.split(/\r\n|\n/).filter(line => line !== '');
    if (index === 0 && header !== undefined) {
      lines.push(`tenant,${header}`);
    }
    rows.forEach(row => lines.push(`${tenant},${row}`));
  });
  return `${lines.join('\r\n')}\r\n`;
}
