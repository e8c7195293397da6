import {
  AthenaClient,
  CreateWorkGroupCommand,
  ListWorkGroupsCommand,
} from '@aws-sdk/client-athena';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  EMRContainersClient,
  ListVirtualClustersCommand,
} from '@aws-sdk/client-emr-containers';
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import type { TenantSpecInput } from '@spot-spark/plugin-emr-on-eks-common';
import type { AwsCredentialIdentity } from '@smithy/types';
import { startFakeKubernetesApi } from './__testUtils__/fakeKubernetesApi';
import type { FakeKubernetesApi } from './__testUtils__/fakeKubernetesApi';
import {
  identified,
  spec,
  TEAM_A,
  TEST_ACCOUNT_ID,
  testConfig,
} from './__testUtils__/fixtures';
import { onboard } from './__testUtils__/harness';
import {
  MotoServer,
  startMoto,
  useMotoCredentials,
} from './__testUtils__/moto';
import { startEmrOnEksBackend, USERS } from './__testUtils__/testBackend';
import { asOf } from './__testUtils__/timeTravel';
import { listen } from './__testUtils__/emrEmulator/server.mjs';
import { createStsTrustHandler } from './__testUtils__/stsTrust.mjs';
import { readEmrOnEksSettings } from './config';
import { buildTenantPlan } from './domain/plan';
import { platformPolicy } from './domain/platformPolicy';
import {
  ClusterGateways,
  createClusterGateways,
} from './gateways/ClusterGateways';
import { AssumeRoleError } from './gateways/errors';
import { createAthenaClient, createAwsClients } from './gateways/aws/clients';
import { eksToken } from './gateways/kubernetes/eksToken';

/*
 * Clusters in two AWS accounts served by one backend, on moto (which keeps
 * every account apart: the keys AssumeRole returns for a role act in the
 * role's account). Cluster `shared` is in the backend's own account
 * (123456789012, us-east-1); cluster `analytics` is in 210987654321
 * (eu-west-1), reached through `aws.roleArn` with an external id. Each
 * tenant's role, pod templates, log group and virtual cluster must be in its
 * own cluster's account and region only, checked with each account's keys.
 * Also: the account check, refusals, one cached session per cluster (the
 * AssumeRole calls counted) renewed before expiry, the EKS token signed as
 * the role, and the CUR's Athena in another account.
 *
 * STAND-IN: moto's STS lets anyone assume any role with any external id.
 * `__testUtils__/stsTrust.mjs`, between the backend and moto, checks the
 * one thing these tests need of a trust policy: its `sts:ExternalId`
 * condition (answering AccessDenied as STS does). Principals and other
 * conditions are not checked there, nor by moto.
 */

jest.setTimeout(60_000);

const OTHER_ACCOUNT = '210987654321';
const ROLE_NAME = 'backstage-emr-on-eks';
const ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/${ROLE_NAME}`;
const EXTERNAL_ID = 'emr-on-eks-7f3c9a1e';
const SHARED_BUCKET = 'shared-data-emr-assets';
const ANALYTICS_BUCKET = 'analytics-emr-assets';

const TEAM_B: TenantSpecInput = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  cluster: 'analytics',
  dataAccess: [{ s3: 's3://data-lake/team-b/', access: 'read-write' }],
};

interface AccountClients {
  iam: IAMClient;
  s3: S3Client;
  logs: CloudWatchLogsClient;
  emr: EMRContainersClient;
}

let moto: MotoServer;
let trust: { endpoint: string; stop(): Promise<void> };
let kube: FakeKubernetesApi;
/** Every AssumeRole the stand-in saw (the backend's, not the tests' own). */
const assumeRoleCalls: Array<{ roleArn: string; allowed: boolean }> = [];
/** The other account's keys, for looking at it (AssumeRole straight to moto). */
let otherKeys: AwsCredentialIdentity;
const opened: Array<{ destroy(): void }> = [];

/** Clients that talk to moto directly as an account, in a region. */
function clientsOf(account: 'own' | 'other', region: string): AccountClients {
  const common = {
    region,
    endpoint: moto.endpoint,
    ...(account === 'other' ? { credentials: otherKeys } : {}),
  };
  const clients = {
    iam: new IAMClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    logs: new CloudWatchLogsClient(common),
    emr: new EMRContainersClient(common),
  };
  opened.push(...Object.values(clients));
  return clients;
}

/** The `emrOnEks` config: both clusters, AWS through the stand-in. */
function twoAccountConfig(
  analytics: { externalId?: string; accountId?: string } = {},
): JsonObject {
  const config = testConfig({
    endpoint: trust.endpoint,
    kubernetes: {
      mode: 'direct',
      url: kube.url,
      caData: kube.caData,
      token: 'test-token',
    },
  }) as { emrOnEks: { clusters: JsonObject[] } };
  const [shared] = config.emrOnEks.clusters;
  config.emrOnEks.clusters.push({
    ...shared,
    name: 'analytics',
    accountId: analytics.accountId ?? OTHER_ACCOUNT,
    region: 'eu-west-1',
    eksClusterName: 'analytics',
    oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0ANALYTICS',
    assetsBucket: ANALYTICS_BUCKET,
    aws: {
      roleArn: ROLE_ARN,
      externalId: analytics.externalId ?? EXTERNAL_ID,
    },
  });
  return config as unknown as JsonObject;
}

function settingsOf(config: JsonObject) {
  return readEmrOnEksSettings(new ConfigReader(config));
}

/** A backend logger that keeps every warning, to read the full messages. */
function capturingLogger(warnings: string[]) {
  const logger: LoggerService = {
    error: message => warnings.push(message),
    warn: message => warnings.push(message),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => logger,
  });
}

beforeAll(async () => {
  useMotoCredentials();
  moto = await startMoto();
  trust = await listen(
    createStsTrustHandler({
      motoEndpoint: moto.endpoint,
      observe: (call: { roleArn: string; allowed: boolean }) =>
        assumeRoleCalls.push(call),
    }),
  );
  kube = await startFakeKubernetesApi();
});

afterAll(async () => {
  opened.forEach(client => client.destroy());
  await kube?.stop();
  await trust?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  kube.objects.clear();
  kube.clear();
  assumeRoleCalls.length = 0;
  // The other account as its own administrator would set it up: moto
  // hands out that account's keys for any role in it.
  const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/administrator`,
      RoleSessionName: 'setup',
    }),
  );
  sts.destroy();
  otherKeys = {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken,
  };
  const other = clientsOf('other', 'eu-west-1');
  const settings = settingsOf(twoAccountConfig());
  const analytics = settings.clusters[1];
  const policies = platformPolicy({
    settings,
    cluster: analytics,
    backendPrincipal: `arn:aws:iam::${TEST_ACCOUNT_ID}:root`,
    externalId: EXTERNAL_ID,
  });
  await other.iam.send(
    new CreateRoleCommand({
      RoleName: ROLE_NAME,
      AssumeRolePolicyDocument: JSON.stringify(policies.trustPolicy),
    }),
  );
  // moto's IAM validates the document's grammar: the generated policy is
  // one IAM accepts.
  await other.iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE_NAME,
      PolicyName: 'backstage-emr-on-eks',
      PolicyDocument: JSON.stringify(policies.permissionsPolicy),
    }),
  );
  await other.s3.send(
    new CreateBucketCommand({
      Bucket: ANALYTICS_BUCKET,
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  await clientsOf('own', 'us-east-1').s3.send(
    new CreateBucketCommand({ Bucket: SHARED_BUCKET }),
  );
});

async function roleArnIn(clients: AccountClients, roleName: string) {
  try {
    return (await clients.iam.send(new GetRoleCommand({ RoleName: roleName })))
      .Role?.Arn;
  } catch (error) {
    if ((error as Error).name.startsWith('NoSuchEntity')) {
      return undefined;
    }
    throw error;
  }
}

async function logGroupsIn(clients: AccountClients) {
  const { logGroups = [] } = await clients.logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: '/emr-on-eks/' }),
  );
  return logGroups.map(group => group.logGroupName);
}

async function namespacesOfVirtualClustersIn(clients: AccountClients) {
  const { virtualClusters = [] } = await clients.emr.send(
    new ListVirtualClustersCommand({ states: ['RUNNING'] }),
  );
  return virtualClusters.map(
    vc => vc.containerProvider?.info?.eksInfo?.namespace,
  );
}

async function keysIn(clients: AccountClients, bucket: string) {
  const { Contents = [] } = await clients.s3.send(
    new ListObjectsV2Command({ Bucket: bucket }),
  );
  return Contents.map(object => object.Key!);
}

describe('clusters in two accounts in one backend (moto)', () => {
  it("onboards a tenant on each, every resource in its own cluster's account and region only", async () => {
    const { server } = await startEmrOnEksBackend(twoAccountConfig());

    const teamA = await onboard(server, TEAM_A, USERS.alice);
    const teamB = await onboard(server, TEAM_B, USERS.bob);
    expect([teamA.status.phase, teamB.status.phase]).toEqual([
      'Ready',
      'Ready',
    ]);
    expect(teamA.status.executionRoleArn).toBe(
      `arn:aws:iam::${TEST_ACCOUNT_ID}:role/emr-tenant-team-a`,
    );
    expect(teamB.status.executionRoleArn).toBe(
      `arn:aws:iam::${OTHER_ACCOUNT}:role/emr-tenant-team-b`,
    );

    const own = clientsOf('own', 'us-east-1');
    const ownElsewhere = clientsOf('own', 'eu-west-1');
    const other = clientsOf('other', 'eu-west-1');
    const otherElsewhere = clientsOf('other', 'us-east-1');

    // IAM is global per account.
    expect(await roleArnIn(own, 'emr-tenant-team-a')).toBe(
      teamA.status.executionRoleArn,
    );
    expect(await roleArnIn(other, 'emr-tenant-team-a')).toBeUndefined();
    expect(await roleArnIn(other, 'emr-tenant-team-b')).toBe(
      teamB.status.executionRoleArn,
    );
    expect(await roleArnIn(own, 'emr-tenant-team-b')).toBeUndefined();

    // Each cluster's bucket, owned by its account, holds its tenant only.
    const bucketsOf = async (clients: AccountClients) =>
      ((await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map(
        b => b.Name,
      );
    expect(await bucketsOf(own)).toEqual([SHARED_BUCKET]);
    expect(await bucketsOf(other)).toEqual([ANALYTICS_BUCKET]);
    const sharedKeys = await keysIn(own, SHARED_BUCKET);
    const analyticsKeys = await keysIn(other, ANALYTICS_BUCKET);
    expect(sharedKeys.length).toBeGreaterThan(0);
    expect(analyticsKeys.length).toBeGreaterThan(0);
    expect(sharedKeys.every(k => k.startsWith('tenants/team-a/'))).toBe(true);
    expect(analyticsKeys.every(k => k.startsWith('tenants/team-b/'))).toBe(
      true,
    );

    // Logs and EMR are per account and region.
    expect(await logGroupsIn(own)).toEqual(['/emr-on-eks/shared/team-a']);
    expect(await logGroupsIn(other)).toEqual(['/emr-on-eks/analytics/team-b']);
    expect(await logGroupsIn(ownElsewhere)).toEqual([]);
    expect(await logGroupsIn(otherElsewhere)).toEqual([]);
    expect(await namespacesOfVirtualClustersIn(own)).toEqual(['team-a']);
    expect(await namespacesOfVirtualClustersIn(other)).toEqual(['team-b']);
    expect(await namespacesOfVirtualClustersIn(ownElsewhere)).toEqual([]);
    expect(await namespacesOfVirtualClustersIn(otherElsewhere)).toEqual([]);

    // Every client of the analytics cluster used one assumed-role session.
    expect(assumeRoleCalls).toEqual([
      { roleArn: ROLE_ARN, externalIdGiven: true, allowed: true },
    ]);
  });

  it("refuses onboarding onto a cluster whose role refuses the external id, and the other cluster's tenants are unaffected", async () => {
    const warnings: string[] = [];
    const { server } = await startEmrOnEksBackend(
      twoAccountConfig({ externalId: 'not-the-agreed-id' }),
      [capturingLogger(warnings)],
    );

    const teamB = await onboard(server, TEAM_B, USERS.bob);
    const teamA = await onboard(server, TEAM_A, USERS.alice);

    expect(teamA.status.phase).toBe('Ready');
    expect(teamB.status.phase).toBe('Failed');
    // The tenant's readers see the cluster and the reason, the ARNs and
    // account ids masked; the log has them whole.
    expect(teamB.status.message).toContain(
      'cluster analytics: cannot assume role <arn>: AccessDenied: User: <arn> is not authorized to perform: sts:AssumeRole on resource: <arn>',
    );
    expect(warnings.join('\n')).toContain(
      `cluster analytics: cannot assume role ${ROLE_ARN}: AccessDenied: User: arn:aws:sts::${TEST_ACCOUNT_ID}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
    );
    expect(JSON.stringify([teamB, warnings])).not.toContain(
      'not-the-agreed-id',
    );
    // Nothing was created in the other account.
    const other = clientsOf('other', 'eu-west-1');
    expect(await roleArnIn(other, 'emr-tenant-team-b')).toBeUndefined();
    expect(await logGroupsIn(other)).toEqual([]);
    expect(await keysIn(other, ANALYTICS_BUCKET)).toEqual([]);
    const refused = assumeRoleCalls.filter(call => !call.allowed);
    expect(refused.length).toBeGreaterThan(0);
    expect(assumeRoleCalls.every(call => !call.allowed)).toBe(true);
  });

  it("fails before any change when the assumed role's account is not the configured one, naming both", async () => {
    const warnings: string[] = [];
    const { server } = await startEmrOnEksBackend(
      twoAccountConfig({ accountId: '111122223333' }),
      [capturingLogger(warnings)],
    );

    const teamB = await onboard(server, TEAM_B, USERS.bob);

    expect(teamB.status.phase).toBe('Failed');
    expect(warnings.join('\n')).toContain(
      `cluster analytics is configured with account 111122223333, but the role it assumes (${ROLE_ARN}) gives credentials of account ${OTHER_ACCOUNT}`,
    );
    const other = clientsOf('other', 'eu-west-1');
    expect(await roleArnIn(other, 'emr-tenant-team-b')).toBeUndefined();
    expect(await logGroupsIn(other)).toEqual([]);
    expect(await namespacesOfVirtualClustersIn(other)).toEqual([]);
  });
});

describe("a cluster's gateways with an assumed role (moto)", () => {
  const built: ClusterGateways[] = [];
  afterEach(() => built.splice(0).forEach(gateways => gateways.dispose()));

  function gatewaysOf(config: JsonObject, name: string) {
    const settings = settingsOf(config);
    const gateways = createClusterGateways({
      cluster: settings.clusters.find(c => c.name === name)!,
      settings,
      logger: mockServices.logger.mock(),
    });
    built.push(gateways);
    return gateways;
  }

  /** The plan of team-b on the analytics cluster. */
  function teamBPlan() {
    const settings = settingsOf(twoAccountConfig());
    return buildTenantPlan(
      identified(spec(TEAM_B)),
      settings.clusters[1],
      settings,
    );
  }

  it("answers with the assumed role's identity in the other account", async () => {
    const analytics = gatewaysOf(twoAccountConfig(), 'analytics');
    const shared = gatewaysOf(twoAccountConfig(), 'shared');

    expect(await analytics.identity()).toEqual({
      accountId: OTHER_ACCOUNT,
      arn: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/${ROLE_NAME}/backstage-emr-on-eks`,
    });
    expect(await analytics.accountId()).toBe(OTHER_ACCOUNT);
    expect(await shared.identity()).toEqual({
      accountId: TEST_ACCOUNT_ID,
      arn: `arn:aws:sts::${TEST_ACCOUNT_ID}:user/moto`,
    });
  });

  it("signs the EKS token with the assumed role's session, which STS answers as that role", async () => {
    const settings = settingsOf(twoAccountConfig());
    const cluster = settings.clusters[1];
    const clients = createAwsClients(cluster, settings.aws);
    opened.push(...Object.values(clients));

    const token = await eksToken({
      clusterName: cluster.eksClusterName,
      region: cluster.region,
      credentials: clients.sts.config.credentials,
    });
    // EKS checks a token by sending its presigned GetCallerIdentity to STS.
    // moto routes by the Authorization header only, so its key is sent
    // there: STS says whose key it is.
    const presigned = new URL(
      Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString(
        'utf8',
      ),
    );
    expect(presigned.searchParams.get('X-Amz-Security-Token')).toBeTruthy();
    const credential = presigned.searchParams.get('X-Amz-Credential')!;
    expect(credential).toMatch(
      /^ASIA\w+\/\d{8}\/eu-west-1\/sts\/aws4_request$/,
    );
    const answer = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=0`,
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(await answer.text()).toContain(
      `<Arn>arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/${ROLE_NAME}/backstage-emr-on-eks</Arn>`,
    );
    expect(assumeRoleCalls).toHaveLength(1);
  });

  it.each([
    ['a wrong external id', 'not-the-agreed-id'],
    ['no external id', undefined],
  ])(
    'refuses %s with an AssumeRoleError naming the cluster and the role, never the id',
    async (_what, externalId) => {
      const config = twoAccountConfig();
      const clusters = (config.emrOnEks as { clusters: JsonObject[] }).clusters;
      clusters[1].aws = externalId
        ? { roleArn: ROLE_ARN, externalId }
        : { roleArn: ROLE_ARN };
      const analytics = gatewaysOf(config, 'analytics');
      const shared = gatewaysOf(config, 'shared');

      const error = await analytics.identity().catch(e => e);
      expect(error).toBeInstanceOf(AssumeRoleError);
      expect(error).toMatchObject({ cluster: 'analytics', roleArn: ROLE_ARN });
      expect(error.message).toBe(
        `cluster analytics: cannot assume role ${ROLE_ARN}: AccessDenied: User: arn:aws:sts::${TEST_ACCOUNT_ID}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
      );
      // Every AWS call of the cluster fails the same way, not only STS.
      await expect(
        analytics.logGroups.ensureLogGroup(teamBPlan()),
      ).rejects.toBeInstanceOf(AssumeRoleError);
      expect(JSON.stringify(error)).not.toContain('not-the-agreed-id');
      // The other cluster is not affected.
      expect((await shared.identity()).accountId).toBe(TEST_ACCOUNT_ID);
      // A later call asks again (a refusal is not cached).
      const before = assumeRoleCalls.length;
      await analytics.identity().catch(() => undefined);
      expect(assumeRoleCalls.length).toBe(before + 1);
    },
  );

  it('assumes the role once for many calls of every client, and again only when the session is about to expire', async () => {
    const analytics = gatewaysOf(twoAccountConfig(), 'analytics');
    const plan = teamBPlan();

    // STS, IAM, S3, CloudWatch Logs and EMR: each client, several times.
    let virtualClusterId: string | undefined;
    for (let i = 0; i < 3; i++) {
      await analytics.identity();
      await analytics.iamRoles.ensureRole(plan);
      await analytics.podTemplates.ensureFiles(plan);
      await analytics.logGroups.ensureLogGroup(plan);
      virtualClusterId = (
        await analytics.virtualClusters.ensureVirtualCluster(
          plan,
          virtualClusterId,
          `token-${i}`,
        )
      ).id;
      await analytics.runLogs.listObjects({
        bucket: ANALYTICS_BUCKET,
        prefix: 'tenants/team-b/',
        max: 10,
      });
    }
    expect(
      await roleArnIn(clientsOf('other', 'eu-west-1'), plan.iam.roleName),
    ).toBe(`arn:aws:iam::${OTHER_ACCOUNT}:role/emr-tenant-team-b`);
    expect(assumeRoleCalls).toHaveLength(1);

    // moto's sessions last an hour (the SDK's default DurationSeconds).
    // Ten minutes before the end: still the same session.
    await asOf(new Date(Date.now() + 50 * 60_000), () => analytics.identity());
    expect(assumeRoleCalls).toHaveLength(1);
    // Within five minutes of the end the SDK's cache asks for a new session
    // before the old one has expired. (moto dates the new one from its own,
    // real, clock, so seen from the shifted clock it too is about to end
    // and may be asked for again within the call: at least one more.)
    await asOf(new Date(Date.now() + 56 * 60_000), () => analytics.identity());
    const afterRefresh = assumeRoleCalls.length;
    expect(afterRefresh).toBeGreaterThan(1);
    // Back on the real clock the new session is cached like the first.
    for (let i = 0; i < 3; i++) {
      await analytics.identity();
      await analytics.logGroups.ensureLogGroup(plan);
    }
    expect(assumeRoleCalls).toHaveLength(afterRefresh);
  });
});

describe("the CUR's Athena in another account (moto)", () => {
  const role = (externalId: string) => ({
    roleArn: ROLE_ARN,
    externalId,
    sessionName: 'backstage-emr-on-eks',
  });

  async function workGroupsOf(athena: AthenaClient) {
    const { WorkGroups = [] } = await athena.send(
      new ListWorkGroupsCommand({}),
    );
    return WorkGroups.map(group => group.Name).sort();
  }

  it('queries as the assumed role, in its account', async () => {
    const athena = createAthenaClient(
      'eu-west-1',
      { endpoint: trust.endpoint },
      {},
      role(EXTERNAL_ID),
    );
    opened.push(athena);
    await athena.send(
      new CreateWorkGroupCommand({ Name: 'cur', Configuration: {} }),
    );

    const asOther = new AthenaClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: otherKeys,
    });
    const asOwn = new AthenaClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
    });
    opened.push(asOther, asOwn);
    expect(await workGroupsOf(asOther)).toContain('cur');
    expect(await workGroupsOf(asOwn)).not.toContain('cur');
    expect(assumeRoleCalls).toEqual([
      { roleArn: ROLE_ARN, externalIdGiven: true, allowed: true },
    ]);
  });

  it('names emrOnEks.costs.athena and the role when the role refuses', async () => {
    const athena = createAthenaClient(
      'eu-west-1',
      { endpoint: trust.endpoint },
      {},
      role('not-the-agreed-id'),
    );
    opened.push(athena);

    const error = await athena
      .send(new ListWorkGroupsCommand({}))
      .catch(e => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect(error.message).toMatch(
      new RegExp(
        `^emrOnEks\\.costs\\.athena: cannot assume role ${ROLE_ARN}: AccessDenied: `,
      ),
    );
    expect(error.message).not.toContain('not-the-agreed-id');
  });
});
