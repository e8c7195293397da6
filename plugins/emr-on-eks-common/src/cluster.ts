/*
 * The platform's clusters as admins see them: each configured cluster, the
 * preflight checks that say whether it is ready for Spot Spark tenants, and
 * the bootstrap bundle that makes it ready.
 */

/**
 * The preflight checks, in the order they are shown. Each is about one thing
 * a Spark run needs from the cluster or its account.
 *
 * @public
 */
export const CLUSTER_CHECKS = [
  'credentials',
  'eks-cluster',
  'identity',
  'oidc-provider',
  'emr-service-linked-role',
  'emr-cluster-access',
  'node-pools',
  'storage-class',
  'priority-classes',
  'assets-bucket',
] as const;

/** One preflight check; see {@link CLUSTER_CHECKS}. @public */
export type ClusterCheckId = (typeof CLUSTER_CHECKS)[number];

/**
 * A check's result: `pass`; `fail` (a Spark run will fail: onboarding is
 * refused for non-admins); `warn` (works, but not as the platform intends);
 * `skipped` (a check it depends on failed, or it does not apply to the
 * cluster's identity or Kubernetes mode; `detail` says which).
 *
 * @public
 */
export type ClusterCheckStatus = 'pass' | 'fail' | 'warn' | 'skipped';

/** The outcome of one preflight check. @public */
export interface ClusterCheck {
  /** Which check. */
  id: ClusterCheckId;
  /** What is checked, in plain words ("EMR can reach the cluster"). */
  title: string;
  /** Its result. */
  status: ClusterCheckStatus;
  /** What was found (never a secret). */
  detail: string;
  /**
   * What to do when the check did not pass: the exact command or manifest
   * to run or apply, with the cluster's own values filled in.
   */
  advice?: string;
}

/** How a cluster's tenants' jobs get their AWS credentials. @public */
export type ClusterIdentity = 'irsa' | 'podIdentity';

/** A configured cluster and its preflight. @public */
export interface ClusterPreflight {
  /** The name tenants use for the cluster. */
  name: string;
  /** The cluster's AWS account (12 digits), as configured. */
  accountId: string;
  /** Its AWS region. */
  region: string;
  /** The EKS cluster's own name. */
  eksClusterName: string;
  /** How its tenants' jobs get their AWS credentials. */
  identity: ClusterIdentity;
  /** How tenants' Kubernetes objects reach it: applied, or written for GitOps. */
  kubernetesMode: 'direct' | 'gitops';
  /** The role every AWS call for this cluster assumes, when configured. */
  roleArn?: string;
  /** True when no check failed. */
  ready: boolean;
  /** The checks, in {@link CLUSTER_CHECKS} order. */
  checks: ClusterCheck[];
  /** When the checks ran (ISO 8601); results are reused for a short while. */
  checkedAt: string;
}

/** `GET /clusters`. @public */
export interface ClusterList {
  /** Every configured cluster, in configuration order. */
  items: ClusterPreflight[];
}

/** One file of a cluster's bootstrap bundle. @public */
export interface ClusterBootstrapFile {
  /** Path inside the bundle (`karpenter/nodepool-spot-executors.yaml`). */
  path: string;
  /** The file's text (YAML). */
  content: string;
}

/** `GET /clusters/:name/bootstrap`. @public */
export interface ClusterBootstrap {
  /** The cluster's name. */
  cluster: string;
  /** Every file, `kustomization.yaml` among them; `kubectl apply -k` takes the directory. */
  files: ClusterBootstrapFile[];
  /**
   * GitOps mode: where the bundle is written under the cluster's output
   * (relative to it), when it was asked to be written.
   */
  writtenTo?: string;
}
