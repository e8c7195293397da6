import type { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  awsAuthMapsEmr,
  type ClusterKubernetesState,
} from '../../domain/clusters/preflight';
import type { KubernetesObject } from '../../domain/kubernetes';
import { isNotFound, toWireFormat } from './liveObjects';

/** How the direct gateway reaches the cluster, and words its failures. */
export interface LiveClusterAccess {
  client(): Promise<KubernetesObjectApi>;
  failure(error: unknown, action: string): Error;
}

/**
 * Reads what the preflight needs from the live cluster: Karpenter
 * NodePools (none when the CRD is not installed), nodes' labels,
 * StorageClasses, PriorityClasses and the aws-auth ConfigMap (absent:
 * maps nothing; unreadable: unknown).
 */
export async function readLiveClusterState(
  access: LiveClusterAccess,
): Promise<ClusterKubernetesState> {
  const [nodePools, nodes, storageClasses, priorityClasses, awsAuth] =
    await Promise.all([
      listAll(access, 'karpenter.sh/v1', 'NodePool', { crd: true }),
      listAll(access, 'v1', 'Node'),
      listAll(access, 'storage.k8s.io/v1', 'StorageClass'),
      listAll(access, 'scheduling.k8s.io/v1', 'PriorityClass'),
      readAwsAuth(access),
    ]);
  return {
    nodePools,
    nodes: nodes.map(node => ({
      name: node.metadata.name,
      labels: node.metadata.labels ?? {},
    })),
    storageClasses: storageClasses.map(o => o.metadata.name),
    priorityClasses: priorityClasses.map(o => o.metadata.name),
    awsAuthMapsEmr: awsAuth,
  };
}

async function listAll(
  access: LiveClusterAccess,
  apiVersion: string,
  kind: string,
  options: { crd?: boolean } = {},
): Promise<KubernetesObject[]> {
  const items: KubernetesObject[] = [];
  let continueToken: string | undefined;
  do {
    let page;
    try {
      page = await (
        await access.client()
      ).list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        500,
        continueToken,
      );
    } catch (error) {
      // No such CRD (discovery answers 404, or the group lacks the kind).
      if (
        options.crd &&
        (isNotFound(error) ||
          /Unrecognized API version and kind/.test(String(error)))
      ) {
        return [];
      }
      throw access.failure(error, `list ${kind} objects`);
    }
    items.push(...(page.items ?? []).map(item => toWireFormat(item)));
    continueToken = page.metadata?._continue || undefined;
  } while (continueToken);
  return items;
}

async function readAwsAuth(
  access: LiveClusterAccess,
): Promise<boolean | undefined> {
  try {
    const configMap = await (
      await access.client()
    ).read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'aws-auth', namespace: 'kube-system' },
    });
    return awsAuthMapsEmr(
      toWireFormat(configMap) as { data?: Record<string, string> },
    );
  } catch (error) {
    if (isNotFound(error)) {
      return false;
    }
    // Not allowed to read it, or unreachable: unknown, not a failure.
    return undefined;
  }
}
