import { parseS3Prefix, Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings } from '../../config';
import { assetsKeyPrefix } from '../names';
import { parseUri } from './uris';

/*
 * The S3 prefixes a tenant's job may name, and how a URI is checked against
 * them: parsed and normalised first (see uris.ts), then compared.
 */

/** The tenant's S3 prefixes a job may name: its data grants and its own assets. */
export function allowedS3Prefixes(
  tenant: Tenant,
  cluster: ClusterSettings,
): string[] {
  return [
    ...tenant.spec.dataAccess.map(grant => grant.s3),
    `s3://${cluster.assetsBucket}/${assetsKeyPrefix(tenant)}`,
  ];
}

/**
 * Why a URI may not be used by the tenant's job, or undefined when it may:
 * an S3 path that resolves inside one of `prefixes`, or a `local:///` path.
 */
export function uriProblem(
  text: string,
  prefixes: string[],
  tenant: string,
): string | undefined {
  const uri = parseUri(text);
  if (uri.kind === 'refused') {
    return `${text} ${uri.reason}`;
  }
  if (uri.kind === 'local') {
    return undefined;
  }
  const inside = prefixes.some(prefix => {
    const parsed = parseS3Prefix(prefix)!;
    return uri.bucket === parsed.bucket && uri.key.startsWith(parsed.prefix);
  });
  const resolved = `s3://${uri.bucket}/${uri.key}`;
  return inside
    ? undefined
    : `${text}${
        resolved === text ? '' : ` resolves to ${resolved} and`
      } is outside tenant ${tenant}'s S3 prefixes (${prefixes.join(', ')})`;
}
