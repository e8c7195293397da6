import {
  CreatePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { TEST_ACCOUNT_ID } from '../../__testUtils__/fixtures';
import {
  CLUSTER,
  OUR_TAGS,
  ROLE_ARN,
  ROLE_NAME,
  SERVICE_ACCOUNTS,
  step,
  usePodIdentityWorld,
} from '../../__testUtils__/podIdentityWorld';
import { parsePolicyDocument, samePolicy } from '../../domain/iam';
import { TENANT_UID_TAG } from '../../domain/podIdentity';
import { NotManagedError } from '../../gateways/errors';

/*
 * EKS Pod Identity onboarding and offboarding of a tenant through the real
 * gateways and reconcile steps: IAM on moto, the EKS Pod Identity API on the
 * scripted EKS stand-in in front of it (moto lacks it), every EKS request
 * recorded and asserted as it went over the wire. The stand-in's own
 * behaviour is tested in __testUtils__/eksEmulator/podIdentity.moto.test.ts.
 */

jest.setTimeout(60_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const world = usePodIdentityWorld();
const {
  seen,
  eksCalls,
  planFor,
  reconcile: onboard,
  offboard,
  associations,
} = world;

describe('EKS Pod Identity onboarding and offboarding (moto + EKS stand-in)', () => {
  it('creates the role trusting pods.eks.amazonaws.com and one tagged association per EMR service account, with exactly these requests', async () => {
    const plan = world.configure('podIdentity');

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
    const role = await world.iam.send(
      new GetRoleCommand({ RoleName: ROLE_NAME }),
    );
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
    const plan = world.configure('podIdentity');
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
    const plan = world.configure('podIdentity');
    await step('iam-role').apply({
      plan,
      gateways: world.gateways,
      outputs: {},
      clientToken: 'token',
    });
    // The first pass died after its first association.
    await world.gateways.podIdentity.ensureAssociations({
      ...plan,
      podIdentity: { associations: plan.podIdentity.associations.slice(0, 1) },
    });
    seen.length = 0;

    const changes = await world.gateways.podIdentity.ensureAssociations(plan);

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
    const plan = world.configure('podIdentity');
    await onboard(plan);
    // Another tenant's association on the same cluster stays.
    const other = planFor('podIdentity', 'other-uid', 'team-b');
    await world.gateways.podIdentity.ensureAssociations(other);
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
      const plan = world.configure('podIdentity');
      const { association: foreign } = await world.eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          namespace: 'team-a',
          serviceAccount: SERVICE_ACCOUNTS[1],
          roleArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/someone-elses`,
          tags,
        }),
      );
      const before = await world.eks.send(
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

      const removal = world.gateways.podIdentity.deleteAssociations(plan);
      await expect(removal).rejects.toThrow(NotManagedError);
      const after = await world.eks.send(
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
    const plan = world.configure('podIdentity');
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
    await world.gateways.podIdentity.ensureAssociations(wrong);
    seen.length = 0;

    const changes = await world.gateways.podIdentity.ensureAssociations(plan);

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
    const plan = world.configure('irsa');

    expect(await onboard(plan)).toEqual([
      `created role ${ROLE_NAME}`,
      'put policy emr-on-eks-tenant-access',
    ]);
    expect(await offboard(plan)).toEqual([`deleted role ${ROLE_NAME}`]);

    expect(seen.filter(c => c.service === 'eks')).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('switching a tenant from IRSA to Pod Identity rewrites the trust policy and creates the associations', async () => {
    await onboard(world.configure('irsa'));
    const plan = world.configure('podIdentity');

    const changes = await onboard(plan);

    expect(changes.slice(0, 1)).toEqual(['updated trust policy']);
    expect(changes.slice(1)).toHaveLength(3);
    const role = await world.iam.send(
      new GetRoleCommand({ RoleName: ROLE_NAME }),
    );
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
    await onboard(world.configure('podIdentity'));

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
