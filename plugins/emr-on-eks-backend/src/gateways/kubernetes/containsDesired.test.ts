import { containsDesired } from './containsDesired';

describe('containsDesired', () => {
  it('accepts server-added fields and canonicalised quantities', () => {
    expect(
      containsDesired(
        { spec: { hard: { 'requests.memory': '1024Mi', pods: '10' } } },
        {
          metadata: { uid: 'x' },
          spec: { hard: { 'requests.memory': '1Gi', pods: '10' } },
        },
      ),
    ).toBe(true);
  });

  it('sees changed values, missing fields and changed list lengths', () => {
    expect(containsDesired({ a: { b: '1' } }, { a: { b: '2' } })).toBe(false);
    expect(containsDesired({ a: { b: '1' } }, { a: {} })).toBe(false);
    expect(containsDesired({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(containsDesired({ a: 'x' }, { a: 'y' })).toBe(false);
  });
});
