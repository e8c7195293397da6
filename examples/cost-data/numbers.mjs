// @ts-check
/**
 * Amounts: rounded once when written, summed as integer units, so the sums
 * of the files are exact.
 */

export const CUR_SCALE = 1e8; // CUR amounts: 8 decimals
export const KUBECOST_SCALE = 1e6; // Kubecost amounts: 6 decimals

/** @param {number} value @param {number} digits */
function fixed(value, digits) {
  const tiny = 0.5 / 10 ** digits;
  return (Math.abs(value) < tiny ? 0 : value).toFixed(digits);
}

/** A CUR amount: 8 decimals, trailing zeros dropped. @param {number} value */
export function curNumber(value) {
  return fixed(value, 8).replace(/\.?0+$/, '') || '0';
}

/** A Kubecost amount: always 6 decimals. @param {number} value */
export function kubecostNumber(value) {
  return fixed(value, 6);
}

/** @param {string} text @param {number} scale */
export function unitsOf(text, scale) {
  return text === '' ? 0 : Math.round(Number(text) * scale);
}

/** @param {number} units @param {number} scale */
export function amountOfUnits(units, scale) {
  return Number((units / scale).toFixed(Math.round(Math.log10(scale))));
}

/**
 * Kubecost's `total_cost`: the sum of the rounded parts.
 * @param {...string} parts
 */
export function kubecostTotal(...parts) {
  const units = parts.reduce(
    (sum, part) => sum + unitsOf(part, KUBECOST_SCALE),
    0,
  );
  return kubecostNumber(units / KUBECOST_SCALE);
}

/**
 * Sums of integer units, per key.
 */
export class Sums {
  /** @param {number} scale */
  constructor(scale) {
    this.scale = scale;
    /** @type {Map<string, number>} */
    this.units = new Map();
  }

  /** @param {string} key @param {string} value */
  add(key, value) {
    this.units.set(
      key,
      (this.units.get(key) ?? 0) + unitsOf(value, this.scale),
    );
  }

  /** @param {string} key */
  get(key) {
    return amountOfUnits(this.units.get(key) ?? 0, this.scale);
  }
}

/** Code-unit order, as the sorts of the files need. @param {string} a @param {string} b */
export function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
