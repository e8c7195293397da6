import fc from 'fast-check';
import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['1.', 1],
    ['.5', 0.5],
    ['+3', 3],
    ['4Gi', 4 * 2 ** 30],
    ['64Mi', 64 * 2 ** 20],
    ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    // E alone is exa, a decimal suffix; E followed by digits is an exponent.
    ['1E', 1e18],
    ['2E', 2e18],
    ['1E3', 1000],
    ['1e3', 1000],
    ['1e+3', 1000],
    ['1e-3', 0.001],
    ['1.5e2', 150],
    ['100n', 1e-7],
    ['100u', 1e-4],
    ['-1', -1],
    ['0', 0],
    ['-0', 0],
  ])('reads %s as %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    'Gi',
    '1GB',
    '1gi',
    '1K',
    '1Ki ',
    'one',
    '1..0',
    '.',
    '0x10',
    '1e',
    '1E+',
    '1e1.5',
    '1Ei3',
    '1ei',
    '1e400',
    'Infinity',
    'NaN',
    '１',
    '1\n',
    '1\u0000',
    '9'.repeat(65),
  ])('rejects %j', text => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  const SUFFIXES: Array<[string, number]> = [
    ['', 1],
    ['n', 1e-9],
    ['u', 1e-6],
    ['m', 1e-3],
    ['k', 1e3],
    ['M', 1e6],
    ['G', 1e9],
    ['T', 1e12],
    ['P', 1e15],
    ['E', 1e18],
    ['Ki', 2 ** 10],
    ['Mi', 2 ** 20],
    ['Gi', 2 ** 30],
    ['Ti', 2 ** 40],
    ['Pi', 2 ** 50],
    ['Ei', 2 ** 60],
  ];

  it('reads back every whole number it is given with every suffix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.constantFrom(...SUFFIXES),
        (n, [suffix, factor]) => {
          const parsed = parseQuantity(`${n}${suffix}`);
          expect(parsed).toBeDefined();
          expect(Math.abs(parsed! - n * factor)).toBeLessThanOrEqual(
            Math.abs(n * factor) * 1e-12,
          );
        },
      ),
    );
  });

  it('reads back decimal exponents and decimal fractions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -20, max: 20 }),
        fc.constantFrom('e', 'E'),
        (n, exponent, e) => {
          expect(parseQuantity(`${n}${e}${exponent}`)).toBe(
            Number(`${n}e${exponent}`),
          );
        },
      ),
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), x => {
        // Plain decimal notation (no exponent), as people write quantities.
        const text = x.toFixed(6);
        expect(parseQuantity(text)).toBe(Number(text));
      }),
    );
  });

  it('refuses, never throws on, random text', () => {
    expect(() =>
      fc.assert(
        fc.property(fc.string({ maxLength: 30 }), text => {
          const parsed = parseQuantity(text);
          // Only text of the grammar is read, and always as a finite number.
          return (
            parsed === undefined ||
            (/^[+-]?(\d+\.?\d*|\.\d+)([numkMGTPE]|[KMGTPE]i|[eE][+-]?\d+)?$/.test(
              text,
            ) &&
              Number.isFinite(parsed))
          );
        }),
      ),
    ).not.toThrow();
  });
});
