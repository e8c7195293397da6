import { formatChange, formatMoney, formatMoneyCompact } from './money';

describe('formatMoney', () => {
  it("writes amounts in the report's currency", () => {
    expect(formatMoney(1234.5, 'USD')).toBe('$1,234.50');
    expect(formatMoney(0.126, 'USD')).toBe('$0.13');
    expect(formatMoney(-3, 'USD')).toBe('-$3.00');
    expect(formatMoney(12, 'EUR')).toBe('€12.00');
    expect(formatMoney(12, 'JPY')).toBe('¥12');
  });

  it('writes the code after the number for a currency Intl does not know', () => {
    expect(formatMoney(12, 'not a code')).toBe('12.00 not a code');
  });

  it('shortens large amounts for an axis', () => {
    expect(formatMoneyCompact(1234, 'USD')).toBe('$1.2K');
    expect(formatMoneyCompact(12, 'USD')).toBe('$12');
  });
});

describe('formatChange', () => {
  it('is a signed percentage of the previous amount', () => {
    expect(formatChange(150, 100)).toBe('+50%');
    expect(formatChange(80, 100)).toBe('-20%');
    expect(formatChange(100, 100)).toBe('0%');
    expect(formatChange(100.2, 100)).toBe('0%');
  });

  it('is nothing when there was nothing before', () => {
    expect(formatChange(10, 0)).toBeUndefined();
    expect(formatChange(0, 0)).toBeUndefined();
  });
});
