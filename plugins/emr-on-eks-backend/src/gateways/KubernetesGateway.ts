import type { KubernetesObject } from '../domain/kubernetes';

/**
 * Makes a cluster's Kubernetes objects match the desired ones. Each method
 * returns what it changed (empty when everything was already as desired), and
 * makes no write when nothing differs.
 */
export interface KubernetesGateway {
  /** Cluster-scoped objects shared by every tenant (PriorityClasses). */
  applyClusterObjects(objects: KubernetesObject[]): Promise<string[]>;
  /** A tenant's objects, the Namespace first. */
  applyTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
  ): Promise<string[]>;
  /** Removes a tenant's objects (deleting its namespace removes the rest). */
  deleteTenantObjects(
    tenant: string,
    objects: KubernetesObject[],
  ): Promise<string[]>;
}

export function describeObject(object: KubernetesObject): string {
  return object.metadata.namespace
    ? `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`
    : `${object.kind} ${object.metadata.name}`;
}
