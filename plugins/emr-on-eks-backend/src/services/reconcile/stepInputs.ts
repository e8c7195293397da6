import type { Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import { createHash } from 'node:crypto';
import type { TenantOutputs } from '../../stores/TenantStore';

/* What each reconcile step is given besides the plan. */

/** The step outputs part of a tenant's status. */
export function pickOutputs(tenant: Tenant): Partial<TenantOutputs> {
  const {
    virtualClusterId,
    executionRoleArn,
    logGroupName,
    podTemplates,
    assetsPrefix,
  } = tenant.status;
  return {
    virtualClusterId,
    executionRoleArn,
    logGroupName,
    podTemplates,
    assetsPrefix,
  };
}

/**
 * EMR client token of a tenant's creations: stable across retries of one
 * onboarding, different for a tenant of the same name onboarded later.
 */
export function clientTokenOf(tenant: Tenant): string {
  return createHash('sha256')
    .update(`virtual-cluster\n${tenant.uid}`)
    .digest('hex');
}
