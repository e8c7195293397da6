import {
  PRIORITY_TIERS,
  PriorityTier,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, EmrOnEksSettings } from '../config';

/** IAM allows role names of at most 64 characters. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

/** AWS partition of a region, as the AWS CLI derives it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov')) {
    return 'aws-us-gov';
  }
  return 'aws';
}

/** Name of a tenant's job-execution role. */
export function executionRoleName(
  tenantName: string,
  iam: EmrOnEksSettings['iam'],
): string {
  return `${iam.roleNamePrefix}${tenantName}`;
}

export function executionRoleArn(
  tenantName: string,
  cluster: ClusterSettings,
  iam: EmrOnEksSettings['iam'],
): string {
  return `arn:${partitionOf(cluster.region)}:iam::${cluster.accountId}:role${
    iam.rolePath
  }${executionRoleName(tenantName, iam)}`;
}

/** Longest tenant name whose role name still fits IAM's limit. */
export function maxTenantNameLength(iam: EmrOnEksSettings['iam']): number {
  return Math.min(63, IAM_ROLE_NAME_MAX_LENGTH - iam.roleNamePrefix.length);
}

/** What a tenant's assets are keyed by: its name, and its uid. */
export interface TenantIdentity {
  name: string;
  uid: string;
}

/**
 * Where a tenant's assets live: `tenants/<name>/<uid>/` in the cluster's
 * bucket. The uid keeps a tenant onboarded later under the same name out of
 * the earlier one's logs and scratch data.
 */
export function assetsKeyPrefix(tenant: TenantIdentity): string {
  return `tenants/${tenant.name}/${tenant.uid}/`;
}

/**
 * A uid of a tenant not created yet, as long as a real one: for checks of
 * what the tenant's IAM policy will be (its size) before it exists.
 */
export const PLACEHOLDER_UID = '00000000-0000-4000-8000-000000000000';

/**
 * Object keys of a tenant's pod templates for one priority tier. A priority
 * class can only be set in a pod template, so each tier a tenant may use
 * has its own set.
 */
export function podTemplateKeys(tenant: TenantIdentity, tier: PriorityTier) {
  const base = `${assetsKeyPrefix(tenant)}pod-templates/${tier}/`;
  return {
    driver: `${base}driver.yaml`,
    executor: `${base}executor-spot.yaml`,
    executorOnDemand: `${base}executor-on-demand.yaml`,
  };
}

/** The tiers a tenant's jobs may use: its own and the ones below it. */
export function allowedTiers(tenantTier: PriorityTier): PriorityTier[] {
  return PRIORITY_TIERS.slice(0, PRIORITY_TIERS.indexOf(tenantTier) + 1);
}

export function logGroupName(cluster: ClusterSettings, spec: TenantSpec) {
  return `/emr-on-eks/${cluster.name}/${spec.name}`;
}

/**
 * Name of the EMR virtual cluster registered for a tenant. EMR allows 64
 * characters; tenant names have at most 63.
 */
export function virtualClusterName(spec: TenantSpec) {
  return spec.name;
}
