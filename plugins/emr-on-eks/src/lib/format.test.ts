import { formatRelative } from './format';

describe('formatRelative', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');

  it('names the largest whole unit back from now', () => {
    expect(formatRelative('2026-11-21T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-11-21T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-11-21T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-11-20T11:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2026-11-07T12:00:00Z', now)).toBe('2 weeks ago');
  });

  it('keeps what is not a time as it is, and nothing as nothing', () => {
    expect(formatRelative('not a date', now)).toBe('not a date');
    expect(formatRelative(undefined, now)).toBe('');
  });
});
