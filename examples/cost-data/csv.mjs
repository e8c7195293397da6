// @ts-check
/** CSV text (RFC 4180, `\n` line ends), one file per month. */

/** @param {string} value */
function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * @param {readonly string[]} columns
 * @param {Array<Record<string, string>>} rows
 */
export function csvText(columns, rows) {
  const lines = [columns.join(',')];
  for (const row of rows) {
    lines.push(columns.map(column => csvField(row[column] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One CSV file per month (YYYY-MM), months in order, rows in their order.
 * @param {Array<Record<string, string>>} rows
 * @param {(row: Record<string, string>) => string} monthOf
 * @param {readonly string[]} columns
 * @param {(month: string) => string} pathOf
 * @returns {Array<{ path: string, text: string, rows: number }>}
 */
export function monthlyCsvFiles(rows, monthOf, columns, pathOf) {
  /** @type {Map<string, Array<Record<string, string>>>} */
  const byMonth = new Map();
  for (const row of rows) {
    const month = monthOf(row);
    const list = byMonth.get(month) ?? [];
    list.push(row);
    byMonth.set(month, list);
  }
  return [...byMonth.keys()].sort().map(month => {
    const monthRows = /** @type {Array<Record<string, string>>} */ (
      byMonth.get(month)
    );
    return {
      path: pathOf(month),
      text: csvText(columns, monthRows),
      rows: monthRows.length,
    };
  });
}
