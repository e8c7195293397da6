import type {
  CostOverview,
  CostReport,
  CostReportRow,
} from '@spot-spark/plugin-emr-on-eks-common';

/** Columns of each grouping in a CSV export, in the report's field names. */
const GROUP_FIELDS: Record<string, Array<keyof CostReportRow>> = {
  day: ['date'],
  job: ['emrJobRunId', 'jobRunId', 'jobName', 'entityRef'],
  category: ['category'],
  capacityType: ['capacityType'],
  tenant: ['tenant', 'tenantUid', 'offboarded'],
};

/**
 * A report's rows as CSV (RFC 4180), for finance: the grouped fields, then
 * amount, currency, whether it is estimated and how much of it. Job names and entity refs
 * come from tenants, so a cell that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) is written as text with a leading '.
 */
export function costReportCsv(report: CostReport): string {
  const fields = report.groupBy.flatMap(g => GROUP_FIELDS[g] ?? []);
  const header = [
    ...fields,
    'amount',
    'currency',
    'estimated',
    'estimatedAmount',
    'estimatedLow',
    'estimatedHigh',
  ];
  const lines = [header.join(',')];
  for (const row of report.rows) {
    lines.push(
      [
        ...fields.map(field => cell(row[field])),
        row.amount.toFixed(6),
        report.currency,
        String(row.estimated),
        row.estimatedAmount === undefined ? '' : row.estimatedAmount.toFixed(6),
        row.estimatedLow === undefined ? '' : row.estimatedLow.toFixed(6),
        row.estimatedHigh === undefined ? '' : row.estimatedHigh.toFixed(6),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The admin's overview as CSV: one line per tenant incarnation (idle and
 * unallocated included) with the month's figures, the previous month's
 * total, Spot and budget. Names and owners come from tenants, so they go
 * through the same formula defusing as the reports.
 */
export function costOverviewCsv(overview: CostOverview): string {
  const header = [
    'month',
    'tenant',
    'tenantUid',
    'offboarded',
    'owner',
    'total',
    'estimated',
    'previousTotal',
    'change',
    'compute',
    'uplift',
    'storage',
    'spotShare',
    'spotSavings',
    'budget',
    'forecast',
    'budgetState',
    'currency',
  ];
  const amount = (value: number | null) =>
    value === null ? '' : value.toFixed(6);
  const lines = [header.join(',')];
  for (const row of overview.rows) {
    lines.push(
      [
        overview.month,
        cell(row.tenant),
        cell(row.tenantUid),
        String(row.offboarded),
        cell(row.owner),
        amount(row.total),
        amount(row.estimated),
        amount(row.previousTotal),
        amount(row.change),
        amount(row.compute),
        amount(row.uplift),
        amount(row.storage),
        amount(row.spotShare),
        amount(row.spotSavings),
        amount(row.budget),
        amount(row.forecast),
        row.budgetStatus?.state ?? '',
        overview.currency,
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A text cell: quoted when needed, a would-be formula written as text. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
