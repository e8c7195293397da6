/** `s3://`, a bucket name (at most 63), `/` and a key prefix (at most 1024). */
const S3_PREFIX_MAX_LENGTH = 5 + 63 + 1 + 1024;

const S3_PREFIX =
  /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/((?:[A-Za-z0-9!_.'()=+-]+\/)*)$/;

/**
 * Splits `s3://bucket/prefix/` into bucket and key prefix, or undefined when
 * the text is not such a path. Wildcards, empty and `.`/`..` segments are
 * refused, since the prefix ends up in IAM resource ARNs.
 *
 * @public
 */
export function parseS3Prefix(
  text: string,
): { bucket: string; prefix: string } | undefined {
  if (typeof text !== 'string' || text.length > S3_PREFIX_MAX_LENGTH) {
    return undefined;
  }
  const match = S3_PREFIX.exec(text);
  const segments = match?.[2].split('/') ?? [];
  if (
    !match ||
    match[1].includes('..') ||
    segments.some(segment => segment === '.' || segment === '..')
  ) {
    return undefined;
  }
  return { bucket: match[1], prefix: match[2] };
}
