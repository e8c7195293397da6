/*
 * CIDR blocks as Kubernetes NetworkPolicy ipBlock and AWS accept them: an
 * IPv4 address in dotted-quad form or an IPv6 address in RFC 4291 text form
 * (one `::` at most, eight groups in all, an optional dotted-quad tail as in
 * `::ffff:10.0.0.0`), then `/` and a prefix length within the address size.
 * No Node-only code: the package runs in browsers too.
 */

const DECIMAL_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(0|[1-9]\d{0,2})$/;

function isIpv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every(o => DECIMAL_OCTET.test(o));
}

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) {
    return false;
  }
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const all = [...head, ...tail];
  // A dotted-quad may only close the address (not precede `::`), and counts
  // as two groups.
  const closing = halves.length === 2 ? tail : head;
  const last = closing[closing.length - 1];
  const embedsIpv4 = last !== undefined && last.includes('.');
  if (embedsIpv4 && !isIpv4(last)) {
    return false;
  }
  const hexGroups = embedsIpv4 ? all.slice(0, -1) : all;
  if (!hexGroups.every(group => HEX_GROUP.test(group))) {
    return false;
  }
  const groups = hexGroups.length + (embedsIpv4 ? 2 : 0);
  // With `::` at least one group is elided; without it all eight are there.
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/**
 * True for an IPv4 or IPv6 CIDR block such as `10.0.0.0/8`, `fd00::/8` or
 * `::ffff:10.0.0.0/104`.
 *
 * @public
 */
export function isCidr(text: string): boolean {
  if (typeof text !== 'string' || text.length > 64) {
    return false;
  }
  const slash = text.indexOf('/');
  if (slash < 0) {
    return false;
  }
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!PREFIX.test(bits)) {
    return false;
  }
  const prefix = Number(bits);
  if (isIpv4(address)) {
    return prefix <= 32;
  }
  return address.includes(':') && isIpv6(address) && prefix <= 128;
}
