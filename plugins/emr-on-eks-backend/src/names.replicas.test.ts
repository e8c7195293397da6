import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { TEAM_A, testConfig } from './__testUtils__/fixtures';
import { SharedCloud, startReplicas } from './__testUtils__/replicaWorld';
import { USERS } from './__testUtils__/testBackend';
import { BASE } from './__testUtils__/apiWorld';

/*
 * Two backend instances on one PostgreSQL database: two teams ask for the
 * same namespace on two clusters at the same moment, each through another
 * replica. The name is locked while onboarding decides who may take it, so
 * one gets it and the other is told it is taken, never both.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const ALICE = mockCredentials.user.header(USERS.alice);
const BOB = mockCredentials.user.header(USERS.bob);

const config = testConfig() as JsonObject;
const [shared] = (config.emrOnEks as any).clusters;
(config.emrOnEks as any).clusters = [
  shared,
  { ...shared, name: 'other', eksClusterName: 'other-data' },
];

(databases.eachSupportedId().length > 0 || process.env.CI
  ? describe
  : describe.skip)('tenant names on two replicas', () => {
  it('gives a namespace to one owner when two ask through two replicas at once', async () => {
    const knex = await databases.init('POSTGRES_15');
    const world = await startReplicas({
      knex,
      config,
      cloud: new SharedCloud(),
    });
    try {
      const [A, B] = world.replicas;
      for (let round = 0; round < 5; round++) {
        const namespace = `contested-${round}`;
        const answers = await Promise.all([
          A.api()
            .post(`${BASE}/tenants`)
            .set('Authorization', ALICE)
            .send({
              ...TEAM_A,
              name: `alpha-${round}`,
              namespace,
              dataAccess: [],
            }),
          B.api()
            .post(`${BASE}/tenants`)
            .set('Authorization', BOB)
            .send({
              ...TEAM_A,
              name: `bravo-${round}`,
              owner: 'group:default/team-b',
              cluster: 'other',
              namespace,
              dataAccess: [],
            }),
        ]);
        expect(answers.map(a => a.status).sort()).toEqual([202, 409]);
        expect(answers.find(a => a.status === 409)!.body.error.message).toBe(
          `namespace: "${namespace}" is taken by another owner's tenant; choose another namespace`,
        );
      }
    } finally {
      await world.stop();
    }
  });
});
