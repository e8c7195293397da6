import type { JobRunRequest } from '@spot-spark/plugin-emr-on-eks-common';
import { createHash } from 'node:crypto';

/*
 * What makes a submission the same submission: the EMR client token is
 * derived from the tenant's uid and the caller's idempotency key (so two
 * tenants, or two incarnations of one name, never share a token), and the
 * request's fingerprint tells a retry from a different request reusing a key.
 */

/**
 * The EMR client token of a run submitted with an idempotency key: 64 hex
 * characters (EMR allows 64), the same for every retry in the tenant.
 */
export function jobRunClientToken(tenantUid: string, key: string): string {
  return createHash('sha256')
    .update(`job-run\n${tenantUid}\n${key}`)
    .digest('hex');
}

/**
 * A SHA-256 of the parsed request without its idempotency key, with object
 * keys sorted, so that the same request in another key order or spelling
 * (defaults filled in by the parser) has the same fingerprint.
 */
export function requestFingerprint(request: JobRunRequest): string {
  const { idempotencyKey: _key, ...rest } = request;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)); // keys of one object are distinct
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
