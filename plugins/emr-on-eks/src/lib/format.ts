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
