import { parseS3Prefix, Tenant } from '@spot-spark/plugin-emr-on-eks-common';
import type { ClusterSettings } from '../../config';
import { assetsKeyPrefix } from '../names';

/*
 * The S3 prefixes a tenant's job may name, and how a path is checked
 * against them.
 */

/** The tenant's S3 prefixes a job may name: its data grants and its own assets. */
export function allowedS3Prefixes(
  tenant: Tenant,
  cluster: ClusterSettings,
): string[] {
  return [
    ...tenant.spec.dataAccess.map(grant => grant.s3),
    `s3://${cluster.assetsBucket}/${assetsKeyPrefix(tenant.name)}`,
  ];
}

export const S3_URI = /\bs3a?:\/\/[^\s,;"'=]+/g;

export function insidePrefixes(uri: string, prefixes: string[]): boolean {
  const normalised = uri.replace(/^s3a:\/\//, 's3://');
  // The path must not climb out of its prefix.
  if (
    normalised.split('/').some(segment => segment === '..' || segment === '.')
  ) {
    return false;
  }
  return prefixes.some(prefix => {
    const parsed = parseS3Prefix(prefix)!;
    return normalised.startsWith(`s3://${parsed.bucket}/${parsed.prefix}`);
  });
}
