import type {
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

function cell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
