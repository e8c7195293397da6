import { parseQuantity } from '@spot-spark/plugin-emr-on-eks-common';

/**
 * True when every field we set in `desired` has the same value in `live`.
 * The API server adds fields of its own (uid, defaults, managedFields), so a
 * live object matches when it contains the desired one. Quantities compare by
 * value, since the server canonicalises them (`1024Mi` comes back as `1Gi`).
 */
export function containsDesired(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((item, index) => containsDesired(item, live[index]))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) {
      return false;
    }
    const liveRecord = live as Record<string, unknown>;
    return Object.entries(desired).every(([key, value]) =>
      containsDesired(value, liveRecord[key]),
    );
  }
  if (desired === live) {
    return true;
  }
  if (typeof desired === 'string' && typeof live === 'string') {
    const a = parseQuantity(desired);
    return a !== undefined && a === parseQuantity(live);
  }
  return false;
}
