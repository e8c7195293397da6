// LOCAL ONLY: the AWS accounts of `npm start`'s clusters, in moto.
//
// app-config.yaml configures two clusters, as a platform team with more than
// one account has: `shared` in moto's default account 123456789012 (the
// backend's own credentials act there) and `analytics` in account
// 210987654321, another region, which the backend reaches by assuming the
// cluster's `aws.roleArn` with its external id. This file reads the clusters
// from app-config.yaml and creates in moto, in each cluster's own account,
// what its platform team would have made before pointing Backstage at it:
//
// - for a cluster with `aws.roleArn`: that role, trusting the default
//   account on the condition of the external id;
// - EMR on EKS's service-linked role;
// - the assets bucket, public access blocked;
// - the EKS cluster (moto implements CreateCluster and DescribeCluster);
// - for an IRSA cluster, the IAM OIDC provider of its issuer.
//
// moto keeps accounts apart and tells them by the caller's access key: the
// keys STS AssumeRole hands out act in the role's account. moto assumes any
// role, existing or not, with any external id, so the role can be assumed
// to create itself; the external id is checked by the STS stand-in in
// front of moto (awsStandIns.mjs), not here.
import { readFileSync } from 'node:fs';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { parse } from 'yaml';

/** moto's default account: the backend's own credentials act in it. */
export const DEFAULT_ACCOUNT = '123456789012';

/** EMR on EKS's service-linked role, as AWS names it in every account. */
export const EMR_SERVICE_LINKED_ROLE = Object.freeze({
  name: 'AWSServiceRoleForAmazonEMRContainers',
  path: '/aws-service-role/emr-containers.amazonaws.com/',
});

/** moto's default credentials; a new object each time (the SDK marks it). */
const defaultCredentials = () => ({
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
});

/**
 * One cluster of app-config.yaml, the fields the seeds need.
 * @typedef {object} LocalCluster
 * @property {string} name
 * @property {string} accountId
 * @property {string} region
 * @property {string} eksClusterName
 * @property {string} oidcIssuer Without `https://`.
 * @property {'irsa' | 'podIdentity'} identity
 * @property {string} assetsBucket
 * @property {{ roleArn?: string, externalId?: string }} aws
 */

/**
 * The clusters of `emrOnEks.clusters` in an app-config file.
 * @param {string} appConfigPath
 * @returns {LocalCluster[]}
 */
export function readLocalClusters(appConfigPath) {
  const config = parse(readFileSync(appConfigPath, 'utf8'));
  return (config?.emrOnEks?.clusters ?? []).map(cluster => ({
    name: cluster.name,
    accountId: String(cluster.accountId),
    region: cluster.region,
    eksClusterName: cluster.eksClusterName,
    oidcIssuer: String(cluster.oidcIssuer)
      .replace(/^https:\/\//, '')
      .replace(/\/$/, ''),
    identity: cluster.identity ?? 'irsa',
    assetsBucket: cluster.assetsBucket ?? cluster.podTemplateBucket,
    aws: cluster.aws ?? {},
  }));
}

/**
 * The role's trust policy: the backend's account, with the external id
 * when the cluster names one.
 * @param {LocalCluster} cluster
 */
export function backstageRoleTrustPolicy(cluster) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${DEFAULT_ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
        ...(cluster.aws.externalId
          ? {
              Condition: {
                StringEquals: { 'sts:ExternalId': cluster.aws.externalId },
              },
            }
          : {}),
      },
    ],
  };
}

/**
 * Credentials that act in the cluster's account: moto's default ones, or
 * those of assuming its `aws.roleArn` (with its external id), checked with
 * GetCallerIdentity.
 *
 * @param {{ motoEndpoint: string, cluster: LocalCluster }} options
 *   `motoEndpoint`: moto itself, not the stand-ins in front of it.
 * @returns {Promise<{ accessKeyId: string, secretAccessKey: string,
 *   sessionToken?: string }>}
 */
export async function accountCredentials({ motoEndpoint, cluster }) {
  if (!cluster.aws.roleArn) {
    return defaultCredentials();
  }
  const sts = new STSClient({
    region: cluster.region,
    endpoint: motoEndpoint,
    credentials: defaultCredentials(),
  });
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: cluster.aws.roleArn,
      RoleSessionName: 'local-seed',
      ...(cluster.aws.externalId ? { ExternalId: cluster.aws.externalId } : {}),
    }),
  );
  const credentials = {
    accessKeyId: assumed.Credentials.AccessKeyId,
    secretAccessKey: assumed.Credentials.SecretAccessKey,
    sessionToken: assumed.Credentials.SessionToken,
  };
  const identity = await new STSClient({
    region: cluster.region,
    endpoint: motoEndpoint,
    credentials,
  }).send(new GetCallerIdentityCommand({}));
  if (identity.Account !== cluster.accountId) {
    throw new Error(
      `moto's AssumeRole of ${cluster.aws.roleArn} gave keys of account ${identity.Account}, not ${cluster.accountId}: this moto does not keep accounts apart (moto 5 does)`,
    );
  }
  return credentials;
}

/** Ignores "it exists already" (a second seed against the same moto). */
async function idempotent(what, send) {
  try {
    return await send();
  } catch (error) {
    if (
      /EntityAlreadyExists|BucketAlreadyOwnedByYou|ResourceInUse/.test(
        error?.name ?? '',
      )
    ) {
      return undefined;
    }
    throw new Error(`${what}: ${error?.message ?? error}`);
  }
}

/**
 * Creates one cluster's resources in its account (see the top of the file).
 * Idempotent.
 * @param {{ motoEndpoint: string, cluster: LocalCluster }} options
 * @returns {Promise<string>} What it made, for the start log.
 */
async function seedCluster({ motoEndpoint, cluster }) {
  const credentials = await accountCredentials({ motoEndpoint, cluster });
  const common = {
    region: cluster.region,
    endpoint: motoEndpoint,
    credentials,
  };
  const iam = new IAMClient({ ...common, region: 'us-east-1' });
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const eks = new EKSClient(common);
  const made = [];

  const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(
    cluster.aws.roleArn ?? '',
  )?.[1];
  if (roleName) {
    await idempotent(`creating the role ${cluster.aws.roleArn}`, () =>
      iam.send(
        new CreateRoleCommand({
          RoleName: roleName,
          AssumeRolePolicyDocument: JSON.stringify(
            backstageRoleTrustPolicy(cluster),
          ),
          Description: `Backstage EMR on EKS (account ${DEFAULT_ACCOUNT}) manages the tenants of ${cluster.eksClusterName}`,
        }),
      ),
    );
    made.push(
      `role ${roleName}${cluster.aws.externalId ? ' (external id)' : ''}`,
    );
  }
  // moto's CreateServiceLinkedRole names it AWSServiceRoleForemr-containers;
  // AWS's name is this one.
  await idempotent("creating EMR on EKS's service-linked role", () =>
    iam.send(
      new CreateRoleCommand({
        RoleName: EMR_SERVICE_LINKED_ROLE.name,
        Path: EMR_SERVICE_LINKED_ROLE.path,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'emr-containers.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    ),
  );
  made.push(EMR_SERVICE_LINKED_ROLE.name);

  await idempotent(`creating the bucket ${cluster.assetsBucket}`, () =>
    s3.send(
      new CreateBucketCommand({
        Bucket: cluster.assetsBucket,
        ...(cluster.region === 'us-east-1'
          ? {}
          : {
              CreateBucketConfiguration: {
                LocationConstraint: cluster.region,
              },
            }),
      }),
    ),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: cluster.assetsBucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  made.push(`bucket ${cluster.assetsBucket}`);

  await idempotent(`creating the EKS cluster ${cluster.eksClusterName}`, () =>
    eks.send(
      new CreateClusterCommand({
        name: cluster.eksClusterName,
        roleArn: `arn:aws:iam::${cluster.accountId}:role/${cluster.eksClusterName}-cluster`,
        resourcesVpcConfig: { subnetIds: [`subnet-${cluster.name}-1`] },
        accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      }),
    ),
  );
  made.push(`EKS cluster ${cluster.eksClusterName}`);

  if (cluster.identity === 'irsa') {
    await idempotent(`creating the OIDC provider of ${cluster.name}`, () =>
      iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: `https://${cluster.oidcIssuer}`,
          ClientIDList: ['sts.amazonaws.com'],
          ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
        }),
      ),
    );
    made.push('IAM OIDC provider');
  }
  return made.join(', ');
}

/**
 * Creates every cluster's resources in moto, each in its account.
 * @param {{ motoEndpoint: string, clusters: LocalCluster[],
 *   log?: (message: string) => void }} options
 */
export async function seedClusterAccounts({
  motoEndpoint,
  clusters,
  log = () => {},
}) {
  for (const cluster of clusters) {
    try {
      const made = await seedCluster({ motoEndpoint, cluster });
      log(
        `cluster ${cluster.name}: account ${cluster.accountId} (${cluster.region}) has ${made}`,
      );
    } catch (error) {
      log(
        `seeding cluster ${cluster.name}'s account ${cluster.accountId} in moto failed (its tenants will not work): ${error}`,
      );
    }
  }
}
