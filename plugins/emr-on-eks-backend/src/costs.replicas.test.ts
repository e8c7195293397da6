import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import type { JsonObject } from '@backstage/types';
import type { UpliftRow } from './domain/costs/types';
import { TEAM_A, testConfig } from './__testUtils__/fixtures';
import { SharedCloud, startReplicas } from './__testUtils__/replicaWorld';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { asOf } from './__testUtils__/timeTravel';
import { BASE } from './__testUtils__/apiWorld';

/*
 * Chargeback on two backend instances sharing one PostgreSQL database: an
 * admin's refreshes and the schedule may roll up overlapping days on both at
 * once. Each rollup replaces its days under a lock on them, so the figures
 * are those of one rollup, never the sum of two, and both answer the same.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const ADMIN = mockCredentials.user.header(USERS.admin);
const ALICE = mockCredentials.user.header(USERS.alice);
const TODAY = new Date().toISOString().slice(0, 10);
const FROM = addCostDays(TODAY, -9);

const config = testConfig() as JsonObject;
(config.emrOnEks as JsonObject).costs = {
  duckdb: { curPath: 'unused/*.csv', kubecostPath: 'unused/*.csv' },
};

(databases.eachSupportedId().length > 0 || process.env.CI
  ? describe
  : describe.skip)('chargeback on two replicas', () => {
  it('rolls up overlapping days on both at once without counting anything twice', async () => {
    const knex = await databases.init('POSTGRES_15');
    let vc = '';
    // Ten days of the bill, one uplift line of 1.0 a day, and 0.5 of
    // compute; every source call takes a moment, so rollups overlap.
    const uplift = async () => {
      await new Promise(resolve => setTimeout(resolve, 20));
      const rows: UpliftRow[] = Array.from({ length: 10 }, (_, i) => ({
        date: addCostDays(FROM, i),
        virtualClusterId: vc,
        emrJobRunId: `job${i}`,
        amount: 1,
      }));
      return { rows, completeThrough: TODAY };
    };
    const world = await startReplicas({
      knex,
      config,
      cloud: new SharedCloud(),
      createCostSources: async () => ({
        uplift: { uplift },
        compute: { source: 'kubecost', compute: async () => [] },
        close: async () => {},
      }),
    });
    try {
      const [A, B] = world.replicas;
      // Onboarded the day before the bill starts.
      const tenant = await asOf(
        new Date(`${addCostDays(FROM, -1)}T09:00:00Z`),
        async () => {
          await A.api()
            .post(`${BASE}/tenants`)
            .set('Authorization', ADMIN)
            .send(TEAM_A)
            .expect(202);
          return waitForTenant(A.server, 'team-a', ['Ready'], ADMIN);
        },
      );
      vc = tenant.status.virtualClusterId;

      const ranges = [
        [FROM, TODAY],
        [addCostDays(FROM, 3), TODAY],
        [FROM, addCostDays(FROM, 6)],
        [addCostDays(FROM, 2), addCostDays(FROM, 8)],
      ];
      const answers = await Promise.all(
        [A, B].flatMap(replica =>
          ranges.map(([from, to]) =>
            replica
              .api()
              .post(`${BASE}/costs/refresh?from=${from}&to=${to}`)
              .set('Authorization', ADMIN),
          ),
        ),
      );
      expect(answers.map(res => res.status)).toEqual(answers.map(() => 200));
      // The scheduled rollup on both, at the same time as well.
      await Promise.all(
        [A, B].map(replica =>
          replica.scheduledTasks
            .find(task => task.id === 'emr-on-eks-cost-rollup')!
            .fn(new AbortController().signal),
        ),
      );

      const reports = await Promise.all(
        [A, B].map(replica =>
          replica
            .api()
            .get(`${BASE}/tenants/team-a/costs?from=${FROM}&to=${TODAY}`)
            .set('Authorization', ALICE),
        ),
      );
      for (const report of reports) {
        expect(report.status).toBe(200);
        expect(report.body.total).toBe(10);
        expect(report.body.rows).toHaveLength(10);
        expect(
          report.body.rows.every((r: { amount: number }) => r.amount === 1),
        ).toBe(true);
      }
      expect(reports[1].body).toEqual(reports[0].body);
    } finally {
      await world.stop();
    }
  });
});
