import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
  FieldIssue,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings } from '../config';
import { base36 } from './base36';
import type { PolicyStatement } from './iam';
import { parseReleaseLabel } from './jobRun/shape';
import { partitionOf } from './names';

/*
 * EKS Pod Identity for EMR on EKS, as a pure rule set: which service accounts
 * EMR runs a job's pods under, the trust statement the job-execution role
 * needs, the associations that bind the role to those service accounts, and
 * the releases that can use it.
 *
 * Sources (checked December 2026):
 * - AWS CLI v2, `aws emr-containers create-role-associations`
 *   (github.com/aws/aws-cli, branch v2,
 *   awscli/customizations/emrcontainers/create_role_associations.py and
 *   constants.py): for the default `--type start_job_run` it creates one
 *   association per component `client`, `driver`, `executor`, each for the
 *   service account `SERVICE_ACCOUNT_NAMING` =
 *   `emr-containers-sa-%(FRAMEWORK)s-%(COMPONENT)s-%(AWS_ACCOUNT_ID)s-%(BASE36_ENCODED_ROLE_NAME)s`
 *   with FRAMEWORK `spark`, in the job namespace, through EKS
 *   CreatePodIdentityAssociation (clusterName, namespace, roleArn,
 *   serviceAccount; no tags).
 * - EMR on EKS Development Guide, "Option 1: Enable EKS Pod Identity on the
 *   EKS Cluster" (setting-up-enable-IAM.html): "Amazon EMR on EKS starts to
 *   support EKS pod identity since emr-7.3.0 release for the StartJobRun
 *   submission model"; the cluster needs the EKS Pod Identity Agent add-on.
 * - Amazon EKS User Guide, "Create IAM role with trust policy required by
 *   EKS Pod Identity" (pod-id-role.html): principal `pods.eks.amazonaws.com`,
 *   actions `sts:AssumeRole` and `sts:TagSession`; the session tags can be
 *   used in the trust policy's conditions. "Grant Pods access to AWS
 *   resources based on tags" (pod-id-abac.html) lists the session tags:
 *   eks-cluster-arn, eks-cluster-name, kubernetes-namespace,
 *   kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid.
 */

/** The first EMR release whose StartJobRun jobs can use EKS Pod Identity: 7.3.0. */
export const POD_IDENTITY_MIN_RELEASE = [7, 3, 0] as const;

/** The EMR Spark components of a StartJobRun job, each with its own service account. */
export const EMR_SPARK_COMPONENTS = ['client', 'driver', 'executor'] as const;

/** Service principal of EKS Pod Identity (the EKS Auth API assumes the role). */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/**
 * Tag key on each association naming the tenant's uid: a tenant deleted and
 * created again under the same name gets a new uid, and never takes over the
 * old incarnation's associations (nor deletes someone's by name alone).
 */
export const TENANT_UID_TAG = 'emr-on-eks.spot-spark.io/tenant-uid';

/**
 * The service accounts EMR creates for a StartJobRun job run with the role
 * `roleName` of account `accountId`, in the order the AWS CLI creates their
 * associations: `emr-containers-sa-spark-{client,driver,executor}-<account>-<base36 role name>`.
 * The role name is the name alone, without the role's path (the CLI encodes
 * `--role-name`).
 */
export function emrServiceAccountNames(
  accountId: string,
  roleName: string,
): string[] {
  const encoded = base36(roleName);
  return EMR_SPARK_COMPONENTS.map(
    component => `emr-containers-sa-spark-${component}-${accountId}-${encoded}`,
  );
}

/** ARN of an EKS cluster. */
export function eksClusterArn(
  cluster: Pick<ClusterSettings, 'region' | 'accountId' | 'eksClusterName'>,
): string {
  return `arn:${partitionOf(cluster.region)}:eks:${cluster.region}:${
    cluster.accountId
  }:cluster/${cluster.eksClusterName}`;
}

/**
 * The trust statement of a job-execution role on a Pod Identity cluster.
 * EKS Pod Identity assumes the role with session tags naming the cluster,
 * namespace and service account of the pod; the conditions allow only this
 * cluster, the tenant's namespace and EMR's service accounts of this role,
 * so an association made for the role anywhere else (another cluster,
 * namespace or service account) gets no credentials. An association with
 * session tags disabled sends none and is refused too (fails closed).
 */
export function podIdentityTrustStatement(options: {
  cluster: Pick<ClusterSettings, 'region' | 'accountId' | 'eksClusterName'>;
  namespace: string;
  roleName: string;
}): PolicyStatement {
  const { cluster, namespace, roleName } = options;
  return {
    Effect: 'Allow',
    Principal: { Service: POD_IDENTITY_PRINCIPAL },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': eksClusterArn(cluster),
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': emrServiceAccountNames(
          cluster.accountId,
          roleName,
        ),
      },
    },
  };
}

/** One EKS Pod Identity association the tenant needs. */
export interface PodIdentityAssociationPlan {
  /** The EKS cluster's name. */
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  /** Mark it as the plugin's, for this tenant (name and uid). */
  tags: Record<string, string>;
}

/** A tenant incarnation's role on a cluster, in its namespace. */
export interface TenantRoleOf {
  cluster: ClusterSettings;
  tenant: string;
  uid: string;
  namespace: string;
  roleName: string;
  roleArn: string;
}

/**
 * The associations of a tenant on a Pod Identity cluster (none on an IRSA
 * cluster): each of EMR's service accounts of the role, in the tenant's
 * namespace, bound to the role.
 */
export function podIdentityAssociations(
  options: TenantRoleOf,
): PodIdentityAssociationPlan[] {
  return options.cluster.identity === 'podIdentity'
    ? roleAssociations(options)
    : [];
}

/**
 * The associations a tenant has while its cluster uses Pod Identity,
 * whatever the cluster uses now: on a cluster switched back to IRSA, those
 * the plugin looks for to delete.
 */
export function roleAssociations(
  options: TenantRoleOf,
): PodIdentityAssociationPlan[] {
  const { cluster, tenant, uid, namespace, roleName, roleArn } = options;
  const tags = podIdentityTags(tenant, uid);
  return emrServiceAccountNames(cluster.accountId, roleName).map(
    serviceAccount => ({
      clusterName: cluster.eksClusterName,
      namespace,
      serviceAccount,
      roleArn,
      tags: { ...tags },
    }),
  );
}

/**
 * True when a trust policy (parsed) lets EKS Pod Identity assume the role:
 * an Allow statement whose service principal names
 * {@link POD_IDENTITY_PRINCIPAL}. On a cluster switched back to IRSA, the
 * role's trust saying so (until the IAM step rewrites it) is the record that
 * the tenant had associations.
 */
export function trustsPodIdentity(document: unknown): boolean {
  const statements = (document as { Statement?: unknown } | undefined)
    ?.Statement;
  return (Array.isArray(statements) ? statements : [statements]).some(
    statement => {
      const { Effect, Principal } = (statement ?? {}) as {
        Effect?: unknown;
        Principal?: { Service?: unknown };
      };
      const service = Principal?.Service;
      return (
        Effect === 'Allow' &&
        (Array.isArray(service) ? service : [service]).includes(
          POD_IDENTITY_PRINCIPAL,
        )
      );
    },
  );
}

/** The tags that mark an association as the plugin's for this tenant. */
export function podIdentityTags(
  tenant: string,
  uid: string,
): Record<string, string> {
  return {
    [EMR_ON_EKS_LABELS.managedBy]: EMR_ON_EKS_MANAGED_BY,
    [EMR_ON_EKS_LABELS.tenant]: tenant,
    [TENANT_UID_TAG]: uid,
  };
}

/**
 * Why an association's tags do not say the plugin made it for this tenant
 * incarnation, or undefined when they do. Example: `tag
 * emr-on-eks.spot-spark.io/tenant-uid is "1234"`.
 */
export function foreignAssociationReason(
  found: Record<string, string | undefined> | undefined,
  expected: Record<string, string>,
): string | undefined {
  const problems = Object.entries(expected)
    .filter(([key, value]) => found?.[key] !== value)
    .map(([key]) => {
      const actual = found?.[key];
      return `tag ${key} is ${
        actual === undefined ? 'missing' : JSON.stringify(actual)
      }`;
    });
  return problems.length > 0 ? problems.join(', ') : undefined;
}

/** A version (major, minor, patch) compared with another: <0, 0 or >0. */
export function compareVersions(
  a: readonly [number, number, number],
  b: readonly [number, number, number],
): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** True when an EMR release label is 7.3.0 or later (false when it is not a release label). */
export function releaseSupportsPodIdentity(releaseLabel: string): boolean {
  const version = parseReleaseLabel(releaseLabel);
  return (
    version !== undefined &&
    compareVersions(version, POD_IDENTITY_MIN_RELEASE) >= 0
  );
}

/**
 * The issue of a release on a cluster: on a Pod Identity cluster, a release
 * older than {@link POD_IDENTITY_MIN_RELEASE} gets no credentials, so it is
 * refused with the minimum named. None on IRSA clusters.
 */
export function podIdentityReleaseIssues(
  cluster: Pick<ClusterSettings, 'name' | 'identity'>,
  releaseLabel: string,
  path = 'releaseLabel',
): FieldIssue[] {
  if (
    cluster.identity !== 'podIdentity' ||
    releaseSupportsPodIdentity(releaseLabel)
  ) {
    return [];
  }
  return [
    {
      path,
      message: `${releaseLabel} is older than ${POD_IDENTITY_MIN_RELEASE.join(
        '.',
      )}, the first EMR release that supports EKS Pod Identity, which cluster ${
        cluster.name
      } uses; choose emr-${POD_IDENTITY_MIN_RELEASE.join('.')}-latest or newer`,
    },
  ];
}
