import {
  CreatePodIdentityAssociationCommand,
  DescribeClusterCommand,
  EKSClient,
  ListAddonsCommand,
  ListAssociatedAccessPoliciesCommand,
  ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import {
  CreateVirtualClusterCommand,
  EMRContainersClient,
} from '@aws-sdk/client-emr-containers';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { MotoServer, startMoto } from './__testUtils__/moto';

/*
 * Issue 20 on the local stack (`npm start`): app-config.yaml's second
 * cluster lives in a second moto account. The seeds create each cluster's
 * resources in its own account, and the stand-ins in front of moto refuse a
 * wrong external id, answer Pod Identity per account, and give the EKS
 * clusters what moto leaves out (add-ons, EMR's access entry, the
 * configured issuer).
 */

jest.setTimeout(60_000);

/** A file of examples/local (outside this package, so loaded by path). */
const local = (file: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(resolvePackagePath(
    '@spot-spark/plugin-emr-on-eks-backend',
    `../../examples/local/${file}`,
  ));

interface LocalCluster {
  name: string;
  accountId: string;
  region: string;
  eksClusterName: string;
  oidcIssuer: string;
  assetsBucket: string;
  aws: { roleArn?: string; externalId?: string };
}

const DEFAULT_KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const defaultKeys = () => ({ ...DEFAULT_KEYS });

let moto: MotoServer;
let standIns: { endpoint: string; stop(): Promise<void> };
let clusters: LocalCluster[];
let shared: LocalCluster;
let analytics: LocalCluster;
let analyticsKeys: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

beforeAll(async () => {
  moto = await startMoto();
  const accounts = local('awsAccounts.mjs');
  clusters = accounts.readLocalClusters(
    resolvePackagePath(
      '@spot-spark/plugin-emr-on-eks-backend',
      '../../app-config.yaml',
    ),
  );
  shared = clusters.find(c => c.name === 'shared')!;
  analytics = clusters.find(c => c.name === 'analytics')!;
  const problems: string[] = [];
  await accounts.seedClusterAccounts({
    motoEndpoint: moto.endpoint,
    clusters,
    log: (message: string) => {
      if (/failed/.test(message)) problems.push(message);
    },
  });
  if (problems.length > 0) {
    throw new Error(
      `seeding the local accounts failed: ${problems.join('; ')}`,
    );
  }
  analyticsKeys = await accounts.accountCredentials({
    motoEndpoint: moto.endpoint,
    cluster: analytics,
  });
  standIns = await local('awsStandIns.mjs').startAwsStandIns({
    upstream: moto.endpoint,
    clusters,
  });
});

afterAll(async () => {
  await standIns?.stop();
  await moto?.stop();
});

describe('the local stack’s second account', () => {
  it('configures a second cluster in another account and region, reached by a role with an external id', () => {
    expect(analytics).toMatchObject({
      accountId: '210987654321',
      region: 'eu-west-1',
      aws: {
        roleArn: 'arn:aws:iam::210987654321:role/backstage-emr-on-eks',
        externalId: expect.any(String),
      },
    });
    expect(shared.accountId).toBe('123456789012');
    expect(shared.aws.roleArn).toBeUndefined();
  });

  it('creates each cluster’s role, bucket and EKS cluster in the cluster’s own account only', async () => {
    const iamOf = (credentials: typeof analyticsKeys) =>
      new IAMClient({
        region: 'us-east-1',
        endpoint: moto.endpoint,
        credentials,
      });
    const role = await iamOf(analyticsKeys).send(
      new GetRoleCommand({ RoleName: 'backstage-emr-on-eks' }),
    );
    const trust = JSON.parse(
      decodeURIComponent(role.Role!.AssumeRolePolicyDocument!),
    );
    expect(trust.Statement[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Condition: {
        StringEquals: { 'sts:ExternalId': analytics.aws.externalId },
      },
    });
    await expect(
      iamOf(defaultKeys()).send(
        new GetRoleCommand({ RoleName: 'backstage-emr-on-eks' }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });

    const bucketsOf = async (credentials: typeof analyticsKeys) =>
      (
        await new S3Client({
          region: 'us-east-1',
          endpoint: moto.endpoint,
          credentials,
          forcePathStyle: true,
        }).send(new ListBucketsCommand({}))
      ).Buckets!.map(b => b.Name);
    expect(await bucketsOf(analyticsKeys)).toEqual([analytics.assetsBucket]);
    expect(await bucketsOf(defaultKeys())).toEqual([shared.assetsBucket]);

    const describe = (credentials: typeof analyticsKeys) =>
      new EKSClient({
        region: analytics.region,
        endpoint: moto.endpoint,
        credentials,
      }).send(new DescribeClusterCommand({ name: analytics.eksClusterName }));
    expect((await describe(analyticsKeys)).cluster?.arn).toBe(
      `arn:aws:eks:eu-west-1:210987654321:cluster/${analytics.eksClusterName}`,
    );
    await expect(describe(defaultKeys())).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('refuses AssumeRole without the external id the trust policy asks for, and answers with it', async () => {
    const sts = new STSClient({
      region: analytics.region,
      endpoint: standIns.endpoint,
      credentials: defaultKeys(),
    });
    const assume = (ExternalId?: string) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: analytics.aws.roleArn,
          RoleSessionName: 'test',
          ...(ExternalId ? { ExternalId } : {}),
        }),
      );
    for (const wrong of [undefined, 'not-the-external-id']) {
      await expect(assume(wrong)).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(
          `not authorized to perform: sts:AssumeRole on resource: ${analytics.aws.roleArn}`,
        ),
      });
    }
    const { Credentials } = await assume(analytics.aws.externalId);
    const identity = await new STSClient({
      region: analytics.region,
      endpoint: standIns.endpoint,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    }).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('210987654321');
  });

  it('describes each EKS cluster with its configured issuer and access entries, and the Pod Identity agent where the cluster uses it', async () => {
    const eksOf = (cluster: LocalCluster, credentials: typeof analyticsKeys) =>
      new EKSClient({
        region: cluster.region,
        endpoint: standIns.endpoint,
        credentials,
      });
    for (const [cluster, keys, addons] of [
      [shared, defaultKeys(), []],
      [analytics, analyticsKeys, ['eks-pod-identity-agent']],
    ] as const) {
      const eks = eksOf(cluster, keys);
      const { cluster: found } = await eks.send(
        new DescribeClusterCommand({ name: cluster.eksClusterName }),
      );
      expect(found?.identity?.oidc?.issuer).toBe(
        `https://${cluster.oidcIssuer}`,
      );
      expect(found?.accessConfig?.authenticationMode).toBe(
        'API_AND_CONFIG_MAP',
      );
      const listed = await eks.send(
        new ListAddonsCommand({ clusterName: cluster.eksClusterName }),
      );
      expect(listed.addons).toEqual(addons);
    }
  });

  it('extends EMR’s access entry to the namespace of each virtual cluster EMR registers', async () => {
    const principalArn = `arn:aws:iam::210987654321:role/AWSServiceRoleForAmazonEMRContainers`;
    const eks = new EKSClient({
      region: analytics.region,
      endpoint: standIns.endpoint,
      credentials: analyticsKeys,
    });
    const namespaces = async () =>
      (
        await eks.send(
          new ListAssociatedAccessPoliciesCommand({
            clusterName: analytics.eksClusterName,
            principalArn,
          }),
        )
      ).associatedAccessPolicies!.flatMap(p => [
        p.policyArn,
        ...(p.accessScope?.namespaces ?? []),
      ]);
    expect(await namespaces()).not.toContain('team-eu');
    await new EMRContainersClient({
      region: analytics.region,
      endpoint: standIns.endpoint,
      credentials: analyticsKeys,
    }).send(
      new CreateVirtualClusterCommand({
        name: 'team-eu',
        containerProvider: {
          id: analytics.eksClusterName,
          type: 'EKS',
          info: { eksInfo: { namespace: 'team-eu' } },
        },
      }),
    );
    expect(await namespaces()).toEqual([
      'arn:aws:eks::aws:cluster-access-policy/AmazonEMRJobPolicy',
      'team-eu',
    ]);
  });

  it('keeps Pod Identity associations in the account that made them', async () => {
    const eksOf = (credentials: typeof analyticsKeys) =>
      new EKSClient({
        region: analytics.region,
        endpoint: standIns.endpoint,
        credentials,
      });
    const created = await eksOf(analyticsKeys).send(
      new CreatePodIdentityAssociationCommand({
        clusterName: analytics.eksClusterName,
        namespace: 'team-eu',
        serviceAccount: 'emr-containers-sa-spark-driver-210987654321-x',
        roleArn: 'arn:aws:iam::210987654321:role/emr-tenant-team-eu',
      }),
    );
    expect(created.association?.associationArn).toMatch(
      /^arn:aws:eks:eu-west-1:210987654321:podidentityassociation\//,
    );
    const listed = await eksOf(analyticsKeys).send(
      new ListPodIdentityAssociationsCommand({
        clusterName: analytics.eksClusterName,
      }),
    );
    expect(listed.associations?.map(a => a.namespace)).toEqual(['team-eu']);
    // The default account has no such cluster in eu-west-1.
    await expect(
      eksOf(defaultKeys()).send(
        new ListPodIdentityAssociationsCommand({
          clusterName: analytics.eksClusterName,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
