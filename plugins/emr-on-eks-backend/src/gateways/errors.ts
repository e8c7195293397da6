/**
 * Errors the gateways throw for the outcomes services act on, so no service
 * has to read AWS SDK error names or messages.
 */
import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
} from '@spot-spark/plugin-emr-on-eks-common';

/** A resource with the tenant's name exists but this plugin did not create it for that tenant. */
export class NotManagedError extends Error {
  name = 'NotManagedError';
}

/**
 * Why a resource's tags (AWS) or labels (Kubernetes) do not say that this
 * plugin made it for `tenant`, or undefined when they do. Both keys must
 * match: the managed-by key with the plugin's value, and the tenant key with
 * the tenant's name. Example: `tag app.kubernetes.io/managed-by is missing,
 * tag emr-on-eks.spot-spark.io/tenant is "team-b"`.
 */
export function notManagedReason(
  found: Record<string, string | undefined> | undefined,
  tenant: string,
  kind: 'tag' | 'label',
): string | undefined {
  const expected: Array<[string, string]> = [
    [EMR_ON_EKS_LABELS.managedBy, EMR_ON_EKS_MANAGED_BY],
    [EMR_ON_EKS_LABELS.tenant, tenant],
  ];
  const problems = expected
    .filter(([key, value]) => found?.[key] !== value)
    .map(([key]) => {
      const actual = found?.[key];
      return `${kind} ${key} is ${
        actual === undefined ? 'missing' : JSON.stringify(actual)
      }`;
    });
  return problems.length > 0 ? problems.join(', ') : undefined;
}

/** EMR refused a job run for good (validation, permissions): retrying the same request cannot help. */
export class JobRunRejectedError extends Error {
  name = 'JobRunRejectedError';
}

/** The virtual cluster a call named is gone (deleted, or never existed). */
export class VirtualClusterGoneError extends Error {
  name = 'VirtualClusterGoneError';
  constructor(readonly virtualClusterId: string, cause?: unknown) {
    super(`virtual cluster ${virtualClusterId} does not exist`, { cause });
  }
}

/**
 * The role a cluster's AWS calls are made with (`aws.roleArn`) could not be
 * assumed: the message names the cluster, the role and the reason AWS gave
 * (AccessDenied, a wrong external id, a timeout), never the external id or
 * any key. Every call for that cluster fails with it until the role can be
 * assumed again; other clusters are not affected.
 */
export class AssumeRoleError extends Error {
  name = 'AssumeRoleError';
  constructor(
    /** The configured cluster's name (undefined for the costs' Athena role). */
    readonly cluster: string | undefined,
    /** The role that was to be assumed. */
    readonly roleArn: string,
    /** What AWS answered, e.g. `AccessDenied: User: ... is not authorized ...`. */
    readonly reason: string,
    /** `of`: whose role it is when not a cluster's (`emrOnEks.costs.athena`). */
    options: { cause?: unknown; of?: string } = {},
  ) {
    super(
      `${
        options.of ?? `cluster ${cluster}`
      }: cannot assume role ${roleArn}: ${reason}`,
      { cause: options.cause },
    );
  }
}

/** A failed git command; the message never holds a secret given to {@link Git}. */
export class GitError extends Error {
  constructor(
    message: string,
    /** Exit code, or undefined when git was killed (time limit) or not run. */
    readonly exitCode: number | undefined,
    /** git's standard error, secrets masked. */
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}
