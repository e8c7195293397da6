import type { ClusterPreflight } from '@spot-spark/plugin-emr-on-eks-common';

/** How a cluster's jobs get AWS credentials, in words. */
export function identityText(identity: ClusterPreflight['identity']): string {
  return identity === 'podIdentity' ? 'Pod Identity' : 'IRSA';
}

/** How the backend gets Kubernetes objects to the cluster, in words. */
export function modeText(mode: ClusterPreflight['kubernetesMode']): string {
  return mode === 'gitops' ? 'GitOps' : 'Direct';
}
