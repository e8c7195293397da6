import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings, EmrOnEksSettings } from '../config';
import {
  permissionsBoundaryFor,
  type PolicyDocument,
  type PolicyStatement,
} from './iam';
import { partitionOf } from './names';

/*
 * The IAM role the backend works as in a cluster's account (`aws.roleArn`):
 * what it may do there, least privilege, derived from the settings so the
 * documented policy is the one the code needs. Every grant is scoped to
 * what the plugin makes for tenants of this cluster: IAM roles under the
 * role-name prefix and path, the assets bucket's `tenants/` prefix, the
 * cluster's log groups, the virtual clusters and job runs of the account and
 * region, the EKS cluster itself.
 */

/** Where EMR on EKS puts its service-linked role. */
export const EMR_SERVICE_LINKED_ROLE_PATH =
  '/aws-service-role/emr-containers.amazonaws.com/';
export const EMR_SERVICE_LINKED_ROLE_NAME =
  'AWSServiceRoleForAmazonEMRContainers';

/** The role's two documents. */
export interface PlatformPolicies {
  /** Who may assume the role: the backend's principal, with the external id. */
  trustPolicy: PolicyDocument;
  /** What the role may do in the cluster's account and region. */
  permissionsPolicy: PolicyDocument;
}

/**
 * The trust and permissions policies of the role the backend assumes for
 * `cluster`. `backendPrincipal` is the backend's own IAM role ARN (or its
 * account's root, `arn:aws:iam::<account>:root`, to leave the choice to
 * that account's IAM); `externalId`, when given, becomes the trust policy's
 * `sts:ExternalId` condition.
 */
export function platformPolicy(options: {
  settings: Pick<EmrOnEksSettings, 'iam'>;
  cluster: ClusterSettings;
  backendPrincipal: string;
  externalId?: string;
}): PlatformPolicies {
  const { settings, cluster, backendPrincipal, externalId } = options;
  return {
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BackstageEmrOnEks',
          Effect: 'Allow',
          Principal: { AWS: backendPrincipal },
          Action: 'sts:AssumeRole',
          ...(externalId
            ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }
            : {}),
        },
      ],
    },
    permissionsPolicy: {
      Version: '2012-10-17',
      Statement: permissionStatements(settings, cluster),
    },
  };
}

function permissionStatements(
  settings: Pick<EmrOnEksSettings, 'iam'>,
  cluster: ClusterSettings,
): PolicyStatement[] {
  const partition = partitionOf(cluster.region);
  const { accountId: account, region } = cluster;
  const iam = (resource: string) =>
    `arn:${partition}:iam::${account}:${resource}`;
  const regional = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const tenantRoles = iam(
    `role${settings.iam.rolePath}${settings.iam.roleNamePrefix}*`,
  );
  const bucket = `arn:${partition}:s3:::${cluster.assetsBucket}`;
  const logGroups = regional('logs', `log-group:/emr-on-eks/${cluster.name}/*`);
  const virtualClusters = regional('emr-containers', '/virtualclusters/*');
  const eksCluster = regional('eks', `cluster/${cluster.eksClusterName}`);
  const ours = {
    [`aws:RequestTag/${EMR_ON_EKS_LABELS.managedBy}`]: EMR_ON_EKS_MANAGED_BY,
  };
  const boundary = permissionsBoundaryFor(
    settings.iam.permissionsBoundaryArn,
    cluster,
  );
  const podIdentity = cluster.identity === 'podIdentity';
  const queue = cluster.events?.queueUrl
    ? queueArn(cluster.events.queueUrl, { partition, region, account })
    : undefined;

  const roleActions = [
    'iam:GetRole',
    'iam:TagRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:PutRolePolicy',
    'iam:GetRolePolicy',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
    'iam:DetachRolePolicy',
    'iam:DeleteRolePolicy',
    'iam:DeleteRole',
  ];
  const createRole = ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'];
  const statements: PolicyStatement[] = [
    {
      Sid: 'TenantRoles',
      Effect: 'Allow',
      // Without a boundary to insist on, creating is like the rest.
      Action: boundary ? roleActions : [...createRole, ...roleActions],
      Resource: tenantRoles,
    },
  ];
  if (boundary) {
    statements.push({
      Sid: 'TenantRolesWithinBoundary',
      Effect: 'Allow',
      Action: createRole,
      Resource: tenantRoles,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
    });
  }
  if (podIdentity) {
    // CreatePodIdentityAssociation passes the tenant's role to EKS.
    statements.push({
      Sid: 'PassTenantRolesToPodIdentity',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: tenantRoles,
      Condition: {
        StringEquals: { 'iam:PassedToService': 'pods.eks.amazonaws.com' },
      },
    });
  }
  statements.push(
    {
      Sid: 'ClusterOidcProvider',
      Effect: 'Allow',
      Action: 'iam:GetOpenIDConnectProvider',
      Resource: iam(`oidc-provider/${cluster.oidcIssuer}`),
    },
    {
      // Listing the account's OIDC providers has no resource to name.
      Sid: 'FindOidcProviders',
      Effect: 'Allow',
      Action: 'iam:ListOpenIDConnectProviders',
      Resource: '*',
    },
    {
      Sid: 'EmrServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:GetRole',
      Resource: iam(
        `role${EMR_SERVICE_LINKED_ROLE_PATH}${EMR_SERVICE_LINKED_ROLE_NAME}`,
      ),
    },
    {
      Sid: 'TenantAssets',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `${bucket}/tenants/*`,
    },
    {
      Sid: 'ListTenantAssets',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
      Condition: { StringLike: { 's3:prefix': 'tenants/*' } },
    },
    {
      Sid: 'AssetsBucketSettings',
      Effect: 'Allow',
      Action: ['s3:GetBucketPublicAccessBlock', 's3:GetBucketLocation'],
      Resource: bucket,
    },
    {
      Sid: 'TenantLogGroups',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogGroup',
        'logs:TagResource',
        'logs:PutRetentionPolicy',
        'logs:ListTagsForResource',
        'logs:DeleteLogGroup',
        'logs:DescribeLogStreams',
        'logs:GetLogEvents',
      ],
      // The groups and, through the wildcard, their streams.
      Resource: logGroups,
    },
    {
      // DescribeLogGroups cannot be narrowed to a group, only to the
      // account and region.
      Sid: 'FindLogGroups',
      Effect: 'Allow',
      Action: 'logs:DescribeLogGroups',
      Resource: regional('logs', 'log-group:*'),
    },
    {
      // Virtual clusters get their ids from EMR: creation is allowed only
      // with the plugin's tag, and has no resource to name.
      Sid: 'CreateVirtualClusters',
      Effect: 'Allow',
      Action: 'emr-containers:CreateVirtualCluster',
      Resource: '*',
      Condition: {
        StringEquals: { ...ours, 'aws:RequestedRegion': region },
      },
    },
    {
      Sid: 'TagVirtualClusters',
      Effect: 'Allow',
      Action: 'emr-containers:TagResource',
      Resource: virtualClusters,
      Condition: { StringEquals: ours },
    },
    {
      // Listing has no resource to name: the region is all it is narrowed to.
      Sid: 'ListVirtualClusters',
      Effect: 'Allow',
      Action: 'emr-containers:ListVirtualClusters',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': region } },
    },
    {
      Sid: 'ReadVirtualClusters',
      Effect: 'Allow',
      // Describe reads any, to tell the plugin's from others by their tags.
      Action: 'emr-containers:DescribeVirtualCluster',
      Resource: virtualClusters,
    },
    {
      Sid: 'DeleteOwnVirtualClusters',
      Effect: 'Allow',
      Action: 'emr-containers:DeleteVirtualCluster',
      Resource: virtualClusters,
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${EMR_ON_EKS_LABELS.managedBy}`]:
            EMR_ON_EKS_MANAGED_BY,
        },
      },
    },
    {
      // Runs as a tenant's role only.
      Sid: 'StartTenantJobRuns',
      Effect: 'Allow',
      Action: 'emr-containers:StartJobRun',
      Resource: virtualClusters,
      Condition: {
        ArnLike: { 'emr-containers:ExecutionRoleArn': tenantRoles },
      },
    },
    {
      Sid: 'TenantJobRuns',
      Effect: 'Allow',
      Action: [
        'emr-containers:DescribeJobRun',
        'emr-containers:ListJobRuns',
        'emr-containers:CancelJobRun',
      ],
      Resource: [virtualClusters, `${virtualClusters}/jobruns/*`],
    },
    {
      // The EMR API's persistent app UI calls (a run's Spark UI) have no
      // resource type for a virtual cluster: the region is all IAM can
      // narrow them to.
      Sid: 'JobRunSparkUi',
      Effect: 'Allow',
      Action: [
        'elasticmapreduce:CreatePersistentAppUI',
        'elasticmapreduce:DescribePersistentAppUI',
        'elasticmapreduce:GetPersistentAppUIPresignedURL',
      ],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': region } },
    },
    {
      Sid: 'EksCluster',
      Effect: 'Allow',
      Action: [
        'eks:DescribeCluster',
        'eks:ListAddons',
        'eks:ListAccessEntries',
        ...(podIdentity
          ? [
              'eks:ListPodIdentityAssociations',
              'eks:CreatePodIdentityAssociation',
            ]
          : []),
      ],
      Resource: eksCluster,
    },
    {
      Sid: 'EksClusterAddonsAndAccess',
      Effect: 'Allow',
      Action: ['eks:DescribeAddon', 'eks:ListAssociatedAccessPolicies'],
      Resource: [
        regional('eks', `addon/${cluster.eksClusterName}/*/*`),
        regional('eks', `access-entry/${cluster.eksClusterName}/*`),
      ],
    },
  );
  if (podIdentity) {
    statements.push({
      Sid: 'TenantPodIdentityAssociations',
      Effect: 'Allow',
      Action: [
        'eks:DescribePodIdentityAssociation',
        'eks:UpdatePodIdentityAssociation',
        'eks:DeletePodIdentityAssociation',
        'eks:TagResource',
      ],
      Resource: regional(
        'eks',
        `podidentityassociation/${cluster.eksClusterName}/*`,
      ),
    });
  }
  if (queue) {
    statements.push({
      Sid: 'JobRunEvents',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: queue,
    });
  }
  return statements;
}

/**
 * The ARN of an SQS queue from its URL
 * (`https://sqs.<region>.amazonaws.com/<account>/<name>`); the cluster's
 * region and account where the URL does not name them (a local endpoint).
 */
export function queueArn(
  queueUrl: string,
  cluster: { partition: string; region: string; account: string },
): string {
  const url = new URL(queueUrl);
  const [owner, name] = url.pathname.split('/').filter(Boolean);
  const region =
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1] ??
    cluster.region;
  const account = /^\d{12}$/.test(owner) ? owner : cluster.account;
  return `arn:${cluster.partition}:sqs:${region}:${account}:${name}`;
}
