/*
 * Cost amounts as the sources answer them, checked before anything adds them
 * up: a string, an infinity or NaN would otherwise turn a tenant's total into
 * text or nonsense, or hide a broken export. A refusal names the source and
 * the field, and the refresh it belongs to changes nothing.
 */

/** Where an amount came from, for the refusal's message. */
export interface AmountOrigin {
  /** The source, by its config key or API path (`emrOnEks.costs.duckdb.curPath`). */
  source: string;
  /** The field or column, as the source names it. */
  field: string;
  /** Which row, when it helps to find it (a day, an allocation name). */
  row?: string;
}

function refuse(origin: AmountOrigin, value: unknown): never {
  throw new Error(
    `${origin.source}: ${origin.field}${
      origin.row ? ` of ${origin.row}` : ''
    } is not a finite number (${describe(
      value,
    )}); fix the source and refresh again`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `the text ${JSON.stringify(value.slice(0, 40))}`;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  return `a value of type ${value === null ? 'null' : typeof value}`;
}

/** An amount of a JSON answer: absent or null is 0; anything but a finite number is refused. */
export function jsonAmount(value: unknown, origin: AmountOrigin): number {
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    refuse(origin, value);
  }
  return value;
}

/** A cost column of a SQL answer (text): null when NULL; anything but a finite number is refused. */
export function sqlAmount(
  row: Record<string, string | null>,
  column: string,
  origin: AmountOrigin,
): number | null {
  const value = row[column];
  if (value === null || value === undefined || value === '') {
    return null;
  }
  const amount = Number(value);
  if (!Number.isFinite(amount)) {
    refuse(origin, value);
  }
  return amount;
}
