import {
  CreatePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
  paginateListPodIdentityAssociations,
} from '@aws-sdk/client-eks';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockServices } from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  identified,
  spec,
  TEST_ACCOUNT_ID,
  TEST_UID,
  testSettings,
} from '../../__testUtils__/fixtures';
import {
  MotoServer,
  startMoto,
  useMotoCredentials,
} from '../../__testUtils__/moto';
// @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
import { listen } from '../../__testUtils__/emrEmulator/server.mjs';
import {
  createEksRequestHandler,
  passThroughTo,
  // @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
} from '../../__testUtils__/eksEmulator/index.mjs';
import {
  addCluster,
  createPodIdentityState,
  podIdentityOperations,
  // @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
} from '../../__testUtils__/eksEmulator/podIdentity.mjs';
// @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
import { signedFor } from '../../__testUtils__/emrEmulator/wire.mjs';
import type { ClusterSettings } from '../../config';
import { base36 } from '../../domain/base36';
import { parsePolicyDocument, samePolicy } from '../../domain/iam';
import { buildTenantPlan, TenantPlan } from '../../domain/plan';
import { TENANT_UID_TAG } from '../../domain/podIdentity';
import { RECONCILE_STEP_LIST } from './steps';
import {
  ClusterGateways,
  createClusterGateways,
} from '../../gateways/ClusterGateways';
import { NotManagedError } from '../../gateways/errors';

/*
 * EKS Pod Identity onboarding and offboarding of a tenant through the real
 * gateways and reconcile steps: IAM on moto, the EKS Pod Identity API on the
 * scripted EKS stand-in in front of it (moto lacks it), every EKS request
 * recorded and asserted as it went over the wire.
 */

jest.setTimeout(60_000);

const REGION = 'us-east-1';
const CLUSTER = 'shared-data';
const ROLE_NAME = 'emr-tenant-team-a';
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/${ROLE_NAME}`;
const SERVICE_ACCOUNTS = ['client', 'driver', 'executor'].map(
  component =>
    `emr-containers-sa-spark-${component}-${TEST_ACCOUNT_ID}-${base36(
      ROLE_NAME,
    )}`,
);
const OUR_TAGS = {
  'app.kubernetes.io/managed-by': 'backstage-emr-on-eks',
  'emr-on-eks.spot-spark.io/tenant': 'team-a',
  [TENANT_UID_TAG]: TEST_UID,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One request as it reached the stand-in: EKS ones in full, others by service. */
type Seen =
  | {
      service: 'eks';
      operation: string;
      method: string;
      path: string;
      query: Record<string, string>;
      body: any;
    }
  | { service: string };

let moto: MotoServer;
let server: { endpoint: string; stop(): Promise<void> };
let state: any;
const seen: Seen[] = [];
const eksCalls = () =>
  seen.filter(
    (call): call is Extract<Seen, { operation: string }> =>
      call.service === 'eks',
  );

beforeAll(async () => {
  useMotoCredentials();
  moto = await startMoto();
  state = createPodIdentityState({ motoEndpoint: moto.endpoint });
  const toMoto = passThroughTo(moto.endpoint);
  const handler = createEksRequestHandler({
    operations: podIdentityOperations(state),
    passThrough: (req: IncomingMessage, res: ServerResponse) => {
      // Anything else (IAM) goes to moto; an EKS request here would be one
      // the stand-in does not know, and is recorded as such.
      seen.push({ service: signedFor(req).service ?? 'unsigned' });
      toMoto(req, res);
    },
    observe: (call: any) =>
      seen.push({
        service: 'eks',
        operation: call.operation,
        method: call.method,
        path: call.path,
        query: Object.fromEntries(call.query),
        body: call.body,
      }),
  });
  server = await listen(handler);
});

afterAll(async () => {
  await server?.stop();
  await moto?.stop();
});

let gateways: ClusterGateways;
let eks: EKSClient;
let iam: IAMClient;

function clusterOf(identity: 'irsa' | 'podIdentity'): ClusterSettings {
  return { ...testSettings().clusters[0], identity };
}

function planFor(
  identity: 'irsa' | 'podIdentity',
  uid = TEST_UID,
  tenant = 'team-a',
): TenantPlan {
  return buildTenantPlan(
    identified(spec({ name: tenant, namespace: tenant }), uid),
    clusterOf(identity),
    testSettings(),
  );
}

function gatewaysFor(identity: 'irsa' | 'podIdentity') {
  const settings = testSettings({ endpoint: server.endpoint });
  return createClusterGateways({
    cluster: { ...settings.clusters[0], identity },
    settings,
    logger: mockServices.logger.mock(),
  });
}

const step = (name: string) => RECONCILE_STEP_LIST.find(s => s.name === name)!;

/** Onboarding's IAM and Pod Identity steps, in order. */
async function onboard(plan: TenantPlan) {
  const changes: string[] = [];
  for (const name of ['iam-role', 'pod-identity']) {
    const result = await step(name).apply({
      plan,
      gateways,
      outputs: {},
      clientToken: 'token',
    });
    changes.push(...result.changes);
  }
  return changes;
}

/** Offboarding's Pod Identity and IAM steps, in reverse order. */
async function offboard(plan: TenantPlan) {
  const changes: string[] = [];
  for (const name of ['pod-identity', 'iam-role']) {
    changes.push(
      ...(await step(name).remove({
        plan,
        gateways,
        outputs: {},
        clientToken: 'token',
      })),
    );
  }
  return changes;
}

async function associations() {
  const found = [];
  for await (const page of paginateListPodIdentityAssociations(
    { client: eks },
    { clusterName: CLUSTER },
  )) {
    for (const summary of page.associations ?? []) {
      const { association } = await eks.send(
        new DescribePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          associationId: summary.associationId,
        }),
      );
      found.push(association!);
    }
  }
  return found;
}

beforeEach(async () => {
  await moto.reset();
  // One stand-in for the whole file: its state starts afresh per test.
  state.associations.length = 0;
  state.clusters.clear();
  state.pageSize = 100;
  addCluster(state, {
    account: TEST_ACCOUNT_ID,
    region: REGION,
    name: CLUSTER,
  });
  seen.length = 0;
  const common = {
    region: REGION,
    endpoint: server.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  eks = new EKSClient(common);
  iam = new IAMClient(common);
});

afterEach(() => {
  gateways?.dispose();
  eks.destroy();
  iam.destroy();
});

describe('EKS Pod Identity onboarding and offboarding (moto + EKS stand-in)', () => {
  it('creates the role trusting pods.eks.amazonaws.com and one tagged association per EMR service account, with exactly these requests', async () => {
    gateways = gatewaysFor('podIdentity');
    const plan = planFor('podIdentity');

    const changes = await onboard(plan);

    expect(changes).toEqual([
      `created role ${ROLE_NAME}`,
      'put policy emr-on-eks-tenant-access',
      ...SERVICE_ACCOUNTS.map(sa =>
        expect.stringMatching(
          new RegExp(
            `^created Pod Identity association a-[a-z0-9]{17} for ${sa}$`,
          ),
        ),
      ),
    ]);
    const role = await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    // As IAM stored it: the planned one (its content is pinned in
    // domain/podIdentity.test.ts), principal and conditions intact.
    const stored = parsePolicyDocument(role.Role!.AssumeRolePolicyDocument);
    expect(stored).toEqual(plan.iam.trustPolicy);
    expect(stored).toMatchObject({
      Statement: [{ Principal: { Service: 'pods.eks.amazonaws.com' } }],
    });

    const path = `/clusters/${CLUSTER}/pod-identity-associations`;
    expect(eksCalls()).toEqual(
      SERVICE_ACCOUNTS.flatMap(serviceAccount => [
        {
          service: 'eks',
          operation: 'ListPodIdentityAssociations',
          method: 'GET',
          path,
          query: { namespace: 'team-a', serviceAccount },
          body: undefined,
        },
        {
          service: 'eks',
          operation: 'CreatePodIdentityAssociation',
          method: 'POST',
          path,
          query: {},
          body: {
            namespace: 'team-a',
            serviceAccount,
            roleArn: ROLE_ARN,
            tags: OUR_TAGS,
            clientRequestToken: expect.stringMatching(UUID),
          },
        },
      ]),
    );
    expect(
      (await associations()).map(a => ({
        namespace: a.namespace,
        serviceAccount: a.serviceAccount,
        roleArn: a.roleArn,
        tags: a.tags,
      })),
    ).toEqual(
      SERVICE_ACCOUNTS.map(serviceAccount => ({
        namespace: 'team-a',
        serviceAccount,
        roleArn: ROLE_ARN,
        tags: OUR_TAGS,
      })),
    );
  });

  it('changes nothing on a second pass: it only lists and describes', async () => {
    gateways = gatewaysFor('podIdentity');
    const plan = planFor('podIdentity');
    await onboard(plan);
    seen.length = 0;

    expect(await onboard(plan)).toEqual([]);
    expect(eksCalls().map(c => c.operation)).toEqual(
      SERVICE_ACCOUNTS.flatMap(() => [
        'ListPodIdentityAssociations',
        'DescribePodIdentityAssociation',
      ]),
    );
  });

  it('after a crash between creations, a replay creates only what is missing', async () => {
    gateways = gatewaysFor('podIdentity');
    const plan = planFor('podIdentity');
    await step('iam-role').apply({
      plan,
      gateways,
      outputs: {},
      clientToken: 'token',
    });
    // The first pass died after its first association.
    await gateways.podIdentity.ensureAssociations({
      ...plan,
      podIdentity: { associations: plan.podIdentity.associations.slice(0, 1) },
    });
    seen.length = 0;

    const changes = await gateways.podIdentity.ensureAssociations(plan);

    expect(changes).toEqual(
      SERVICE_ACCOUNTS.slice(1).map(sa =>
        expect.stringMatching(new RegExp(`for ${sa}$`)),
      ),
    );
    expect(
      eksCalls()
        .filter(c => c.operation === 'CreatePodIdentityAssociation')
        .map(c => c.body.serviceAccount),
    ).toEqual(SERVICE_ACCOUNTS.slice(1));
    expect(await associations()).toHaveLength(3);
  });

  it('offboarding deletes the associations before the role, and only the tenant’s', async () => {
    gateways = gatewaysFor('podIdentity');
    const plan = planFor('podIdentity');
    await onboard(plan);
    // Another tenant's association on the same cluster stays.
    const other = planFor('podIdentity', 'other-uid', 'team-b');
    await gateways.podIdentity.ensureAssociations(other);
    seen.length = 0;

    const changes = await offboard(plan);

    expect(changes).toEqual([
      ...SERVICE_ACCOUNTS.map(sa =>
        expect.stringMatching(
          new RegExp(
            `^deleted Pod Identity association a-[a-z0-9]{17} for ${sa}$`,
          ),
        ),
      ),
      `deleted role ${ROLE_NAME}`,
    ]);
    const deletes = eksCalls().filter(
      c => c.operation === 'DeletePodIdentityAssociation',
    );
    expect(deletes).toHaveLength(3);
    for (const call of deletes) {
      expect(call).toMatchObject({
        method: 'DELETE',
        path: expect.stringMatching(
          new RegExp(
            `^/clusters/${CLUSTER}/pod-identity-associations/a-[a-z0-9]{17}$`,
          ),
        ),
        body: undefined,
      });
    }
    const lastEks = seen.map(c => c.service).lastIndexOf('eks');
    const firstIam = seen.map(c => c.service).indexOf('iam');
    expect(lastEks).toBeLessThan(firstIam);
    expect((await associations()).map(a => a.tags)).toEqual(
      other.podIdentity.associations.map(a => a.tags),
    );

    // Offboarding again (a retried pass) finds nothing to delete.
    seen.length = 0;
    expect(await offboard(plan)).toEqual([]);
    expect(eksCalls().map(c => c.operation)).toEqual(
      SERVICE_ACCOUNTS.map(() => 'ListPodIdentityAssociations'),
    );
  });

  it.each([
    ['no tags', {}, 'tag app.kubernetes.io/managed-by is missing'],
    [
      "another tenant's tags",
      { ...OUR_TAGS, 'emr-on-eks.spot-spark.io/tenant': 'team-b' },
      'tag emr-on-eks.spot-spark.io/tenant is "team-b"',
    ],
    [
      "an earlier incarnation's uid",
      { ...OUR_TAGS, [TENANT_UID_TAG]: 'old-uid' },
      `tag ${TENANT_UID_TAG} is "old-uid"`,
    ],
  ])(
    'neither adopts nor deletes an association of the service account with %s',
    async (_, tags, reason) => {
      gateways = gatewaysFor('podIdentity');
      const plan = planFor('podIdentity');
      const { association: foreign } = await eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          namespace: 'team-a',
          serviceAccount: SERVICE_ACCOUNTS[1],
          roleArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/someone-elses`,
          tags,
        }),
      );
      const before = await eks.send(
        new DescribePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          associationId: foreign!.associationId,
        }),
      );

      const failure = onboard(plan);
      await expect(failure).rejects.toThrow(NotManagedError);
      await expect(failure).rejects.toThrow(
        `EKS Pod Identity association ${
          foreign!.associationId
        } for service account ${
          SERVICE_ACCOUNTS[1]
        } in namespace team-a of cluster ${CLUSTER} exists but is not managed by this plugin for tenant team-a (${reason}`,
      );
      // Never touched: no update, no delete, the same role and tags.
      expect(
        eksCalls().filter(
          c =>
            c.method !== 'GET' && c.path.endsWith(`/${foreign!.associationId}`),
        ),
      ).toEqual([]);

      const removal = gateways.podIdentity.deleteAssociations(plan);
      await expect(removal).rejects.toThrow(NotManagedError);
      const after = await eks.send(
        new DescribePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          associationId: foreign!.associationId,
        }),
      );
      expect(after.association).toEqual(before.association);
      // The tenant's own (the client's, made before the refusal) is gone.
      expect((await associations()).map(a => a.associationId)).toEqual([
        foreign!.associationId,
      ]);
    },
  );

  it('points its own association back at the role when it names another', async () => {
    gateways = gatewaysFor('podIdentity');
    const plan = planFor('podIdentity');
    await onboard(plan);
    const wrong = {
      ...plan,
      podIdentity: {
        associations: plan.podIdentity.associations.map(a => ({
          ...a,
          roleArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/elsewhere`,
        })),
      },
    };
    await gateways.podIdentity.ensureAssociations(wrong);
    seen.length = 0;

    const changes = await gateways.podIdentity.ensureAssociations(plan);

    expect(changes).toHaveLength(3);
    expect(
      eksCalls()
        .filter(c => c.operation === 'UpdatePodIdentityAssociation')
        .map(c => c.body),
    ).toEqual(
      SERVICE_ACCOUNTS.map(() => ({
        roleArn: ROLE_ARN,
        disableSessionTags: false,
        clientRequestToken: expect.stringMatching(UUID),
      })),
    );
    expect(new Set((await associations()).map(a => a.roleArn))).toEqual(
      new Set([ROLE_ARN]),
    );
  });

  it('sends no EKS request at all for a tenant on an IRSA cluster', async () => {
    gateways = gatewaysFor('irsa');
    const plan = planFor('irsa');

    expect(await onboard(plan)).toEqual([
      `created role ${ROLE_NAME}`,
      'put policy emr-on-eks-tenant-access',
    ]);
    expect(await offboard(plan)).toEqual([`deleted role ${ROLE_NAME}`]);

    expect(seen.filter(c => c.service === 'eks')).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('switching a tenant from IRSA to Pod Identity rewrites the trust policy and creates the associations', async () => {
    gateways = gatewaysFor('irsa');
    await onboard(planFor('irsa'));
    gateways.dispose();
    gateways = gatewaysFor('podIdentity');
    const plan = planFor('podIdentity');

    const changes = await onboard(plan);

    expect(changes.slice(0, 1)).toEqual(['updated trust policy']);
    expect(changes.slice(1)).toHaveLength(3);
    const role = await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    expect(
      samePolicy(
        parsePolicyDocument(role.Role!.AssumeRolePolicyDocument),
        plan.iam.trustPolicy,
      ),
    ).toBe(true);
  });

  it('sends the same CreatePodIdentityAssociation request as the AWS CLI for the same inputs', async () => {
    // Recorded from `aws eks create-pod-identity-association` (the call
    // `aws emr-containers create-role-associations` makes per service
    // account); see the fixture's producedBy.
    const cli = JSON.parse(
      readFileSync(
        require.resolve(
          '../../__testUtils__/eksEmulator/fixtures/awsCliCreatePodIdentityAssociation.json',
        ),
        'utf8',
      ),
    ).request;
    gateways = gatewaysFor('podIdentity');
    await onboard(planFor('podIdentity'));

    const ours = eksCalls().find(
      c =>
        c.operation === 'CreatePodIdentityAssociation' &&
        c.body.serviceAccount === cli.body.serviceAccount,
    )!;
    const { clientRequestToken: ourToken, ...ourBody } = ours.body;
    const { clientRequestToken: cliToken, ...cliBody } = cli.body;
    expect({ method: ours.method, path: ours.path, body: ourBody }).toEqual({
      method: cli.method,
      path: cli.path,
      body: cliBody,
    });
    // Both fill in a fresh idempotency token.
    expect(ourToken).toMatch(UUID);
    expect(cliToken).toMatch(UUID);
  });
});

describe('the EKS Pod Identity stand-in', () => {
  it('answers a second association of a service account as EKS does: ResourceInUseException', async () => {
    const input = {
      clusterName: CLUSTER,
      namespace: 'ns',
      serviceAccount: 'sa',
      roleArn: ROLE_ARN,
    };
    const { association } = await eks.send(
      new CreatePodIdentityAssociationCommand(input),
    );
    await expect(
      eks.send(new CreatePodIdentityAssociationCommand(input)),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
      message: `Association already exists: ${association!.associationId}`,
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('answers an unknown association or cluster with ResourceNotFoundException, and a bad role ARN with InvalidParameterException', async () => {
    await expect(
      eks.send(
        new DescribePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          associationId: 'a-00000000000000000',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'nope' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: nope.',
    });
    await expect(
      eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          namespace: 'ns',
          serviceAccount: 'sa',
          roleArn: 'not-an-arn',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('keeps associations per account, and pages its lists', async () => {
    state.pageSize = 2;
    for (const sa of ['a', 'b', 'c', 'd', 'e']) {
      await eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          namespace: 'ns',
          serviceAccount: sa,
          roleArn: ROLE_ARN,
        }),
      );
    }
    const first = await eks.send(
      new ListPodIdentityAssociationsCommand({ clusterName: CLUSTER }),
    );
    expect(first.associations).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    expect((await associations()).map(a => a.serviceAccount)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);

    // The same cluster name in another account is another cluster: keys of
    // a role assumed there (moto tells the account by the key).
    const sts = new STSClient({ region: REGION, endpoint: moto.endpoint });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111111111111:role/platform',
        RoleSessionName: 'test',
      }),
    );
    sts.destroy();
    addCluster(state, {
      account: '111111111111',
      region: REGION,
      name: CLUSTER,
    });
    const elsewhere = new EKSClient({
      region: REGION,
      endpoint: server.endpoint,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    });
    try {
      const other = await elsewhere.send(
        new ListPodIdentityAssociationsCommand({ clusterName: CLUSTER }),
      );
      expect(other.associations).toEqual([]);
      const { association } = await elsewhere.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          namespace: 'ns',
          serviceAccount: 'a',
          roleArn: 'arn:aws:iam::111111111111:role/r',
        }),
      );
      expect(association!.associationArn).toMatch(
        /^arn:aws:eks:us-east-1:111111111111:podidentityassociation\/shared-data\/a-[a-z0-9]{17}$/,
      );
      expect(await associations()).toHaveLength(5);
    } finally {
      elsewhere.destroy();
    }
  });
});
