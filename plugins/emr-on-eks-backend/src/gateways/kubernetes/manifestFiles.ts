import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  awsAuthMapsEmr,
  type ClusterKubernetesState,
} from '../../domain/clusters/preflight';
import type { KubernetesObject } from '../../domain/kubernetes';

/*
 * Manifests as the GitOps directory holds them: YAML files of any name, any
 * number of documents each; a document that does not parse declares nothing.
 */

/** The documents of a YAML text that parse to an object with a `kind`. */
export function manifestsOf(text: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      continue;
    }
    const object = document.toJS() as Partial<KubernetesObject> | null;
    if (
      object &&
      typeof object === 'object' &&
      typeof object.kind === 'string'
    ) {
      objects.push(object as KubernetesObject);
    }
  }
  return objects;
}

/** Paths (posix, relative) of the plain files under `dir`, dot files left out. */
export async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const entries = await fs
    .readdir(dir, { withFileTypes: true })
    .catch(() => [] as Dirent[]);
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      found.push(...(await filesUnder(path.join(dir, entry.name), relative)));
    } else if (entry.isFile()) {
      found.push(relative);
    }
  }
  return found;
}

/** Every named manifest in the YAML files under `dir`. */
async function manifestsUnder(dir: string): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for (const file of await filesUnder(dir)) {
    if (!/\.ya?ml$/.test(file)) {
      continue;
    }
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    objects.push(
      ...manifestsOf(text).filter(
        object => typeof object.metadata?.name === 'string',
      ),
    );
  }
  return objects;
}

/**
 * The NodePools, StorageClasses, PriorityClasses and aws-auth ConfigMap
 * declared anywhere under `dir`; nodes cannot be seen from files.
 */
export async function declaredClusterState(
  dir: string,
): Promise<ClusterKubernetesState> {
  const state: ClusterKubernetesState = {
    nodePools: [],
    nodes: [],
    storageClasses: [],
    priorityClasses: [],
  };
  for (const object of await manifestsUnder(dir)) {
    const kind = object.kind;
    if (
      kind === 'NodePool' &&
      String(object.apiVersion).startsWith('karpenter.sh/')
    ) {
      state.nodePools.push(object);
    } else if (kind === 'StorageClass') {
      state.storageClasses.push(object.metadata.name);
    } else if (kind === 'PriorityClass') {
      state.priorityClasses.push(object.metadata.name);
    } else if (
      kind === 'ConfigMap' &&
      object.metadata.name === 'aws-auth' &&
      object.metadata.namespace === 'kube-system'
    ) {
      state.awsAuthMapsEmr =
        state.awsAuthMapsEmr === true ||
        awsAuthMapsEmr(object as { data?: Record<string, string> });
    }
  }
  return state;
}
