import {
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { TEST_ACCOUNT_ID } from '../../__testUtils__/fixtures';
import {
  CLUSTER,
  OUR_TAGS,
  ROLE_NAME,
  SERVICE_ACCOUNTS,
  usePodIdentityWorld,
} from '../../__testUtils__/podIdentityWorld';
import { parsePolicyDocument } from '../../domain/iam';
import { TENANT_UID_TAG } from '../../domain/podIdentity';

/*
 * A cluster switched back from EKS Pod Identity to IRSA, through the real
 * gateways and reconcile steps (IAM on moto, the EKS Pod Identity API on the
 * scripted stand-in, as in podIdentity.moto.test.ts): the tenant's next pass
 * deletes the associations this plugin made for this tenant incarnation,
 * leaves every other one, rewrites the role's trust for IRSA, and the pass
 * after that sends EKS nothing.
 */

jest.setTimeout(60_000);

const SOMEONE_ELSES_ROLE = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/someone-elses`;

const world = usePodIdentityWorld();
const { seen, configure, reconcile, associations } = world;
const eksOperations = () => world.eksCalls().map(call => call.operation);

async function trustPolicyNow(): Promise<unknown> {
  const { Role } = await world.iam.send(
    new GetRoleCommand({ RoleName: ROLE_NAME }),
  );
  return parsePolicyDocument(Role!.AssumeRolePolicyDocument);
}

async function createForeign(serviceAccount: string, tags: object) {
  const { association } = await world.eks.send(
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
    await world.eks.send(
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
    const first = await world.gateways.podIdentity.deleteFormerAssociations(
      plan,
    );
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

    const removed = await world.offboard(plan);

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
