import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
  FieldIssue,
  PriorityTier,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import {
  IAM_INLINE_POLICY_MAX_SIZE,
  PolicyDocument,
  permissionsPolicy,
  policySize,
  trustPolicy,
  permissionsBoundaryFor,
} from './iam';
import {
  clusterPriorityClasses,
  KubernetesObject,
  tenantObjects,
} from './kubernetes';
import {
  allowedTiers,
  assetsKeyPrefix,
  executionRoleArn,
  executionRoleName,
  IAM_ROLE_NAME_MAX_LENGTH,
  logGroupName,
  maxTenantNameLength,
  PLACEHOLDER_UID,
  podTemplateKeys,
  virtualClusterName,
} from './names';
import {
  PodIdentityAssociationPlan,
  podIdentityAssociations,
  podIdentityReleaseIssues,
} from './podIdentity';
import { tenantPodTemplates, toYaml } from './podTemplates';

/** Name of the inline policy the plugin keeps on each tenant role. */
export const TENANT_POLICY_NAME = 'emr-on-eks-tenant-access';

/**
 * Everything a tenant should have, derived from its spec and its cluster's
 * settings with no I/O. The reconcile steps make the world match this.
 */
export interface TenantPlan {
  tenant: string;
  /** The tenant's uid: its assets are keyed by it. */
  uid: string;
  namespace: string;
  priorityTier: PriorityTier;
  cluster: ClusterSettings;
  /** AWS tags and their Kubernetes counterparts. */
  tags: Record<string, string>;
  kubernetes: {
    clusterObjects: KubernetesObject[];
    tenantObjects: KubernetesObject[];
  };
  iam: {
    roleName: string;
    roleArn: string;
    path: string;
    trustPolicy: PolicyDocument;
    policyName: string;
    permissionsPolicy: PolicyDocument;
    permissionsBoundaryArn?: string;
  };
  podTemplates: {
    bucket: string;
    files: Array<{
      tier: PriorityTier;
      name: 'driver' | 'executor' | 'executorOnDemand';
      key: string;
      body: string;
    }>;
  };
  logGroup: { name: string; retentionDays: number };
  virtualCluster: { name: string; eksClusterName: string; namespace: string };
  assetsPrefix: string;
  /** EKS Pod Identity associations of the role (none on IRSA clusters). */
  podIdentity: { associations: PodIdentityAssociationPlan[] };
}

/** AWS tag keys the plugin writes and reads back to recognise its resources. */
export const AWS_TAGS = {
  tenant: EMR_ON_EKS_LABELS.tenant,
  owner: EMR_ON_EKS_LABELS.owner,
  managedBy: EMR_ON_EKS_LABELS.managedBy,
};

export function buildTenantPlan(
  tenant: { spec: TenantSpec; uid: string },
  cluster: ClusterSettings,
  settings: Pick<EmrOnEksSettings, 'iam'>,
): TenantPlan {
  const { spec, uid } = tenant;
  const identity = { name: spec.name, uid };
  const roleName = executionRoleName(spec.name, settings.iam);
  const logGroup = logGroupName(cluster, spec);
  return {
    tenant: spec.name,
    uid,
    namespace: spec.namespace,
    priorityTier: spec.priorityTier,
    cluster,
    tags: {
      [AWS_TAGS.tenant]: spec.name,
      [AWS_TAGS.owner]: spec.owner,
      [AWS_TAGS.managedBy]: EMR_ON_EKS_MANAGED_BY,
    },
    kubernetes: {
      clusterObjects: clusterPriorityClasses(),
      tenantObjects: tenantObjects(spec),
    },
    iam: {
      roleName,
      roleArn: executionRoleArn(spec.name, cluster, settings.iam),
      path: settings.iam.rolePath,
      trustPolicy: trustPolicy(cluster, spec.namespace, roleName),
      policyName: TENANT_POLICY_NAME,
      permissionsPolicy: permissionsPolicy({
        spec,
        uid,
        cluster,
        logGroupName: logGroup,
      }),
      permissionsBoundaryArn: permissionsBoundaryFor(
        settings.iam.permissionsBoundaryArn,
        cluster,
      ),
    },
    podTemplates: {
      bucket: cluster.assetsBucket,
      files: allowedTiers(spec.priorityTier).flatMap(tier => {
        const templates = tenantPodTemplates(spec, cluster, tier);
        const keys = podTemplateKeys(identity, tier);
        return (['driver', 'executor', 'executorOnDemand'] as const).map(
          name => ({
            tier,
            name,
            key: keys[name],
            body: toYaml(templates[name]),
          }),
        );
      }),
    },
    logGroup: { name: logGroup, retentionDays: spec.logRetentionDays },
    virtualCluster: {
      name: virtualClusterName(spec),
      eksClusterName: cluster.eksClusterName,
      namespace: spec.namespace,
    },
    assetsPrefix: `s3://${cluster.assetsBucket}/${assetsKeyPrefix(identity)}`,
    podIdentity: {
      associations: podIdentityAssociations({
        cluster,
        tenant: spec.name,
        uid,
        namespace: spec.namespace,
        roleName,
        roleArn: executionRoleArn(spec.name, cluster, settings.iam),
      }),
    },
  };
}

/**
 * Checks of a spec that need the plugin's settings: the cluster must be
 * configured, the derived IAM role name must fit IAM's limit, and the role's
 * inline permissions policy must fit IAM's size limit (checked here, before
 * anything is created, rather than refused by IAM after the namespace exists),
 * and on a Pod Identity cluster the tenant's release must support it.
 */
export function checkSpecAgainstSettings(
  spec: TenantSpec,
  settings: Pick<EmrOnEksSettings, 'iam' | 'clusters'>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const cluster = settings.clusters.find(c => c.name === spec.cluster);
  if (cluster) {
    // The tenant's default release; each job's own release is checked again
    // when it is submitted.
    issues.push(...podIdentityReleaseIssues(cluster, spec.releaseLabel));
    const size = policySize(
      permissionsPolicy({
        spec,
        uid: PLACEHOLDER_UID,
        cluster,
        logGroupName: logGroupName(cluster, spec),
      }),
    );
    if (size > IAM_INLINE_POLICY_MAX_SIZE) {
      issues.push({
        path: 'dataAccess',
        message: `the IAM policy of these ${spec.dataAccess.length} S3 prefixes would have ${size} characters and IAM allows ${IAM_INLINE_POLICY_MAX_SIZE} in a role's inline policy; use fewer or shorter prefixes (a shared parent prefix covers its children)`,
      });
    }
  } else {
    issues.push({
      path: 'cluster',
      message: `unknown cluster "${
        spec.cluster
      }"; configured clusters: ${settings.clusters
        .map(c => c.name)
        .join(', ')}`,
    });
  }
  const roleName = executionRoleName(spec.name, settings.iam);
  if (roleName.length > IAM_ROLE_NAME_MAX_LENGTH) {
    issues.push({
      path: 'name',
      message: `"${
        spec.name
      }" is too long: its IAM role name ${roleName} would have ${
        roleName.length
      } characters and IAM allows ${IAM_ROLE_NAME_MAX_LENGTH}; with roleNamePrefix "${
        settings.iam.roleNamePrefix
      }" tenant names have at most ${maxTenantNameLength(
        settings.iam,
      )} characters`,
    });
  }
  return issues;
}
