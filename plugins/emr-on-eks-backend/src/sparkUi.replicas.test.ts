import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { DAILY_SALES, TEAM_A, testConfig } from './__testUtils__/fixtures';
import {
  Replica,
  SharedCloud,
  startReplicas,
} from './__testUtils__/replicaWorld';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE } from './__testUtils__/apiWorld';

/*
 * Issue 19, part 2, on two backend replicas sharing one PostgreSQL database
 * and one cloud (whose calls take a little time, so requests overlap):
 * requests for a run's Spark UI sent through both at once make one
 * persistent app UI between them, and every answer links to it.
 *
 * SQLite cannot be shared by two processes, so this suite needs PostgreSQL.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const ALICE = mockCredentials.user.header(USERS.alice);
const ADMIN = mockCredentials.user.header(USERS.admin);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

describe.each(databases.eachSupportedId())(
  'the Spark UI on two replicas, on %p',
  databaseId => {
    let cloud: SharedCloud;
    let world: Awaited<ReturnType<typeof startReplicas>>;
    let A: Replica;
    let B: Replica;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      cloud = new SharedCloud(5);
      world = await startReplicas({
        knex,
        config: testConfig(),
        cloud,
        staggered: true,
      });
      [A, B] = world.replicas;
      await A.api()
        .post(`${BASE}/tenants`)
        .set('Authorization', ALICE)
        .send(TEAM_A)
        .expect(202);
      await waitForTenant(B.server, 'team-a', ['Ready'], ADMIN);
    });

    afterAll(async () => {
      await world?.stop();
    });

    it('makes one UI per run for requests through both at once, all answered with it', async () => {
      for (const name of ['spark-ui-1', 'spark-ui-2', 'spark-ui-3']) {
        const submitted = await A.api()
          .post(`${BASE}/tenants/team-a/job-runs`)
          .set('Authorization', ALICE)
          .send({ ...SALES, name, idempotencyKey: name })
          .expect(201);
        const answers = await Promise.all(
          [A, B, A, B, A, B, A, B].map(replica =>
            replica
              .api()
              .post(`${BASE}/job-runs/${submitted.body.id}/spark-ui`)
              .set('Authorization', ALICE),
          ),
        );
        expect(answers.map(res => res.status)).toEqual(Array(8).fill(200));
        expect(new Set(answers.map(res => res.body.url)).size).toBe(1);
      }
      const creates = cloud.calls('sparkUi.createForJobRun');
      expect(creates).toHaveLength(3);
      // Both replicas took part in answering; which one created is chance.
      expect(new Set(creates.map(call => call.tenant))).toEqual(
        new Set(['team-a']),
      );
      expect(
        new Set(cloud.calls('sparkUi.presignedUrl').map(c => c.replica)),
      ).toEqual(new Set(['A', 'B']));
    });
  },
);
