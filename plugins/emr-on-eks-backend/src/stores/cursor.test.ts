import { InputError } from '@backstage/errors';
import fc from 'fast-check';
import {
  decodeCursor,
  decodeKeyCursor,
  encodeCursor,
  encodeKeyCursor,
  KeyCursorList,
} from './cursor';

const NOT_A_CURSOR = 'cursor: not a cursor returned by this API';
const RUN_ID = '0a1b2c3d-0000-4000-8000-000000000042';
/** The latest time a cursor may carry: the end of year 9999. */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A cursor of any JSON value, as a forger would write one. */
const forge = (value: unknown) =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** What decoding answers: the value, or the message of the InputError (400) it throws. */
function attempt<T>(decode: () => T): { value: T } | { refused: string } {
  try {
    return { value: decode() };
  } catch (error) {
    if (error instanceof InputError) {
      return { refused: error.message };
    }
    throw error;
  }
}

/** A decoded run cursor a row can have, written exactly as `cursor`. */
function holdsRow(value: { createdAt: Date; id: string }, cursor: string) {
  const time = value.createdAt.getTime();
  return (
    time >= 0 &&
    time <= MAX_TIME &&
    /^[0-9a-f-]{36}$/.test(value.id) &&
    encodeCursor(value.createdAt, value.id) === cursor
  );
}

/** A decoded key of `list` a row can have, written exactly as `cursor`. */
function holdsKey(list: KeyCursorList, key: string, cursor: string) {
  const valid =
    list === 'a'
      ? Number(key) > 0 &&
        Number.isSafeInteger(Number(key)) &&
        String(Number(key)) === key
      : /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(key);
  return valid && encodeKeyCursor(list, key) === cursor;
}

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    const createdAt = new Date('2026-11-20T10:00:00.123Z');
    expect(decodeCursor(encodeCursor(createdAt, RUN_ID))).toEqual({
      createdAt,
      id: RUN_ID,
    });
  });

  it.each([
    ['garbage', 'nope'],
    ['an empty text', ''],
    ['a time of 1e300', forge([1e300, RUN_ID])],
    ['a negative time', forge([-1, RUN_ID])],
    ['a fractional time', forge([1.5, RUN_ID])],
    ['a time after year 9999', forge([MAX_TIME + 1, RUN_ID])],
    ['a time as text', forge(['1763632800000', RUN_ID])],
    ['an id that is no UUID', forge([0, 'job-1'])],
    ['an upper-case UUID', forge([0, RUN_ID.toUpperCase()])],
    ['a SQL injection as id', forge([0, "' or '1'='1"])],
    ['a third element', forge([0, RUN_ID, 'x'])],
    ['an object', forge({ time: 0, id: RUN_ID })],
    ['a key cursor', encodeKeyCursor('t', 'team-a')],
    ['padding', `${encodeCursor(new Date(0), RUN_ID)}=`],
    [
      'white space around the JSON',
      Buffer.from(` [0,"${RUN_ID}"] `, 'utf8').toString('base64url'),
    ],
  ])('refuses %s with a 400', (_what, cursor) => {
    expect(attempt(() => decodeCursor(cursor))).toEqual({
      refused: NOT_A_CURSOR,
    });
  });

  it('reads back every cursor it writes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_TIME }),
        fc.uuid(),
        (time, id) => {
          const createdAt = new Date(time);
          expect(decodeCursor(encodeCursor(createdAt, id))).toEqual({
            createdAt,
            id,
          });
        },
      ),
    );
  });

  it('answers any other text with the 400, or with a time and id a row can hold (property)', () => {
    const anything = fc.oneof(
      fc.string(),
      fc.base64String(),
      fc
        .tuple(
          fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
          fc.oneof(fc.uuid(), fc.string(), fc.integer()),
        )
        .map(forge),
      fc.jsonValue().map(forge),
    );
    fc.assert(
      fc.property(anything, cursor => {
        const answer = attempt(() => decodeCursor(cursor));
        expect(
          'refused' in answer
            ? answer.refused === NOT_A_CURSOR
            : holdsRow(answer.value, cursor),
        ).toBe(true);
      }),
    );
  });
});

describe('decodeKeyCursor', () => {
  it.each([
    ['t', 'team-a'],
    ['a', '42'],
    ['a', String(Number.MAX_SAFE_INTEGER)],
  ] as Array<[KeyCursorList, string]>)(
    'reads back the %s cursor of %s',
    (list, key) => {
      expect(decodeKeyCursor(encodeKeyCursor(list, key), list)).toBe(key);
    },
  );

  it.each([
    ['a tenant cursor with a capital', 't', forge(['t', 'Team-a'])],
    ['a tenant cursor of a reserved name', 't', forge(['t', 'kube-system'])],
    ['a tenant cursor of 64 characters', 't', forge(['t', 'a'.repeat(64)])],
    ['a tenant cursor with SQL', 't', forge(['t', "a' or '1'='1"])],
    ['an empty tenant cursor', 't', forge(['t', ''])],
    ['an audit cursor of 1e300', 'a', forge(['a', '1e300'])],
    ['an audit cursor below zero', 'a', forge(['a', '-5'])],
    ['an audit cursor of zero', 'a', forge(['a', '0'])],
    ['an audit cursor with a leading zero', 'a', forge(['a', '042'])],
    ['an audit cursor in hex', 'a', forge(['a', '0x10'])],
    ['an audit cursor with spaces', 'a', forge(['a', ' 12 '])],
    ['an audit cursor of 1.5', 'a', forge(['a', '1.5'])],
    [
      'an audit cursor past the safe integers',
      'a',
      forge(['a', String(Number.MAX_SAFE_INTEGER + 2)]),
    ],
    ['an audit cursor as a number', 'a', forge(['a', 12])],
    ['a tenant cursor given to the audit', 'a', encodeKeyCursor('t', 'x')],
    ['an audit cursor given to the tenants', 't', encodeKeyCursor('a', '7')],
    ['a job-run cursor', 't', encodeCursor(new Date(0), RUN_ID)],
  ] as Array<[string, KeyCursorList, string]>)(
    'refuses %s with a 400',
    (_what, list, cursor) => {
      expect(attempt(() => decodeKeyCursor(cursor, list))).toEqual({
        refused: NOT_A_CURSOR,
      });
    },
  );

  it('answers any forged key with the 400, or with a tenant name or positive safe integer (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<KeyCursorList>('t', 'a'),
        fc.oneof(
          fc.string(),
          fc.tuple(fc.constantFrom('t', 'a'), fc.string()).map(forge),
          fc
            .tuple(
              fc.constantFrom('t', 'a'),
              fc.oneof(fc.integer(), fc.double()).map(String),
            )
            .map(forge),
          fc.jsonValue().map(forge),
        ),
        (list, cursor) => {
          const answer = attempt(() => decodeKeyCursor(cursor, list));
          expect(
            'refused' in answer
              ? answer.refused === NOT_A_CURSOR
              : holdsKey(list, answer.value, cursor),
          ).toBe(true);
        },
      ),
    );
  });
});
