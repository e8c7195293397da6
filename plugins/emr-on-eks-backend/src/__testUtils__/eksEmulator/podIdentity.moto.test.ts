import {
  CreatePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CLUSTER,
  REGION,
  ROLE_ARN,
  usePodIdentityWorld,
} from '../podIdentityWorld';
// @ts-ignore: plain ESM with checked JSDoc types, no declaration file.
import { addCluster } from './podIdentity.mjs';

/*
 * The EKS Pod Identity stand-in (moto lacks the API) answers as EKS does:
 * its errors, its accounts and its paging, in front of moto's IAM.
 */

jest.setTimeout(60_000);

const world = usePodIdentityWorld();
const { associations } = world;

describe('the EKS Pod Identity stand-in', () => {
  it('answers a second association of a service account as EKS does: ResourceInUseException', async () => {
    const input = {
      clusterName: CLUSTER,
      namespace: 'ns',
      serviceAccount: 'sa',
      roleArn: ROLE_ARN,
    };
    const { association } = await world.eks.send(
      new CreatePodIdentityAssociationCommand(input),
    );
    await expect(
      world.eks.send(new CreatePodIdentityAssociationCommand(input)),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
      message: `Association already exists: ${association!.associationId}`,
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('answers an unknown association or cluster with ResourceNotFoundException, and a bad role ARN with InvalidParameterException', async () => {
    await expect(
      world.eks.send(
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
      world.eks.send(
        new ListPodIdentityAssociationsCommand({ clusterName: 'nope' }),
      ),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: nope.',
    });
    await expect(
      world.eks.send(
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
    world.state.pageSize = 2;
    for (const sa of ['a', 'b', 'c', 'd', 'e']) {
      await world.eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: CLUSTER,
          namespace: 'ns',
          serviceAccount: sa,
          roleArn: ROLE_ARN,
        }),
      );
    }
    const first = await world.eks.send(
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
    const sts = new STSClient({
      region: REGION,
      endpoint: world.moto.endpoint,
    });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111111111111:role/platform',
        RoleSessionName: 'test',
      }),
    );
    sts.destroy();
    addCluster(world.state, {
      account: '111111111111',
      region: REGION,
      name: CLUSTER,
    });
    const elsewhere = new EKSClient({
      region: REGION,
      endpoint: world.endpoint,
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
