import { InputError } from '@backstage/errors';

/**
 * The opaque `nextCursor` of a newest-first list: the last item's creation
 * time and id, so the next page starts strictly after it.
 */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(
    JSON.stringify([createdAt.getTime(), id]),
    'utf8',
  ).toString('base64url');
}

/** Reads a cursor back; InputError (400) for anything this API did not issue. */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [time, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (typeof time === 'number' && typeof id === 'string') {
      return { createdAt: new Date(time), id };
    }
  } catch {
    // fall through
  }
  throw new InputError('cursor: not a cursor returned by this API');
}

/**
 * The opaque cursor of a list ordered by one key (a tenant name, an audit
 * id), tagged with the list it belongs to.
 */
export function encodeKeyCursor(list: string, key: string): string {
  return Buffer.from(JSON.stringify([list, key]), 'utf8').toString('base64url');
}

/** Reads a key cursor of `list` back; InputError (400) for anything else. */
export function decodeKeyCursor(cursor: string, list: string): string {
  try {
    const [tag, key] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (tag === list && typeof key === 'string' && key.length <= 128) {
      return key;
    }
  } catch {
    // fall through
  }
  throw new InputError('cursor: not a cursor returned by this API');
}
