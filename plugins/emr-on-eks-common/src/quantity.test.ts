import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['4Gi', 4 * 2 ** 30],
    ['64Mi', 64 * 2 ** 20],
    ['2Ti', 2 * 2 ** 40],
    ['1k', 1000],
    ['1M', 1e6],
    ['1e3', 1000],
    ['-1', -1],
  ])('reads %s as %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each(['', ' 1', '1 ', 'Gi', '1GB', '1gi', 'one', '1..0', '0x10'])(
    'rejects %j',
    text => {
      expect(parseQuantity(text)).toBeUndefined();
    },
  );
});
