/**
 * base36 of an IAM role name, exactly as the AWS CLI computes it for
 * `aws emr-containers update-role-trust-policy`: the name's bytes read as one
 * big-endian integer, written with the digits 0-9a-z. EMR names each job's
 * service accounts `emr-containers-sa-*-*-<account>-<base36(roleName)>`, so the
 * trust policy must carry the same text.
 */
export function base36(text: string): string {
  let value = 0n;
  for (const byte of Buffer.from(text, 'utf8')) {
    value = value * 256n + BigInt(byte);
  }
  return value.toString(36);
}
