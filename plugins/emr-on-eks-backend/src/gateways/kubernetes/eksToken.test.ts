import { createHash, createHmac } from 'node:crypto';
import { eksToken } from './eksToken';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2026-11-21T12:00:00Z');

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  expect(token).not.toMatch(/[=+/]/);
  return new URL(
    Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString(
      'utf8',
    ),
  );
}

/** SigV4 query signing written out from the AWS specification, to check the signer. */
function expectedSignature(url: URL, clusterName: string): string {
  const params = [...url.searchParams.entries()].filter(
    ([k]) => k !== 'X-Amz-Signature',
  );
  const enc = (v: string) =>
    encodeURIComponent(v).replace(
      /[!'()*]/g,
      c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  const canonicalQuery = params
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${url.hostname}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    // A presigned GET's payload is empty (only S3 presigns UNSIGNED-PAYLOAD).
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date')!;
  const scope = `${amzDate.slice(0, 8)}/us-east-1/sts/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${credentials.secretAccessKey}`)
    .update(amzDate.slice(0, 8))
    .digest();
  for (const part of ['us-east-1', 'sts', 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('eksToken', () => {
  it('is a presigned STS GetCallerIdentity URL bound to the cluster, as aws eks get-token makes', async () => {
    const url = decode(
      await eksToken({
        clusterName: 'shared-data',
        region: 'us-east-1',
        credentials,
        signingDate,
      }),
    );
    expect(url.origin).toBe('https://sts.us-east-1.amazonaws.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261121/us-east-1/sts/aws4_request',
      'X-Amz-Date': '20261121T120000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'shared-data'),
    );
  });

  it('signs the cluster name, so a token for one cluster is no good for another', async () => {
    const a = decode(
      await eksToken({
        clusterName: 'shared-data',
        region: 'us-east-1',
        credentials,
        signingDate,
      }),
    );
    const b = decode(
      await eksToken({
        clusterName: 'other',
        region: 'us-east-1',
        credentials,
        signingDate,
      }),
    );
    expect(a.searchParams.get('X-Amz-Signature')).not.toBe(
      b.searchParams.get('X-Amz-Signature'),
    );
    expect(b.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(b, 'other'),
    );
  });

  it('carries the session token of temporary credentials (IRSA, Pod Identity)', async () => {
    const url = decode(
      await eksToken({
        clusterName: 'shared-data',
        region: 'eu-west-1',
        credentials: { ...credentials, sessionToken: 'session/token+1' },
        signingDate,
      }),
    );
    expect(url.hostname).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(
      'session/token+1',
    );
  });
});
