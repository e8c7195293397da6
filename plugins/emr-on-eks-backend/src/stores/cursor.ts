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
