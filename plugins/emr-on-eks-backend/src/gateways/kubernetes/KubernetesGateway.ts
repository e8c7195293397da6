import {
  EMR_ON_EKS_LABELS,
  EMR_ON_EKS_MANAGED_BY,
} from '@spot-spark/plugin-emr-on-eks-common';
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
}

/**
 * Which reconcile a change belongs to, for gateways that record it (the Git
 * repository gateway names both in each commit message). Optional: a
 * gateway acts the same without it.
 */
export interface KubernetesChangeContext {
  /** The tenant being reconciled (also when writing the shared objects). */
  tenant?: string;
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
