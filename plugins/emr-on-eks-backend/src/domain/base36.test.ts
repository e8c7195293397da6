import { base36 } from './base36';

describe('base36', () => {
  it('matches the AWS CLI published test vectors', () => {
    expect(base36('abcdefghijkl')).toBe('2x6xx5ubcrus4bplmr0');
    expect(base36('+=,.@-_')).toBe('3bu5b0xg4tb');
  });

  it('gives 0 for the empty name, like the AWS CLI', () => {
    expect(base36('')).toBe('0');
  });

  it('reads the bytes as one big-endian number', () => {
    // 'a' = 97 = 2*36 + 25 -> "2p"; "ab" = 97*256 + 98 = 24930
    expect(base36('a')).toBe('2p');
    expect(base36('ab')).toBe((97 * 256 + 98).toString(36));
  });
});
