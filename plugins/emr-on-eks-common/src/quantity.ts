/*
 * Kubernetes resource quantities ("500m", "2", "4Gi", "1e3"), parsed the way the
 * API server reads them, so that we can reject bad values and compare sizes
 * (LimitRange min <= max, a request within a limit) before anything is applied.
 *
 * The grammar (k8s.io/apimachinery/pkg/api/resource):
 *
 *   <quantity>        ::= <signedNumber><suffix>
 *   <signedNumber>    ::= <sign><numericValue> | <numericValue>
 *   <numericValue>    ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
 *
 * `E` alone is exa (10^18); `E` followed by digits is an exponent. The API
 * server reads the exponent as a whole number.
 */

/** Longest quantity text accepted; real quantities are far shorter. */
export const QUANTITY_MAX_LENGTH = 64;

const QUANTITY_PATTERN =
  /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const SUFFIX_FACTORS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
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
 * memory and storage). Returns `undefined` when the text is not a quantity,
 * or when its value does not fit a finite number.
 *
 * @public
 */
export function parseQuantity(text: string): number | undefined {
  if (typeof text !== 'string' || text.length > QUANTITY_MAX_LENGTH) {
    return undefined;
  }
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) {
    return undefined;
  }
  const [, sign, digits, suffix, exponent] = match;
  const value =
    exponent !== undefined
      ? Number(`${digits}e${exponent}`)
      : Number(digits) * (suffix === undefined ? 1 : SUFFIX_FACTORS[suffix]);
  if (!Number.isFinite(value)) {
    return undefined;
  }
  return sign === '-' && value !== 0 ? -value : value;
}
