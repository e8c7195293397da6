/** Milliseconds to two decimals, for printed figures. */
export const round = (ms: number) => Math.round(ms * 100) / 100;

/** Median, 95th percentile and maximum of timing samples (ms). */
export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    median: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted[sorted.length - 1]),
  };
}
