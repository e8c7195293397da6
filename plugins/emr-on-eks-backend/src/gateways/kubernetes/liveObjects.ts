import { ApiException, dumpYaml } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { KubernetesObject } from '../../domain/kubernetes';

/*
 * What the Kubernetes client hands back, as the API server sends it: the
 * client's models carry Date objects and camel-cased fields of its own.
 */

/** An object the client read, in the API server's wire format. */
export function toWireFormat(live: unknown): KubernetesObject {
  return parse(dumpYaml(live)) as KubernetesObject;
}

/** The API server answered 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}
