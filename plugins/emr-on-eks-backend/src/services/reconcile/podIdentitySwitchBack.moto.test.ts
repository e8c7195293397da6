import {
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  paginateListPodIdentityAssociations,
  PodIdentityAssociation,
} from '@aws-sdk/client-eks';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockServices } from '@backstage/backend-test-utils';
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
import { base36 } from '../../domain/base36';
import { parsePolicyDocument } from '../../domain/iam';
import { buildTenantPlan, TenantPlan } from '../../domain/plan';
import { TENANT_UID_TAG } from '../../domain/podIdentity';
import {
  ClusterGateways,
  createClusterGateways,
} from '../../gateways/ClusterGateways';
import { RECONCILE_STEP_LIST } from './steps';

/*
 * A cluster switched back from EKS Pod Identity to IRSA, through the real
 * gateways and reconcile steps (IAM on moto, the EKS Pod Identity API on the
 * scripted stand-in, as in podIdentity.moto.test.ts): the tenant's next pass
 * deletes the associations this plugin made for this tenant incarnation,
 * leaves every other one, rewrites the role's trust for IRSA, and the pass
 * after that sends EKS nothing.
 */

jest.setTimeout(60_000);

const REGION = 'us-east-1';
const CLUSTER = 'shared-data';
const ROLE_NAME = 'emr-tenant-team-a';
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
const SOMEONE_ELSES_ROLE = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/someone-elses`;

/** One request as it reached the stand-in: EKS ones by operation, others by service. */
type Seen = { service: string; operation?: string };

let moto: MotoServer;
let server: { endpoint: string; stop(): Promise<void> };
let state: any;
const seen: Seen[] = [];
const eksOperations = () =>
  seen.filter(call => call.service === 'eks').map(call => call.operation);

beforeAll(async () => {
  useMotoCredentials();
  moto = await startMoto();
  state = createPodIdentityState({ motoEndpoint: moto.endpoint });
  const toMoto = passThroughTo(moto.endpoint);
  server = await listen(
    createEksRequestHandler({
      operations: podIdentityOperations(state),
      passThrough: (req: IncomingMessage, res: ServerResponse) => {
        seen.push({ service: signedFor(req).service ?? 'unsigned' });
        toMoto(req, res);
      },
      observe: (call: any) =>
        seen.push({ service: 'eks', operation: call.operation }),
    }),
  );
});

afterAll(async () => {
  await server?.stop();
  await moto?.stop();
});

let gateways: ClusterGateways | undefined;
let eks: EKSClient;
let iam: IAMClient;

beforeEach(async () => {
  await moto.reset();
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
  gateways = undefined;
  eks.destroy();
  iam.destroy();
});

type Identity = 'irsa' | 'podIdentity';

/** The cluster's configuration now says `identity`: its plan and gateways. */
function configure(identity: Identity): TenantPlan {
  gateways?.dispose();
  const settings = testSettings({ endpoint: server.endpoint });
  const cluster = { ...settings.clusters[0], identity };
  gateways = createClusterGateways({
    cluster,
    settings,
    logger: mockServices.logger.mock(),
  });
  return buildTenantPlan(
    identified(spec({ name: 'team-a', namespace: 'team-a' }), TEST_UID),
    cluster,
    testSettings(),
  );
}

/** A reconcile pass's IAM and Pod Identity steps, in order: their changes. */
async function reconcile(plan: TenantPlan): Promise<string[]> {
  const changes: string[] = [];
  for (const name of ['iam-role', 'pod-identity']) {
    const step = RECONCILE_STEP_LIST.find(s => s.name === name)!;
    const result = await step.apply({
      plan,
      gateways: gateways!,
      outputs: {},
      clientToken: 'token',
    });
    changes.push(...result.changes);
  }
  return changes;
}

async function associations(): Promise<PodIdentityAssociation[]> {
  const found: PodIdentityAssociation[] = [];
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

async function trustPolicyNow(): Promise<unknown> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }));
  return parsePolicyDocument(Role!.AssumeRolePolicyDocument);
}

async function createForeign(serviceAccount: string, tags: object) {
  const { association } = await eks.send(
    new CreatePodIdentityAssociationCommand({
      clusterName: CLUSTER,
      namespace: 'team-a',
      serviceAccount,
      roleArn: SOMEONE_ELSES_ROLE,
      tags: tags as Record<string, string>,
    }),
  );
  return association!;
}

const deleted = (serviceAccount: string) =>
  expect.stringMatching(
    new RegExp(
      `^deleted Pod Identity association a-[a-z0-9]{17} for ${serviceAccount}$`,
    ),
  );

describe('switching a cluster from Pod Identity back to IRSA (moto + EKS stand-in)', () => {
  it("deletes the plugin's associations of this tenant incarnation, leaves every other one, and then sends EKS nothing", async () => {
    await reconcile(configure('podIdentity'));
    const ours = await associations();
    expect(ours.map(a => a.tags)).toEqual(SERVICE_ACCOUNTS.map(() => OUR_TAGS));
    // In the same namespace: another tool's association of another service
    // account, and an earlier incarnation's of the client's (it replaced
    // ours: EKS holds one per service account), tags differing in the uid.
    await eks.send(
      new DeletePodIdentityAssociationCommand({
        clusterName: CLUSTER,
        associationId: ours[0].associationId,
      }),
    );
    const otherTool = await createForeign('spark-history', {
      team: 'data',
    });
    const earlier = await createForeign(SERVICE_ACCOUNTS[0], {
      ...OUR_TAGS,
      [TENANT_UID_TAG]: 'old-uid',
    });
    // As EKS describes them before the switch: they must stay exactly so.
    const foreign = (await associations()).filter(a =>
      [otherTool.associationId, earlier.associationId].includes(
        a.associationId,
      ),
    );
    expect(foreign).toHaveLength(2);
    seen.length = 0;

    const plan = configure('irsa');
    const changes = await reconcile(plan);

    expect(changes).toEqual([
      deleted(SERVICE_ACCOUNTS[1]),
      deleted(SERVICE_ACCOUNTS[2]),
      `left in place: EKS Pod Identity association ${earlier.associationId} for service account ${SERVICE_ACCOUNTS[0]} in namespace team-a of cluster ${CLUSTER} exists but is not managed by this plugin for tenant team-a (tag ${TENANT_UID_TAG} is "old-uid"); delete it (aws eks delete-pod-identity-association --cluster-name ${CLUSTER} --association-id ${earlier.associationId}) if nothing else needs it`,
      'updated trust policy',
    ]);
    // Exactly the two of ours, and nothing written to the foreign ones.
    expect(eksOperations()).toEqual([
      'ListPodIdentityAssociations',
      'DescribePodIdentityAssociation',
      ...SERVICE_ACCOUNTS.slice(1).flatMap(() => [
        'ListPodIdentityAssociations',
        'DescribePodIdentityAssociation',
        'DeletePodIdentityAssociation',
      ]),
    ]);
    expect(await associations()).toEqual(foreign);
    // The role trusts the cluster's OIDC provider alone, no longer EKS Pod Identity.
    const trust = await trustPolicyNow();
    expect(trust).toEqual(plan.iam.trustPolicy);
    expect(JSON.stringify(trust)).not.toContain('pods.eks.amazonaws.com');

    // The next pass: nothing to change, and not one EKS request.
    seen.length = 0;
    expect(await reconcile(plan)).toEqual([]);
    expect(eksOperations()).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(await associations()).toEqual(foreign);
  });

  it('resumes a pass that died after the deletions and before the trust was rewritten', async () => {
    await reconcile(configure('podIdentity'));
    const plan = configure('irsa');
    // The pass died here: associations deleted, the role's trust not yet rewritten.
    const first = await gateways!.podIdentity.deleteFormerAssociations(plan);
    expect(first).toEqual(SERVICE_ACCOUNTS.map(deleted));
    expect(JSON.stringify(await trustPolicyNow())).toContain(
      'pods.eks.amazonaws.com',
    );
    seen.length = 0;

    expect(await reconcile(plan)).toEqual(['updated trust policy']);
    // It looked again (the trust still named Pod Identity) and found nothing.
    expect(eksOperations()).toEqual(
      SERVICE_ACCOUNTS.map(() => 'ListPodIdentityAssociations'),
    );
    expect(await associations()).toEqual([]);
    expect(await trustPolicyNow()).toEqual(plan.iam.trustPolicy);
  });

  it('offboarding before any pass after the switch deletes them too, before the role', async () => {
    await reconcile(configure('podIdentity'));
    const plan = configure('irsa');
    seen.length = 0;

    const removed: string[] = [];
    for (const name of ['pod-identity', 'iam-role']) {
      const step = RECONCILE_STEP_LIST.find(s => s.name === name)!;
      removed.push(
        ...(await step.remove({
          plan,
          gateways: gateways!,
          outputs: {},
          clientToken: 'token',
        })),
      );
    }

    expect(removed).toEqual([
      ...SERVICE_ACCOUNTS.map(deleted),
      `deleted role ${ROLE_NAME}`,
    ]);
    // Every EKS request before the role's deletion (IAM's last requests).
    const services = seen.map(call => call.service);
    expect(services.lastIndexOf('eks')).toBeGreaterThan(-1);
    expect(services.lastIndexOf('eks')).toBeLessThan(
      services.lastIndexOf('iam'),
    );
    expect(await associations()).toEqual([]);
  });

  it('sends EKS nothing for a tenant that was never on Pod Identity', async () => {
    const plan = configure('irsa');

    expect(await reconcile(plan)).toEqual([
      `created role ${ROLE_NAME}`,
      'put policy emr-on-eks-tenant-access',
    ]);
    expect(await reconcile(plan)).toEqual([]);

    expect(eksOperations()).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
  });
});
