import ipaddr from 'ipaddr.js';

/** A parsed CIDR block: its address and prefix length. */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses `10.0.0.0/8` or `fd00::/8`; undefined when it is not a CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  try {
    return ipaddr.parseCIDR(text);
  } catch {
    return undefined;
  }
}

/** Whether every address of `inner` lies inside `outer` (same address family). */
export function cidrInside(inner: Cidr, outer: Cidr): boolean {
  const [innerAddress, innerBits] = inner;
  const [outerAddress, outerBits] = outer;
  return (
    innerAddress.kind() === outerAddress.kind() &&
    innerBits >= outerBits &&
    innerAddress.match(outerAddress, outerBits)
  );
}
