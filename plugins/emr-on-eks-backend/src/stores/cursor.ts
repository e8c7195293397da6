import { InputError } from '@backstage/errors';
import { tenantNameSchema } from '@spot-spark/plugin-emr-on-eks-common';

/*
 * Opaque cursors of paged lists. A cursor is read back only if it is exactly
 * what this API issues: it parses, re-encodes to the same text, and every
 * value is one a row can hold. Anything else, a forged value that parses
 * included, is a 400, never an empty page or a database error.
 */

const NOT_A_CURSOR = 'cursor: not a cursor returned by this API';

/** The end of year 9999: the last time ISO 8601 and SQL timestamps write with four digits. */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Row ids are UUIDs as `randomUUID()` writes them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Audit ids: positive safe integers, written without sign, zeros or exponent. */
const AUDIT_ID = /^[1-9]\d{0,15}$/;

/** What a key of each keyed list may be: a tenant name (`t`), an audit id (`a`). */
const KEY_CHECKS = {
  t: (key: string) => tenantNameSchema.safeParse(key).success,
  a: (key: string) => AUDIT_ID.test(key) && Number.isSafeInteger(Number(key)),
};

/** The lists with key cursors. */
export type KeyCursorList = keyof typeof KEY_CHECKS;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The JSON inside a cursor, or undefined when there is none. */
function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The opaque `nextCursor` of a newest-first list: the last item's creation
 * time and id, so the next page starts strictly after it.
 */
export function encodeCursor(createdAt: Date, id: string): string {
  return encode([createdAt.getTime(), id]);
}

/** Reads a cursor back; InputError (400) for anything this API did not issue. */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const value = decode(cursor);
  if (Array.isArray(value) && value.length === 2) {
    const [time, id] = value;
    if (
      Number.isSafeInteger(time) &&
      time >= 0 &&
      time <= MAX_TIME &&
      typeof id === 'string' &&
      UUID.test(id) &&
      encode(value) === cursor
    ) {
      return { createdAt: new Date(time), id };
    }
  }
  throw new InputError(NOT_A_CURSOR);
}

/**
 * The opaque cursor of a list ordered by one key (a tenant name, an audit
 * id), tagged with the list it belongs to.
 */
export function encodeKeyCursor(list: KeyCursorList, key: string): string {
  return encode([list, key]);
}

/** Reads a key cursor of `list` back; InputError (400) for anything else. */
export function decodeKeyCursor(cursor: string, list: KeyCursorList): string {
  const value = decode(cursor);
  if (Array.isArray(value) && value.length === 2) {
    const [tag, key] = value;
    if (
      tag === list &&
      typeof key === 'string' &&
      KEY_CHECKS[list](key) &&
      encode(value) === cursor
    ) {
      return key;
    }
  }
  throw new InputError(NOT_A_CURSOR);
}
