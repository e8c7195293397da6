import {
  CLUSTER_CHECKS,
  type ClusterCheck,
  type ClusterCheckId,
} from '@spot-spark/plugin-emr-on-eks-common';
import {
  assetsBucketCheck,
  credentialsCheck,
  eksClusterCheck,
  identityCheck,
  oidcProviderCheck,
  serviceLinkedRoleCheck,
} from './awsChecks';
import { emrAccessCheck } from './emrAccessCheck';
import type { ClusterFacts, PreflightCluster } from './facts';
import {
  kubernetesReadFailure,
  nodePoolsCheck,
  priorityClassesCheck,
  storageClassCheck,
} from './kubernetesChecks';
import { checkTitle, skipped, type Outcome } from './outcomes';

/*
 * The preflight of one cluster: from the facts gathered about it (AWS and
 * Kubernetes), each check of CLUSTER_CHECKS with its result in plain words
 * and, when it did not pass, the exact command or manifest that fixes it.
 * Pure: the gathering is ClusterInspectionGateway's and the Kubernetes
 * gateways' readClusterState.
 */

/**
 * The checks of one cluster in {@link CLUSTER_CHECKS} order. A check whose
 * prerequisite failed (or was itself skipped) is `skipped`, naming it.
 */
export function preflightChecks(
  target: PreflightCluster,
  facts: ClusterFacts,
): ClusterCheck[] {
  const { cluster } = target;
  const results = new Map<ClusterCheckId, ClusterCheck>();
  const needs = (...ids: ClusterCheckId[]): Outcome | undefined => {
    for (const id of ids) {
      const before = results.get(id);
      if (before && (before.status === 'fail' || before.status === 'skipped')) {
        return skipped(
          `Not checked: "${before.title}" ${
            before.status === 'fail' ? 'failed' : 'was not checked'
          }.`,
        );
      }
    }
    return undefined;
  };
  const kubernetesNeedsAws =
    cluster.kubernetes.mode === 'direct' &&
    'authProvider' in cluster.kubernetes &&
    cluster.kubernetes.authProvider === 'aws';
  const rules: Record<ClusterCheckId, () => Outcome> = {
    credentials: () => credentialsCheck(cluster, facts),
    'eks-cluster': () =>
      needs('credentials') ?? eksClusterCheck(cluster, facts),
    identity: () => needs('eks-cluster') ?? identityCheck(cluster, facts),
    'oidc-provider': () =>
      cluster.identity === 'podIdentity'
        ? skipped('Not needed: the cluster uses EKS Pod Identity, not IRSA.')
        : needs('identity') ?? oidcProviderCheck(cluster, facts),
    'emr-service-linked-role': () =>
      needs('credentials') ?? serviceLinkedRoleCheck(facts),
    'emr-cluster-access': () =>
      needs('eks-cluster', 'emr-service-linked-role') ??
      emrAccessCheck(cluster, facts),
    'node-pools': () =>
      (kubernetesNeedsAws ? needs('eks-cluster') : undefined) ??
      nodePoolsCheck(cluster, facts),
    'storage-class': () =>
      (kubernetesNeedsAws ? needs('eks-cluster') : undefined) ??
      kubernetesReadFailure(facts) ??
      storageClassCheck(target, facts),
    'priority-classes': () =>
      (kubernetesNeedsAws ? needs('eks-cluster') : undefined) ??
      kubernetesReadFailure(facts) ??
      priorityClassesCheck(cluster, facts),
    'assets-bucket': () =>
      needs('credentials') ?? assetsBucketCheck(cluster, facts),
  };
  return CLUSTER_CHECKS.map(id => {
    const check: ClusterCheck = {
      id,
      title: checkTitle(id, cluster.identity),
      ...rules[id](),
    };
    results.set(id, check);
    return check;
  });
}

/** True when no check failed. */
export function preflightReady(checks: ClusterCheck[]): boolean {
  return checks.every(check => check.status !== 'fail');
}
