import type { TenantSpec } from './tenant';

/**
 * The fields of a tenant spec that set its guardrails: who owns it and what
 * it may use. Changing them needs `emr-on-eks.tenant.guardrails.update`;
 * the other fields (description, default release label, log retention) are
 * the team's own.
 *
 * @public
 */
export const GUARDED_TENANT_FIELDS = [
  'owner',
  'quota',
  'limitRange',
  'network',
  'dataAccess',
  'priorityTier',
  'podSecurity',
] as const;

/** One of {@link GUARDED_TENANT_FIELDS}. @public */
export type GuardedTenantField = (typeof GUARDED_TENANT_FIELDS)[number];

/**
 * The guarded fields whose value differs between two parsed specs (key order
 * in objects does not count as a difference).
 *
 * @public
 */
export function changedGuardedFields(
  before: TenantSpec,
  after: TenantSpec,
): GuardedTenantField[] {
  return GUARDED_TENANT_FIELDS.filter(
    field => canonical(before[field]) !== canonical(after[field]),
  );
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)),
        )
      : inner,
  );
}
