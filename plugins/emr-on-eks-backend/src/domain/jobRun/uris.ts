/*
 * URIs inside a job's values and arguments, parsed before they are checked.
 * Object-store paths are normalised the way Hadoop's Path would resolve them
 * (percent-encoding, duplicate slashes, `.` and `..`), so a path cannot look
 * inside a tenant's prefix and resolve outside it; and a path with glob
 * characters is refused, since a pattern is not a path that can be checked.
 */

/** Object-store schemes Spark on EMR reads S3 through. */
const S3_SCHEMES = new Set(['s3', 's3a', 's3n']);

/** Characters Hadoop's and Spark's path globbing expands (`{a,b}` and `[ab]` included). */
const GLOB = /[*?[{]/;

/** Anything that looks like `scheme:/...` (one or more slashes). */
const URI_LIKE = /[a-zA-Z][a-zA-Z0-9+.-]*:\/[^\s,;"'<>]*/g;

/** What a URI turned out to be. */
export type ParsedUri =
  | { kind: 's3'; bucket: string; key: string; text: string }
  | { kind: 'local'; path: string; text: string }
  | { kind: 'refused'; text: string; reason: string };

/** Every URI-like substring of a value (of any scheme). */
export function findUris(value: string): string[] {
  return value.match(URI_LIKE) ?? [];
}

/** Parses one URI: an S3 object path (normalised), a `local://` path, or refused. */
export function parseUri(text: string): ParsedUri {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/.*)$/.exec(text);
  if (!match) {
    return { kind: 'refused', text, reason: 'is not a URI' };
  }
  const scheme = match[1].toLowerCase();
  const rest = match[2];
  if (scheme !== 'local' && !S3_SCHEMES.has(scheme)) {
    return {
      kind: 'refused',
      text,
      reason: `the ${scheme}:// scheme is not allowed (only s3://, s3a://, s3n:// inside the tenant's prefixes, or local:/// inside the image)`,
    };
  }
  const glob = GLOB.exec(rest) ?? GLOB.exec(decodedOrSame(rest));
  if (glob) {
    return {
      kind: 'refused',
      text,
      reason: `has the glob character ${glob[0]}, which Hadoop and Spark expand into every matching path, so the pattern could reach beyond the path that was checked; name each file or directory`,
    };
  }
  if (scheme === 'local') {
    if (!rest.startsWith('///')) {
      return {
        kind: 'refused',
        text,
        reason: 'local URIs are local:///path inside the image',
      };
    }
    return { kind: 'local', path: rest.slice(2), text };
  }
  const authority = /^\/\/([^/]*)(\/.*)?$/.exec(rest);
  if (!authority || !authority[1]) {
    return { kind: 'refused', text, reason: 'names no bucket' };
  }
  const bucket = authority[1].toLowerCase();
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    return { kind: 'refused', text, reason: 'names no valid bucket' };
  }
  const key = normaliseKey(authority[2] ?? '/');
  if (key === undefined) {
    return {
      kind: 'refused',
      text,
      reason: 'has a path that does not resolve inside its bucket',
    };
  }
  return { kind: 's3', bucket, key, text };
}

/** The percent-decoded text, or the text itself when its encoding is broken. */
function decodedOrSame(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The object key a path resolves to, without its leading slash, with a
 * trailing slash kept; undefined when it climbs above the bucket or its
 * percent-encoding is broken.
 */
function normaliseKey(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      if (segments.length === 0) {
        return undefined;
      }
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  const trailing = /\/\.{0,2}$/.test(decoded) && segments.length > 0;
  return segments.join('/') + (trailing ? '/' : '');
}
