/**
 * True for an IPv4 or IPv6 CIDR block such as `10.0.0.0/8` or `fd00::/8`.
 *
 * @public
 */
export function isCidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) {
    return false;
  }
  const prefix = Number(bits);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return (
      prefix <= 32 && address.split('.').every(octet => Number(octet) <= 255)
    );
  }
  return (
    address.includes(':') &&
    /^[0-9a-fA-F:]+$/.test(address) &&
    (address.match(/::/g) ?? []).length <= 1 &&
    prefix <= 128
  );
}
