import type {
  Tenant,
  TenantAuditEvent,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { EmrOnEksSettings } from '../../config';
import type { TenantAuditStore } from '../../stores/TenantAuditStore';
import type { TenantChanges } from './TenantChanges';

/*
 * What the tenant commands and the reconcile engine both do with a tenant's
 * record: announce a change, audit it, show it with its region.
 */

/** Who asked for a change: a user or service ref, or the scheduler. */
export type Actor = string;

/** The tenant changed: said once per write, whoever made it. */
export function announceChanged(
  changes: TenantChanges,
  tenant: Pick<Tenant, 'name' | 'uid'>,
): void {
  changes.notify({ tenant: tenant.name, uid: tenant.uid, change: 'changed' });
}

/** Appends an event to the tenant incarnation's audit trail. */
export function auditTenant(
  store: Pick<TenantAuditStore, 'appendAudit'>,
  tenant: Pick<Tenant, 'uid' | 'name' | 'generation'>,
  actor: Actor,
  action: string,
  result: TenantAuditEvent['result'],
  message?: string,
): Promise<void> {
  return store.appendAudit({
    tenant: tenant.name,
    tenantUid: tenant.uid,
    actor,
    action,
    result,
    message,
    generation: tenant.generation,
  });
}

/**
 * The tenant as the API shows it: with the AWS region of its cluster, which
 * the settings hold and the store does not.
 */
export function withRegion(
  settings: Pick<EmrOnEksSettings, 'clusters'>,
  tenant: Tenant,
): Tenant {
  const region = settings.clusters.find(
    c => c.name === tenant.spec.cluster,
  )?.region;
  return region ? { ...tenant, status: { ...tenant.status, region } } : tenant;
}
