import type { TenantSpec } from '@spot-spark/plugin-emr-on-eks-common';
import { parseS3Prefix } from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings } from '../config';
import { base36 } from './base36';
import { assetsKeyPrefix, partitionOf } from './names';
import { podIdentityTrustStatement } from './podIdentity';

/**
 * IAM refuses an inline role policy over 10,240 characters; IAM does not count
 * white space, so the size is that of the document as compact JSON.
 */
export const IAM_INLINE_POLICY_MAX_SIZE = 10_240;

/** The size IAM counts for a policy document: compact JSON, no white space. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * The trust statement `aws emr-containers update-role-trust-policy` adds for a
 * role, namespace and cluster: only the service accounts EMR creates for this
 * role in this namespace may assume it. No wildcard stands in for the base36
 * part, so no other role's service accounts match.
 */
export function emrTrustStatement(options: {
  accountId: string;
  region: string;
  oidcIssuer: string;
  namespace: string;
  roleName: string;
}): PolicyStatement {
  const { accountId, region, oidcIssuer, namespace, roleName } = options;
  return {
    Effect: 'Allow',
    Principal: {
      Federated: `arn:${partitionOf(
        region,
      )}:iam::${accountId}:oidc-provider/${oidcIssuer}`,
    },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringLike: {
        [`${oidcIssuer}:sub`]: `system:serviceaccount:${namespace}:emr-containers-sa-*-*-${accountId}-${base36(
          roleName,
        )}`,
      },
    },
  };
}

/**
 * The trust policy of a tenant's job-execution role: EMR's service accounts
 * in the tenant's namespace through the cluster's OIDC provider (IRSA), or
 * through EKS Pod Identity on a `podIdentity` cluster.
 */
export function trustPolicy(
  cluster: ClusterSettings,
  namespace: string,
  roleName: string,
): PolicyDocument {
  if (cluster.identity === 'podIdentity') {
    return {
      Version: '2012-10-17',
      Statement: [podIdentityTrustStatement({ cluster, namespace, roleName })],
    };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      emrTrustStatement({
        accountId: cluster.accountId,
        region: cluster.region,
        oidcIssuer: cluster.oidcIssuer,
        namespace,
        roleName,
      }),
    ],
  };
}

/**
 * Least-privilege permissions of a tenant's job-execution role: its data
 * prefixes with the access asked for, read-only pod templates, read-write
 * logs and Spark scratch under its own assets prefix, and its own log group.
 */
export function permissionsPolicy(options: {
  spec: TenantSpec;
  uid: string;
  cluster: ClusterSettings;
  logGroupName: string;
}): PolicyDocument {
  const { spec, uid, cluster, logGroupName } = options;
  const partition = partitionOf(cluster.region);
  const s3 = (resource: string) => `arn:${partition}:s3:::${resource}`;
  const assets = assetsKeyPrefix({ name: spec.name, uid });
  const bucket = cluster.assetsBucket;

  const grants = [
    ...spec.dataAccess.map(grant => ({
      ...parseS3Prefix(grant.s3)!,
      write: grant.access === 'read-write',
    })),
    { bucket, prefix: `${assets}logs/`, write: true },
    { bucket, prefix: `${assets}spark/`, write: true },
  ];
  const readPrefixes = [
    ...grants,
    { bucket, prefix: `${assets}pod-templates/`, write: false },
  ];

  const listByBucket = new Map<string, string[]>();
  for (const grant of readPrefixes) {
    const prefixes = listByBucket.get(grant.bucket) ?? [];
    prefixes.push(grant.prefix === '' ? '*' : `${grant.prefix}*`);
    listByBucket.set(grant.bucket, prefixes);
  }

  const logGroupArn = `arn:${partition}:logs:${cluster.region}:${cluster.accountId}:log-group:${logGroupName}`;
  // One ListBucket statement per bucket: an s3:prefix condition shared by
  // several buckets would let each bucket be listed under the others' prefixes.
  const statements: PolicyStatement[] = [...listByBucket].map(
    ([name, prefixes], index) => ({
      Sid: `ListTenantPrefixes${index}`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: s3(name),
      Condition: { StringLike: { 's3:prefix': unique(prefixes) } },
    }),
  );
  statements.push({
    Sid: 'ReadTenantObjects',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: unique(readPrefixes.map(g => s3(`${g.bucket}/${g.prefix}*`))),
  });
  const writable = grants.filter(g => g.write);
  statements.push({
    Sid: 'WriteTenantObjects',
    Effect: 'Allow',
    Action: [
      's3:PutObject',
      's3:DeleteObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ],
    Resource: unique(writable.map(g => s3(`${g.bucket}/${g.prefix}*`))),
  });
  statements.push(
    {
      Sid: 'WriteTenantLogs',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:DescribeLogStreams',
      ],
      Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
    },
    {
      // EMR's log shipper looks its group up; DescribeLogGroups cannot be
      // narrowed to one group, only to the account and region.
      Sid: 'FindTenantLogGroup',
      Effect: 'Allow',
      Action: 'logs:DescribeLogGroups',
      Resource: `arn:${partition}:logs:${cluster.region}:${cluster.accountId}:log-group:*`,
    },
  );
  return { Version: '2012-10-17', Statement: statements };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * True when two policy documents say the same thing. IAM returns documents
 * URL-encoded and may turn one-element arrays into strings, so compare the
 * parsed documents with those normalised.
 */
export function samePolicy(a: unknown, b: unknown): boolean {
  return (
    JSON.stringify(normalisePolicy(a)) === JSON.stringify(normalisePolicy(b))
  );
}

/** Parses a policy document as IAM returns it (URL-encoded JSON). */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (!text) {
    return undefined;
  }
  const json = text.trimStart().startsWith('{')
    ? text
    : decodeURIComponent(text);
  return JSON.parse(json);
}

function normalisePolicy(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.length === 1
      ? normalisePolicy(value[0])
      : value.map(normalisePolicy);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, normalisePolicy(inner)]),
    );
  }
  return value;
}

/**
 * The permissions boundary of a cluster's tenant roles. IAM only accepts a
 * boundary policy of the role's own account, so the configured ARN names
 * the policy (path and name) and each cluster's account supplies its own
 * copy: the same ARN with the cluster's account.
 */
export function permissionsBoundaryFor(
  configuredArn: string | undefined,
  cluster: Pick<ClusterSettings, 'accountId'>,
): string | undefined {
  return configuredArn?.replace(
    /^(arn:[a-z-]+:iam::)\d{12}(:policy\/)/,
    `$1${cluster.accountId}$2`,
  );
}
