import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ADMIN,
  ALICE,
  as,
  badInputCases,
  BASE,
  CORPUS_BUDGET,
  CORPUS_JOB_RUN,
  CORPUS_TENANTS,
  expectRefusal,
  sendCase,
} from './__testUtils__/badInputCorpus';
import { testConfig } from './__testUtils__/fixtures';
import { MemoryCluster } from './__testUtils__/memoryGateways';
import {
  startEmrOnEksBackend,
  waitForTenant,
} from './__testUtils__/testBackend';
import { createEmrOnEksPlugin } from './plugin';

/*
 * Issue 8, section 3 ("Input at every edge"): the bad-input corpus
 * (`__testUtils__/badInputCorpus.ts`) run through the real backend (router,
 * permission framework, services, stores) on the in-memory gateways. Every
 * case must be answered with a 4xx, never a 5xx, with a message that names
 * the field; and afterwards there is no new tenant or run, no tenant changed,
 * and no call reached the cluster. badInput.moto.test.ts runs the same corpus
 * on the real gateways, counting AWS calls on the wire and hashing the GitOps
 * directory.
 *
 * The corpus runs on SQLite, and on PostgreSQL when one is configured
 * (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING): PostgreSQL refuses
 * strings longer than a column, which SQLite stores silently, so an uncapped
 * field shows up there as a 500.
 */

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const CASES = badInputCases();

async function startWithTenants(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const cluster = new MemoryCluster();
  const backend = await startEmrOnEksBackend(
    testConfig(),
    [mockServices.database.factory({ knex, migrations: { skip: false } })],
    createEmrOnEksPlugin({ createGateways: () => cluster }),
  );
  const api = () => request(backend.server);
  for (const [body, user] of CORPUS_TENANTS) {
    await api()
      .post(`${BASE}/tenants`)
      .set('Authorization', as(user))
      .send(body)
      .expect(202);
    const tenant = await waitForTenant(
      backend.server,
      body.name,
      ['Ready', 'Failed'],
      ADMIN,
    );
    expect(tenant.status.phase).toBe('Ready');
  }
  await api()
    .post(`${BASE}/tenants/team-a/job-runs`)
    .set('Authorization', ALICE)
    .send(CORPUS_JOB_RUN)
    .expect(201);
  await api()
    .put(`${BASE}/tenants/team-a/budget`)
    .set('Authorization', ADMIN)
    .send(CORPUS_BUDGET)
    .expect(200);
  return { backend, cluster, api };
}

describe.each(databases.eachSupportedId())('bad input on %s', databaseId => {
  let world: Awaited<ReturnType<typeof startWithTenants>>;
  let before: unknown;

  /**
   * What must not change: the tenants (with their generations), the runs,
   * team-a's budget (with who set it when), the cluster's calls.
   */
  async function snapshot() {
    const tenants = await world
      .api()
      .get(`${BASE}/tenants`)
      .set('Authorization', ADMIN);
    const runs = await world
      .api()
      .get(`${BASE}/job-runs?limit=200`)
      .set('Authorization', ADMIN);
    const budget = await world
      .api()
      .get(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ADMIN);
    return {
      tenants: tenants.body.items.map((t: any) => [
        t.name,
        t.generation,
        t.spec,
      ]),
      runs: runs.body.items.map((r: any) => [r.id, r.state, r.updatedAt]),
      budget: budget.body.budget,
      calls: [...world.cluster.calls],
    };
  }

  beforeAll(async () => {
    world = await startWithTenants(databaseId);
    before = await snapshot();
  });

  afterAll(async () => {
    await world?.backend.stop();
  });

  it.each([
    'component:default/daily-sales',
    'Component:Default/Daily-Sales',
    'COMPONENT:daily-sales',
  ])('finds the run by ?entityRef=%s, whatever its case', async ref => {
    const res = await world
      .api()
      .get(`${BASE}/job-runs`)
      .query({ entityRef: ref })
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: any) => r.entityRef)).toEqual([
      'component:default/daily-sales',
    ]);
  });

  it('has the corpus the issue asks for (250+ cases)', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(250);
  });

  it('starts with the budget the corpus must leave as it is', () => {
    expect((before as any).budget).toMatchObject({
      tenant: 'team-a',
      ...CORPUS_BUDGET,
    });
  });

  it.each(CASES)(
    '%s: 4xx naming the field, nothing stored or called',
    async (_label, c) => {
      expectRefusal(await sendCase(world.backend.server, c), c);
      expect(await snapshot()).toEqual(before);
    },
  );
});
