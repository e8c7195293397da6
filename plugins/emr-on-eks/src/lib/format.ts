/** `1h 2m`, `3m 4s`, `5s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) {
    return `${hours}h ${minutes}m`;
  }
  if (minutes > 0) {
    return `${minutes}m ${seconds}s`;
  }
  return `${seconds}s`;
}

/** `512 MiB`, `5.6 GiB`, `1.2 TiB`. */
export function formatMiB(mib: number): string {
  if (mib >= 1024 * 1024) {
    return `${(mib / (1024 * 1024)).toFixed(1)} TiB`;
  }
  if (mib >= 1024) {
    return `${(mib / 1024).toFixed(1)} GiB`;
  }
  return `${Math.round(mib)} MiB`;
}

// What `Date.prototype.toLocaleString()` shows, made once: it builds a new
// formatter on every call, which shows in a table of hundreds of runs.
let timeFormat: Intl.DateTimeFormat | undefined;

/** A timestamp for people, in their locale and time zone. */
export function formatTime(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  timeFormat ??= new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return timeFormat.format(date);
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

let relativeFormat: Intl.RelativeTimeFormat | undefined;

/**
 * `5 minutes ago`, `in 2 hours`, `yesterday`, in the user's locale; `just now`
 * under a minute. The exact time belongs in a tooltip ({@link formatTime}).
 */
export function formatRelative(iso: string | undefined, now: number): string {
  if (!iso) {
    return '';
  }
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return iso;
  }
  const diff = time - now;
  relativeFormat ??= new Intl.RelativeTimeFormat(undefined, {
    numeric: 'auto',
    style: 'long',
  });
  for (const [unit, ms] of RELATIVE_UNITS) {
    if (Math.abs(diff) >= ms) {
      return relativeFormat.format(Math.trunc(diff / ms), unit);
    }
  }
  return 'just now';
}
