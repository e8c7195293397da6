import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterBootstrapFile } from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterKubernetesState } from '../../domain/clusters/preflight';
import type { KubernetesObject } from '../../domain/kubernetes';

/**
 * Makes a cluster's Kubernetes objects match the desired ones. Each method
 * returns what it changed (empty when everything was already as desired), and
 * makes no write when nothing differs.
 *
 * A tenant's namespace is written to or deleted only when it does not exist
 * yet or is labelled as this plugin's for that tenant (managed-by and tenant
 * labels); otherwise the method throws a `NotManagedError` and changes nothing.
 */
export interface KubernetesGateway {
  /** Cluster-scoped objects shared by every tenant (PriorityClasses). */
  applyClusterObjects(
    objects: KubernetesObject[],
    context?: KubernetesChangeContext,
  ): Promise<string[]>;
  /** A tenant's objects, the Namespace first. */
  applyTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
    context?: KubernetesChangeContext,
  ): Promise<string[]>;
  /** Removes a tenant's objects (deleting its namespace removes the rest). */
  deleteTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
    context?: KubernetesChangeContext,
  ): Promise<string[]>;
  /**
   * What the cluster preflight reads: Karpenter NodePools, nodes' labels,
   * StorageClasses, PriorityClasses and EMR's aws-auth mapping, from the
   * live cluster (direct mode) or the GitOps output.
   */
  readClusterState(): Promise<ClusterKubernetesState>;
  /**
   * Writes the cluster's bootstrap bundle where the GitOps tool reads it,
   * and says where (relative to the output) and what changed. Direct mode
   * throws {@link ClusterBundleNotWritableError}: the admin applies the
   * downloaded bundle.
   */
  writeClusterBundle(
    files: ClusterBootstrapFile[],
    context?: KubernetesChangeContext,
  ): Promise<{ writtenTo: string; changes: string[] }>;
}

/** The bootstrap bundle cannot be written in this Kubernetes mode. */
export class ClusterBundleNotWritableError extends Error {
  name = 'ClusterBundleNotWritableError';
}

/**
 * Which reconcile a change belongs to, for gateways that record it (the Git
 * repository gateway names both in each commit message). Optional: a
 * gateway acts the same without it.
 */
export interface KubernetesChangeContext {
  /** The tenant being reconciled (also when writing the shared objects). */
  tenant?: string;
  /** Who asked for the change, when a person did (the bootstrap bundle). */
  actor?: string;
  /** The tenant spec generation being reconciled. */
  generation?: number;
}

export function describeObject(object: KubernetesObject): string {
  return object.metadata.namespace
    ? `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`
    : `${object.kind} ${object.metadata.name}`;
}

/** What an admin can do about a namespace the plugin refused to take over. */
export function handOverHint(namespace: string, tenant: string): string {
  return `Use another namespace, or, if tenant ${tenant} should own ${namespace} (offboarding then deletes it), label it ${EMR_ON_EKS_LABELS.managedBy}=${EMR_ON_EKS_MANAGED_BY} and ${EMR_ON_EKS_LABELS.tenant}=${tenant}`;
}
