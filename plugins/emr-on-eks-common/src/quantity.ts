/*
 * Kubernetes resource quantities ("500m", "2", "4Gi", "1e3"), parsed the way the
 * API server reads them, so that we can reject bad values and compare sizes
 * (LimitRange min <= max, a request within a limit) before anything is applied.
 */

const QUANTITY_PATTERN =
  /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIX_FACTORS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a Kubernetes quantity into a plain number (cores for CPU, bytes for
 * memory and storage). Returns `undefined` when the text is not a quantity.
 *
 * @public
 */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(text.trim());
  if (!match || text.trim() !== text) {
    return undefined;
  }
  const [, sign, digits, suffix = ''] = match;
  const factor =
    suffix.startsWith('e') || suffix.startsWith('E')
      ? 10 ** Number(suffix.slice(1))
      : SUFFIX_FACTORS[suffix];
  const value = Number(digits) * factor;
  if (!Number.isFinite(value)) {
    return undefined;
  }
  return sign === '-' ? -value : value;
}
