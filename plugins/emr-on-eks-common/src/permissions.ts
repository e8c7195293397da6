import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of tenant permissions; conditional decisions on it use the
 * rules the backend registers (for example `IS_TENANT_OWNER`).
 *
 * @public
 */
export const EMR_ON_EKS_TENANT_RESOURCE_TYPE = 'emr-on-eks-tenant';

/** Onboard a new tenant. @public */
export const emrOnEksTenantCreatePermission = createPermission({
  name: 'emr-on-eks.tenant.create',
  attributes: { action: 'create' },
});

/** See a tenant, its status and audit trail. @public */
export const emrOnEksTenantReadPermission = createPermission({
  name: 'emr-on-eks.tenant.read',
  attributes: { action: 'read' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/** Change a tenant's spec or trigger its reconcile. @public */
export const emrOnEksTenantUpdatePermission = createPermission({
  name: 'emr-on-eks.tenant.update',
  attributes: { action: 'update' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/**
 * Change a tenant's guarded fields (`GUARDED_TENANT_FIELDS`: owner,
 * quota, LimitRange, network, data access, priority tier, Pod Security).
 * Platform admins hold it; {@link emrOnEksTenantUpdatePermission} alone
 * changes only the team's own settings.
 *
 * @public
 */
export const emrOnEksTenantGuardrailsUpdatePermission = createPermission({
  name: 'emr-on-eks.tenant.guardrails.update',
  attributes: { action: 'update' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/** Offboard a tenant. @public */
export const emrOnEksTenantDeletePermission = createPermission({
  name: 'emr-on-eks.tenant.delete',
  attributes: { action: 'delete' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/**
 * Submit job runs to a tenant. A resource permission on the tenant, so a
 * policy can allow it to the members of the owning group.
 *
 * @public
 */
export const emrOnEksJobRunSubmitPermission = createPermission({
  name: 'emr-on-eks.job-run.submit',
  attributes: { action: 'create' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/** See a tenant's job runs. @public */
export const emrOnEksJobRunReadPermission = createPermission({
  name: 'emr-on-eks.job-run.read',
  attributes: { action: 'read' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/** Cancel a tenant's job runs. @public */
export const emrOnEksJobRunCancelPermission = createPermission({
  name: 'emr-on-eks.job-run.cancel',
  attributes: { action: 'update' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/**
 * Read offboarded tenants (by uid) with their audit trail and job runs, and
 * runs of earlier tenants of the same name. A basic permission: with no
 * tenant left to match conditions against, it is for platform admins.
 *
 * @public
 */
export const emrOnEksTenantHistoryReadPermission = createPermission({
  name: 'emr-on-eks.tenant-history.read',
  attributes: { action: 'read' },
});

/**
 * Read a tenant's costs (its chargeback rows, per day, job and entity). A
 * resource permission on the tenant, so a policy can allow it to the members
 * of the owning group.
 *
 * @public
 */
export const emrOnEksCostReadPermission = createPermission({
  name: 'emr-on-eks.cost.read',
  attributes: { action: 'read' },
  resourceType: EMR_ON_EKS_TENANT_RESOURCE_TYPE,
});

/**
 * Read the cost summary of every tenant, with idle and unallocated costs and
 * the estimates' errors. A basic permission, for platform admins.
 *
 * @public
 */
export const emrOnEksCostSummaryReadPermission = createPermission({
  name: 'emr-on-eks.cost.summary.read',
  attributes: { action: 'read' },
});

/**
 * Recompute the cost rollups of a date range now (backfill, or after an
 * export was fixed). A basic permission, for platform admins.
 *
 * @public
 */
export const emrOnEksCostRefreshPermission = createPermission({
  name: 'emr-on-eks.cost.refresh',
  attributes: { action: 'update' },
});

/**
 * Read the configured clusters, their preflight checks and bootstrap
 * bundles, and write a bundle to the GitOps output. A basic permission, for
 * platform admins; onboarding treats its holders as admins (a cluster whose
 * preflight fails warns them and refuses everyone else).
 *
 * @public
 */
export const emrOnEksClusterReadPermission = createPermission({
  name: 'emr-on-eks.cluster.read',
  attributes: { action: 'read' },
});

/** Every permission of the plugin set. @public */
export const emrOnEksPermissions = [
  emrOnEksTenantCreatePermission,
  emrOnEksTenantReadPermission,
  emrOnEksTenantUpdatePermission,
  emrOnEksTenantGuardrailsUpdatePermission,
  emrOnEksTenantDeletePermission,
  emrOnEksJobRunSubmitPermission,
  emrOnEksJobRunReadPermission,
  emrOnEksJobRunCancelPermission,
  emrOnEksTenantHistoryReadPermission,
  emrOnEksCostReadPermission,
  emrOnEksCostSummaryReadPermission,
  emrOnEksCostRefreshPermission,
  emrOnEksClusterReadPermission,
];
