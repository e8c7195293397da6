import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { isCidr } from './cidr';

/** The reference: ipaddr.js, in the strict forms Kubernetes accepts too. */
function ipaddrAccepts(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^(0|[1-9]\d{0,2})$/.test(text.slice(slash + 1))) {
    return false;
  }
  const address = text.slice(0, slash);
  if (address.includes('%')) {
    return false; // zone ids are no CIDRs
  }
  const valid = address.includes(':')
    ? ipaddr.IPv6.isValid(address)
    : ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!valid) {
    return false;
  }
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

describe('isCidr', () => {
  it.each([
    '10.0.0.0/8',
    '0.0.0.0/0',
    '255.255.255.255/32',
    '192.168.1.0/24',
    'fd00::/8',
    '::/0',
    '::1/128',
    '2001:db8::/32',
    '2001:0db8:0000:0000:0000:0000:0000:0000/32',
    '1:2:3:4:5:6:7:8/64',
    '1::8/64',
    '1:2:3:4:5:6:7::/64',
    '::2:3:4:5:6:7:8/64',
    '::ffff:10.0.0.0/104',
    '::ffff:0:10.0.0.0/96',
    '64:ff9b::192.0.2.0/120',
    'FD00::/8',
  ])('accepts %s', text => {
    expect(isCidr(text)).toBe(true);
    expect(ipaddrAccepts(text)).toBe(true);
  });

  it.each([
    '1:2:3:4:5:6:7:8:9/64',
    ':::/8',
    '1::2::3/64',
    '1:2:3:4:5:6:7:8::/64',
    '12345::/16',
    'g::/16',
    ':1::/16',
    '1::/129',
    'fe80::1%eth0/64',
    '::ffff:10.0.0/104',
    '::ffff:256.0.0.0/104',
    '10.0.0.0::/64',
    '1:2:3:4:5:6:7:10.0.0.0/64',
    '10.0.0.0/33',
    '256.0.0.0/8',
    '010.0.0.0/8',
    '10.0.0/8',
    '10.0.0.0.0/8',
    '10.0.0.0',
    '10.0.0.0/',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    ' 10.0.0.0/8',
    '10.0.0.0/8 ',
    '１0.0.0.0/8',
    '0x0a.0.0.0/8',
    '',
    '/8',
  ])('refuses %j', text => {
    expect(isCidr(text)).toBe(false);
  });

  it('accepts every IPv4 and IPv6 address with every prefix length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })),
          fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })),
        ),
        ([address, prefix]) => {
          const text = `${address}/${prefix}`;
          expect([text, isCidr(text)]).toEqual([text, true]);
          expect([text, ipaddrAccepts(text)]).toEqual([text, true]);
        },
      ),
    );
  });

  it('agrees with ipaddr.js on random text made of address characters', () => {
    const piece = fc.constantFrom(
      '0',
      '1',
      '9',
      '10',
      '255',
      '256',
      'f',
      'ff',
      'ffff',
      'fffff',
      'g',
      '.',
      ':',
      '::',
      '/',
      '/8',
      '/32',
      '/128',
      '/129',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 14 }).map(parts => parts.join('')),
        text => {
          expect([text, isCidr(text)]).toEqual([text, ipaddrAccepts(text)]);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('refuses random garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), text => {
        expect([text, isCidr(text)]).toEqual([text, ipaddrAccepts(text)]);
      }),
    );
  });
});
