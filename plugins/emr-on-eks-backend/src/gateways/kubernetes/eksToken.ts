import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

/** EKS accepts a token for 15 minutes; renew well before. */
export const EKS_TOKEN_LIFETIME_MS = 10 * 60 * 1000;

/**
 * A bearer token for the EKS API server made from AWS credentials, as
 * `aws eks get-token` makes it: a presigned STS GetCallerIdentity URL bound to
 * the cluster by the signed `x-k8s-aws-id` header, base64url-encoded behind
 * `k8s-aws-v1.`. EKS maps the caller's IAM role to Kubernetes users through
 * access entries or aws-auth.
 */
export async function eksToken(options: {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** Signing time, for tests. */
  signingDate?: Date;
}): Promise<string> {
  const hostname = `sts.${options.region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': options.clusterName },
    },
    { expiresIn: 60, signingDate: options.signingDate },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(
      ([key, value]) =>
        `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`,
    )
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`;
}
