/** A new idempotency key (`1-64 of A-Za-z0-9._:-`), different on every call. */
export function newIdempotencyKey(prefix = 'rerun'): string {
  const random =
    typeof globalThis.crypto?.randomUUID === 'function'
      ? globalThis.crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  return `${prefix}-${random}`.slice(0, 64);
}
