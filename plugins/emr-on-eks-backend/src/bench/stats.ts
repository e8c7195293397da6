import { performance } from 'node:perf_hooks';
import request from 'supertest';

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

/**
 * Median, p95 and max of `samples` GETs of `url` through HTTP (after 20
 * unmeasured ones), each expected to answer 200.
 */
export async function measureGet(
  server: any,
  url: string,
  authorization: string,
  samples = 300,
) {
  const times: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const started = performance.now();
    const res = await request(server)
      .get(url)
      .set('Authorization', authorization);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    if (i >= 20) {
      times.push(elapsed);
    }
  }
  return percentiles(times);
}
