/** Every clock API but `Date`: timers, microtasks and I/O keep running for real. */
const REAL = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/**
 * Runs `fn` as if it were `when` (the clock moving on from there): only
 * `Date` is changed, so what the plugin stamps with the time (a tenant's
 * onboarding and offboarding, a run's submission) carries that time, as if
 * it had happened then. For histories that span days, in seconds.
 */
export async function asOf<T>(when: Date, fn: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({ now: when, advanceTimers: true, doNotFake: [...REAL] });
  try {
    return await fn();
  } finally {
    jest.useRealTimers();
  }
}
