// @ts-check
/** Days and times: a time is minutes since the epoch, UTC; a day is YYYY-MM-DD. */

export const MINUTES_PER_DAY = 1440;

/**
 * The first minute of a day.
 * @param {string} day
 */
export function minuteOfDay(day) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new Error(`expected a day as YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new Error(`not a calendar day: ${day}`);
  }
  return ms / 60000;
}

/** @param {number} minute */
export function dayOf(minute) {
  return new Date(minute * 60000).toISOString().slice(0, 10);
}

/** ISO 8601 UTC without milliseconds. @param {number} minute */
export function isoOf(minute) {
  return `${new Date(minute * 60000).toISOString().slice(0, 19)}Z`;
}

/** @param {string} day @param {number} delta */
export function addDays(day, delta) {
  return dayOf(minuteOfDay(day) + delta * MINUTES_PER_DAY);
}

/** How long two intervals overlap. @param {number} a0 @param {number} a1 @param {number} b0 @param {number} b1 */
export function overlap(a0, a1, b0, b1) {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * The billing period of a day: first of its month, first of the next.
 * @param {string} day
 */
export function billingPeriodOf(day) {
  const [year, month] = day.split('-').map(Number);
  const next = month === 12 ? [year + 1, 1] : [year, month + 1];
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return {
    start: `${year}-${pad(month)}-01T00:00:00Z`,
    end: `${next[0]}-${pad(next[1])}-01T00:00:00Z`,
  };
}
