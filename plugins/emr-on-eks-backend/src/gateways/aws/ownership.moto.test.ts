import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateVirtualClusterCommand,
  DescribeVirtualClusterCommand,
} from '@aws-sdk/client-emr-containers';
import {
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  identified,
  spec,
  TEST_UID,
  testSettings,
} from '../../__testUtils__/fixtures';
import { BUCKET, useIntegrationHarness } from '../../__testUtils__/harness';
import { buildTenantPlan } from '../../domain/plan';
import { NotManagedError } from '../errors';
import { CloudWatchLogGroupGateway } from './LogGroupGateway';
import { S3PodTemplateGateway } from './PodTemplateGateway';
import { EmrVirtualClusterGateway } from './VirtualClusterGateway';

jest.setTimeout(60_000);

const harness = useIntegrationHarness();

const planFor = (name: string) =>
  buildTenantPlan(
    identified(spec({ name, namespace: name })),
    testSettings().clusters[0],
    testSettings(),
  );

const OURS_FOR = (tenant: string) => ({
  'app.kubernetes.io/managed-by': 'backstage-emr-on-eks',
  'emr-on-eks.spot-spark.io/tenant': tenant,
});

describe('virtual clusters the plugin did not create for the tenant (moto)', () => {
  const gateway = () => new EmrVirtualClusterGateway(harness.aws.emr);

  async function createOutside(
    namespace: string,
    tags?: Record<string, string>,
  ) {
    const { id } = await harness.aws.emr.send(
      new CreateVirtualClusterCommand({
        name: `hand-made-${namespace}`,
        containerProvider: {
          type: 'EKS',
          id: 'shared-data',
          info: { eksInfo: { namespace } },
        },
        tags,
      }),
    );
    return id!;
  }

  async function state(id: string) {
    const { virtualCluster } = await harness.aws.emr.send(
      new DescribeVirtualClusterCommand({ id }),
    );
    return virtualCluster?.state;
  }

  it.each([
    [
      'no tags',
      undefined,
      'tag app.kubernetes.io/managed-by is missing, tag emr-on-eks.spot-spark.io/tenant is missing',
    ],
    [
      "another tenant's tags",
      OURS_FOR('team-b'),
      'tag emr-on-eks.spot-spark.io/tenant is "team-b"',
    ],
    [
      'the tenant tag without managed-by',
      { 'emr-on-eks.spot-spark.io/tenant': 'team-a' },
      'tag app.kubernetes.io/managed-by is missing',
    ],
  ])(
    'neither adopts nor deletes one with %s, and leaves it running',
    async (_what, tags, reason) => {
      const id = await createOutside('team-a', tags);
      const plan = planFor('team-a');

      for (const knownId of [undefined, id]) {
        const adopt = gateway().ensureVirtualCluster(plan, knownId, 'token');
        await expect(adopt).rejects.toBeInstanceOf(NotManagedError);
        await expect(adopt).rejects.toThrow(
          `EMR virtual cluster ${id} (hand-made-team-a) on namespace team-a of EKS cluster shared-data exists but is not managed by this plugin for tenant team-a (${reason}); it was not adopted and no virtual cluster was created.`,
        );
        const remove = gateway().deleteVirtualCluster(plan, knownId);
        await expect(remove).rejects.toBeInstanceOf(NotManagedError);
        await expect(remove).rejects.toThrow(
          `EMR virtual cluster ${id} (hand-made-team-a) on namespace team-a of EKS cluster shared-data was not deleted: it is not managed by this plugin for tenant team-a (${reason}); delete it by hand if it should go`,
        );
      }
      expect(await state(id)).toBe('RUNNING');
    },
  );

  it("adopts and deletes one tagged as the plugin's for the tenant", async () => {
    const id = await createOutside('team-a', OURS_FOR('team-a'));
    const plan = planFor('team-a');
    expect(await gateway().ensureVirtualCluster(plan, undefined, 't')).toEqual({
      id,
      changes: [`adopted virtual cluster ${id} of namespace team-a`],
    });
    expect(await gateway().deleteVirtualCluster(plan, id)).toEqual([
      `deleted virtual cluster ${id}`,
    ]);
    expect(await state(id)).toBe('TERMINATED');
  });
});

describe('log groups the plugin did not create for the tenant (moto)', () => {
  const gateway = () => new CloudWatchLogGroupGateway(harness.aws.logs);
  const NAME = '/emr-on-eks/shared/team-a';

  async function retention() {
    const { logGroups = [] } = await harness.aws.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: NAME }),
    );
    return logGroups.find(g => g.logGroupName === NAME)?.retentionInDays;
  }

  it.each([
    [
      'no tags',
      undefined,
      'tag app.kubernetes.io/managed-by is missing, tag emr-on-eks.spot-spark.io/tenant is missing',
    ],
    [
      "another tenant's tags",
      OURS_FOR('team-b'),
      'tag emr-on-eks.spot-spark.io/tenant is "team-b"',
    ],
  ])(
    'neither adopts nor deletes one with %s, and leaves it as it was',
    async (_what, tags, reason) => {
      await harness.aws.logs.send(
        new CreateLogGroupCommand({ logGroupName: NAME, tags }),
      );
      await harness.aws.logs.send(
        new PutRetentionPolicyCommand({
          logGroupName: NAME,
          retentionInDays: 7,
        }),
      );
      const plan = planFor('team-a');

      const adopt = gateway().ensureLogGroup(plan);
      await expect(adopt).rejects.toBeInstanceOf(NotManagedError);
      await expect(adopt).rejects.toThrow(
        `CloudWatch log group ${NAME} exists but is not managed by this plugin for tenant team-a (${reason}); it was left unchanged. Delete or rename it`,
      );
      const remove = gateway().deleteLogGroup(plan);
      await expect(remove).rejects.toBeInstanceOf(NotManagedError);
      await expect(remove).rejects.toThrow(
        `CloudWatch log group ${NAME} was not deleted: it is not managed by this plugin for tenant team-a (${reason}); delete it by hand if it should go`,
      );
      expect(await retention()).toBe(7);
    },
  );

  it("adopts one tagged as the plugin's for the tenant, and deletes it", async () => {
    await harness.aws.logs.send(
      new CreateLogGroupCommand({
        logGroupName: NAME,
        tags: OURS_FOR('team-a'),
      }),
    );
    const plan = planFor('team-a');
    expect(await gateway().ensureLogGroup(plan)).toEqual([
      'set retention to 30 days',
    ]);
    expect(await gateway().deleteLogGroup(plan)).toEqual([
      `deleted log group ${NAME}`,
    ]);
    expect(await retention()).toBeUndefined();
  });
});

describe("offboarding a tenant's assets (moto)", () => {
  async function keys() {
    const listed = await harness.aws.s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET }),
    );
    return (listed.Contents ?? []).map(o => o.Key!).sort();
  }

  it('deletes every object under tenants/<name>/<uid>/ page by page, and nothing else', async () => {
    const mine = `tenants/team/${TEST_UID}`;
    const ours = [
      `${mine}/pod-templates/standard/driver.yaml`,
      `${mine}/logs/daily-sales/spark-events/eventlog-1`,
      `${mine}/logs/daily-sales/driver/stdout.gz`,
      `${mine}/spark/fallback/shuffle_0_1.data`,
      `${mine}/spark/fallback/shuffle_0_2.data`,
    ];
    const others = [
      'tenants/team',
      // An earlier tenant of the same name: not this tenant's to delete.
      'tenants/team/0ffee000-0000-4000-8000-000000000000/logs/keep.gz',
      `${mine}x/keep`,
      'tenants/team-a/logs/keep.gz',
      'tenants/teamx/keep',
      'tenants/team-other/spark/fallback/keep.data',
    ];
    for (const Key of [...ours, ...others]) {
      await harness.aws.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }),
      );
    }
    // Through the recording proxy, with pages and batches of two keys.
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: harness.proxy.endpoint,
      forcePathStyle: true,
    });
    try {
      const gateway = new S3PodTemplateGateway(s3, { batchSize: 2 });
      expect(await gateway.deleteFiles(planFor('team'))).toEqual([
        `deleted 5 objects under s3://${BUCKET}/${mine}/`,
      ]);
      expect(await keys()).toEqual([...others].sort());
      expect(
        harness.proxy.writes().map(c => `${c.service}:${c.operation}`),
      ).toEqual([
        `s3:POST /${BUCKET}/`,
        `s3:POST /${BUCKET}/`,
        `s3:POST /${BUCKET}/`,
      ]);

      // Nothing left: nothing to delete, no write.
      harness.proxy.clear();
      expect(await gateway.deleteFiles(planFor('team'))).toEqual([]);
      expect(harness.proxy.writes()).toEqual([]);
    } finally {
      s3.destroy();
    }
  });
});
