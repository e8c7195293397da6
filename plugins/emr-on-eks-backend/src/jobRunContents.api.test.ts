import { mockCredentials } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import {
  DAILY_SALES,
  TEAM_A,
  TEST_GUARDRAILS,
  testConfig,
} from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, startApiWorld } from './__testUtils__/apiWorld';

/*
 * Issue 17, "what runs in a tenant's pods", through the real router: an
 * image outside guardrails.allowedImages and a URI with glob characters are
 * a 400 naming the field and the rule, on submission and on dry run, and
 * nothing reaches EMR or the runs table.
 */

jest.setTimeout(60_000);

const ALICE = mockCredentials.user.header(USERS.alice);
const ADMIN = mockCredentials.user.header(USERS.admin);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const RELEASE_IMAGE =
  '755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/emr-7.5.0:latest';

async function startWith(guardrails: JsonObject = TEST_GUARDRAILS) {
  const backend = await startApiWorld({ config: testConfig({ guardrails }) });
  const { cluster, api } = backend;
  await api()
    .post(`${BASE}/tenants`)
    .set('Authorization', ALICE)
    .send(TEAM_A)
    .expect(202);
  await waitForTenant(backend.server, 'team-a', ['Ready'], ADMIN);
  return { backend, cluster, api };
}

describe('what runs in a tenant’s pods, through the router (fast tier)', () => {
  let world: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    world = await startWith();
  });

  afterAll(async () => {
    await world?.backend.stop();
  });

  /** Submits and dry-runs `body`: the status and message of each answer. */
  async function submitAndDryRun(body: object) {
    const answers = [];
    for (const dryRun of [false, true]) {
      const res = await world
        .api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .query(dryRun ? { dryRun: 'true' } : {})
        .set('Authorization', ALICE)
        .send({ ...SALES, ...body });
      answers.push({
        dryRun,
        status: res.status,
        message: res.body.error?.message,
      });
    }
    return answers;
  }

  /** Both answers a 400 whose message contains `parts`, in this order. */
  const refusedWith = (...parts: string[]) =>
    [false, true].map(dryRun => ({
      dryRun,
      status: 400,
      message: expect.stringMatching(
        new RegExp(parts.map(escapeRegExp).join('[^]*')),
      ),
    }));

  /** What reached EMR and the runs table. */
  async function whatRan() {
    const runs = await world
      .api()
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .expect(200);
    return {
      started: world.cluster.started.length,
      runs: runs.body.items.length,
    };
  }

  it.each([
    'spark.kubernetes.container.image',
    'spark.kubernetes.driver.container.image',
    'spark.kubernetes.executor.container.image',
  ])(
    'refuses %s from another registry, naming the key and the allowed list',
    async key => {
      const image = `evil.example.com/x@sha256:${'0'.repeat(64)}`;
      expect(await submitAndDryRun({ sparkConf: { [key]: image } })).toEqual(
        // The list's account id is redacted as in every answer; the log keeps it.
        refusedWith(
          `sparkConf.${key}: ${image} is not in an image repository this cluster allows (guardrails.allowedImages: <account-id>.dkr.ecr.us-east-1.amazonaws.com/spark/)`,
        ),
      );
      expect(await whatRan()).toEqual({ started: 0, runs: 0 });
    },
  );

  it.each([
    [
      'a look-alike host',
      '755674844232.dkr.ecr.us-east-1.amazonaws.com.evil.com/spark/emr-7.5.0:latest',
      'is not in an image repository',
    ],
    [
      'a sibling repository',
      '755674844232.dkr.ecr.us-east-1.amazonaws.com/spark-evil/emr-7.5.0:latest',
      'is not in an image repository',
    ],
    [
      'an upper-case host',
      RELEASE_IMAGE.toUpperCase(),
      'is not an image reference',
    ],
    ['user info', `user@${RELEASE_IMAGE}`, 'is not an image reference'],
    ['a trailing space', `${RELEASE_IMAGE} `, 'is not an image reference'],
  ])('refuses an image with %s', async (_what, image, message) => {
    expect(
      await submitAndDryRun({
        sparkConf: { 'spark.kubernetes.container.image': image },
      }),
    ).toEqual(
      refusedWith(`sparkConf.spark.kubernetes.container.image: `, message),
    );
    expect(await whatRan()).toEqual({ started: 0, runs: 0 });
  });

  it.each([
    ['entryPoint', { entryPoint: 's3://data-lake/team-a/jobs/*.py' }],
    [
      'entryPointArguments.1',
      { entryPointArguments: ['--in', 's3://data-lake/team-a/in/{a,b}/'] },
    ],
    [
      'sparkConf.spark.jars',
      { sparkConf: { 'spark.jars': 's3://data-lake/team-a/lib/?.jar' } },
    ],
    [
      'sparkConf.spark.sql.warehouse.dir',
      {
        sparkConf: {
          'spark.sql.warehouse.dir': 's3://data-lake/team-a/wh/[0-9]/',
        },
      },
    ],
  ])('refuses a glob in %s, saying why', async (path, body) => {
    expect(await submitAndDryRun(body)).toEqual(
      refusedWith(
        `${path}: s3://data-lake/team-a/`,
        'which Hadoop and Spark expand into every matching path, so the pattern could reach beyond the path that was checked',
      ),
    );
    expect(await whatRan()).toEqual({ started: 0, runs: 0 });
  });

  it('accepts the region’s release image on all three keys', async () => {
    const res = await world
      .api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .query({ dryRun: 'true' })
      .set('Authorization', ALICE)
      .send({
        ...SALES,
        sparkConf: {
          'spark.kubernetes.container.image': RELEASE_IMAGE,
          'spark.kubernetes.driver.container.image': RELEASE_IMAGE,
          'spark.kubernetes.executor.container.image': RELEASE_IMAGE,
        },
      });
    expect(res.status).toBe(200);
    const defaults =
      res.body.startJobRun.configurationOverrides.applicationConfiguration[0]
        .properties;
    expect(defaults['spark.kubernetes.executor.container.image']).toBe(
      RELEASE_IMAGE,
    );
  });
});

describe('guardrails.allowedImages from config, through the router (fast tier)', () => {
  it('allows images below a configured prefix, and names the list when refusing', async () => {
    const custom = 'registry.example.com/spark-custom/';
    const world = await startWith({
      ...TEST_GUARDRAILS,
      allowedImages: [custom],
    });
    try {
      const ok = await world
        .api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send({
          ...SALES,
          sparkConf: {
            'spark.kubernetes.container.image': `${custom}team-a:1.2`,
          },
        });
      expect(ok.status).toBe(201);
      const refused = await world
        .api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send({
          ...SALES,
          idempotencyKey: 'release-image',
          sparkConf: { 'spark.kubernetes.container.image': RELEASE_IMAGE },
        });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(
        `Invalid job run: sparkConf.spark.kubernetes.container.image: <account-id>.dkr.ecr.us-east-1.amazonaws.com/spark/emr-7.5.0:latest is not in an image repository this cluster allows (guardrails.allowedImages: ${custom}); use an image from one of them, or ask the platform team to add its repository`,
      );
      expect(world.cluster.started).toHaveLength(1);
    } finally {
      await world.backend.stop();
    }
  });
});
