// Formatters made once per currency: a table of runs formats hundreds of
// amounts, and each `new Intl.NumberFormat` is slow.
const moneyFormats = new Map<string, (amount: number) => string>();

function moneyFormat(currency: string): (amount: number) => string {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      const intl = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
      });
      format = amount => intl.format(amount);
    } catch {
      // Not an ISO 4217 code Intl knows: the number, then the code as given.
      const intl = new Intl.NumberFormat(undefined, {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      });
      format = amount => `${intl.format(amount)} ${currency}`;
    }
    moneyFormats.set(currency, format);
  }
  return format;
}

/** An amount in a currency, for people: `$1,234.50`, `1.234,50 €`. */
export function formatMoney(amount: number, currency: string): string {
  return moneyFormat(currency)(amount);
}

let changeFormat: Intl.NumberFormat | undefined;

/**
 * The change from `previous` to `current` as a signed percentage (`+12%`,
 * `-5%`, `0%`), or undefined when there is nothing to compare with (a
 * previous amount of 0).
 */
export function formatChange(
  current: number,
  previous: number,
): string | undefined {
  if (
    previous === 0 ||
    !Number.isFinite(previous) ||
    !Number.isFinite(current)
  ) {
    return undefined;
  }
  changeFormat ??= new Intl.NumberFormat(undefined, {
    style: 'percent',
    signDisplay: 'exceptZero',
    maximumFractionDigits: 0,
  });
  return changeFormat.format((current - previous) / Math.abs(previous));
}

const compactFormats = new Map<string, Intl.NumberFormat | null>();

/** A short amount for a chart's axis: `$1.2K`. */
export function formatMoneyCompact(amount: number, currency: string): string {
  if (!compactFormats.has(currency)) {
    try {
      compactFormats.set(
        currency,
        new Intl.NumberFormat(undefined, {
          style: 'currency',
          currency,
          notation: 'compact',
          maximumFractionDigits: 1,
        }),
      );
    } catch {
      compactFormats.set(currency, null);
    }
  }
  return (
    compactFormats.get(currency)?.format(amount) ??
    formatMoney(amount, currency)
  );
}

let shareFormat: Intl.NumberFormat | undefined;

/** A fraction 0..1 as a whole percentage: `75%`. */
export function formatShare(fraction: number): string {
  shareFormat ??= new Intl.NumberFormat(undefined, {
    style: 'percent',
    maximumFractionDigits: 0,
  });
  return shareFormat.format(fraction);
}

let signedShareFormat: Intl.NumberFormat | undefined;

/** A signed fraction as a percentage: `+25%`, `-3%`, `0%`. */
export function formatSignedShare(fraction: number): string {
  signedShareFormat ??= new Intl.NumberFormat(undefined, {
    style: 'percent',
    signDisplay: 'exceptZero',
    maximumFractionDigits: 0,
  });
  return signedShareFormat.format(fraction);
}
