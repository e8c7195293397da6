import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  emrOnEksJobRunReadPermission,
  emrOnEksTenantHistoryReadPermission,
  formatIssues,
  jobRunRequestSchema,
  zodIssues,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ActionServices } from './types';

/**
 * A catalog entity ref, validated and normalised as on submission (any
 * spelling finds the rows stored under it); an InputError naming `field`
 * otherwise.
 */
export function normalisedEntityRef(value: string, field = 'entityRef') {
  const parsed = jobRunRequestSchema.shape.entityRef.unwrap().safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      `Invalid input: ${formatIssues(
        zodIssues(parsed.error).map(issue => ({
          ...issue,
          path: issue.path ? `${field}.${issue.path}` : field,
        })),
      )}`,
    );
  }
  return parsed.data;
}

/**
 * The tenant incarnations whose runs of an entity the caller may read, as
 * `GET /job-runs?entityRef=` decides: current tenants with job-run read,
 * offboarded ones with the history permission; the others are left out, not
 * refused, so the answer says nothing of them.
 */
export async function readableRunTenantUids(
  services: Pick<ActionServices, 'access' | 'jobs' | 'tenants'>,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const { access, jobs, tenants } = services;
  const uids = await jobs.tenantUidsWithRunsOf(entityRef);
  if (uids.length === 0) {
    return [];
  }
  const current = await tenants.listIdentities(uids);
  const isCurrent = new Set(current.map(c => c.uid));
  const offboarded = uids.filter(uid => !isCurrent.has(uid));
  const allowed = await access.allowedOn(
    emrOnEksJobRunReadPermission,
    current.map(c => c.name),
    credentials,
  );
  return [
    ...current.filter((_, i) => allowed[i]).map(c => c.uid),
    ...(offboarded.length > 0 &&
    (await access.allowed(emrOnEksTenantHistoryReadPermission, credentials))
      ? offboarded
      : []),
  ];
}

/**
 * Refuses an input that names both or neither of a tenant and an entity:
 * each scoped action reads one or the other.
 */
export function requireOneScope(
  input: { tenant?: string; entityRef?: string },
  what: string,
): void {
  if ((input.tenant === undefined) === (input.entityRef === undefined)) {
    throw new InputError(
      `Invalid input: give exactly one of tenant (a team’s ${what}) or entityRef (a job’s ${what})`,
    );
  }
}

/** What the audit event of a scoped action records of its scope. */
export function scopeAuditMeta(input: { tenant?: string; entityRef?: string }) {
  return { tenant: input.tenant ?? null, entityRef: input.entityRef ?? null };
}
