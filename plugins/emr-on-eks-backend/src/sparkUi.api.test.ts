import { mockCredentials } from '@backstage/backend-test-utils';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, startApiWorld } from './__testUtils__/apiWorld';

/*
 * Issue 19, part 2, through the real router, permission framework and
 * SQLite (fast tier, in-memory EMR): POST /job-runs/:id/spark-ui answers a
 * link to the run's Spark UI for whoever may read the run, makes the UI once,
 * and tells a run EMR has not accepted yet.
 */

jest.setTimeout(60_000);

const ALICE = mockCredentials.user.header(USERS.alice);
const BOB = mockCredentials.user.header(USERS.bob);
const ADMIN = mockCredentials.user.header(USERS.admin);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

describe('POST /job-runs/:id/spark-ui (fast tier)', () => {
  let world: Awaited<ReturnType<typeof startApiWorld>>;
  let runId: string;

  beforeAll(async () => {
    world = await startApiWorld();
    await world
      .api()
      .post(`${BASE}/tenants`)
      .set('Authorization', ALICE)
      .send(TEAM_A)
      .expect(202);
    await waitForTenant(world.server, 'team-a', ['Ready'], ADMIN);
    const submitted = await world
      .api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ALICE)
      .send(SALES)
      .expect(201);
    runId = submitted.body.id;
  });

  afterAll(async () => {
    await world?.stop();
  });

  const openSparkUi = (id: string, authorization = ALICE) =>
    world
      .api()
      .post(`${BASE}/job-runs/${id}/spark-ui`)
      .set('Authorization', authorization);

  const creates = () =>
    world.cluster.calls.filter(call => call === 'sparkUi.createForJobRun')
      .length;

  it('answers the run’s Spark UI link, making the UI for its virtual cluster and EMR job once', async () => {
    const before = creates();
    const first = await openSparkUi(runId);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ url: expect.stringMatching(/^https:\/\//) });
    expect(first.headers['cache-control']).toBe('no-store');
    const run = await world
      .api()
      .get(`${BASE}/job-runs/${runId}`)
      .set('Authorization', ALICE)
      .expect(200);
    expect([...world.cluster.sparkUis.values()]).toContainEqual(
      expect.objectContaining({
        jobRunId: run.body.emrJobRunId,
        virtualClusterArn: expect.stringMatching(
          new RegExp(
            `^arn:aws:emr-containers:us-east-1:\\d{12}:/virtualclusters/${run.body.virtualClusterId}$`,
          ),
        ),
      }),
    );
    // Asked again, and many times at once: the same UI.
    const again = await Promise.all(
      Array.from({ length: 6 }, () => openSparkUi(runId)),
    );
    expect(again.map(res => res.status)).toEqual(Array(6).fill(200));
    expect(new Set(again.map(res => res.body.url))).toEqual(
      new Set([first.body.url]),
    );
    expect(creates() - before).toBe(1);
  });

  it('answers 404 to whoever may not read the run, as for a run that does not exist, making nothing', async () => {
    const before = world.cluster.calls.length;
    const hidden = await openSparkUi(runId, BOB);
    const missing = await openSparkUi(
      '00000000-0000-4000-8000-000000000000',
      BOB,
    );
    const malformed = await openSparkUi('not-a-run', ALICE);
    expect([hidden.status, missing.status, malformed.status]).toEqual([
      404, 404, 404,
    ]);
    expect(hidden.body.error.message).toBe(`job run ${runId} not found`);
    expect(world.cluster.calls.length).toBe(before);
  });

  it('answers 409 with a message for a run EMR has not accepted yet', async () => {
    world.cluster.failing.add('jobRuns.start');
    try {
      await world
        .api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send({ ...SALES, name: 'never-accepted', idempotencyKey: 'k-409' });
    } finally {
      world.cluster.failing.delete('jobRuns.start');
    }
    const listed = await world
      .api()
      .get(`${BASE}/tenants/team-a/job-runs`)
      .query({ name: 'never-accepted' })
      .set('Authorization', ALICE)
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ state: 'SUBMITTING' }),
    ]);
    const res = await openSparkUi(listed.body.items[0].id);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /has no EMR job run yet \(it is SUBMITTING\): its Spark UI can be opened once EMR has accepted it/,
    );
  });
});
