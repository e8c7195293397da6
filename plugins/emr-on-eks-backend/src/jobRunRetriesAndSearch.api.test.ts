import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DAILY_SALES,
  TEAM_A,
  TEST_GUARDRAILS,
  testConfig,
} from './__testUtils__/fixtures';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE, startApiWorld } from './__testUtils__/apiWorld';

/*
 * Issue 19, part 3 (retries) and the name search of the run lists, through
 * the real router and SQLite (fast tier, in-memory EMR).
 */

jest.setTimeout(60_000);

const ALICE = mockCredentials.user.header(USERS.alice);
const BOB = mockCredentials.user.header(USERS.bob);
const ADMIN = mockCredentials.user.header(USERS.admin);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

describe('retries and the name search, through the router (fast tier)', () => {
  let world: Awaited<ReturnType<typeof startApiWorld>>;

  beforeAll(async () => {
    world = await startApiWorld({
      config: testConfig({ guardrails: { ...TEST_GUARDRAILS, maxRetries: 3 } }),
    });
    await world
      .api()
      .post(`${BASE}/tenants`)
      .set('Authorization', ALICE)
      .send(TEAM_A)
      .expect(202);
    await waitForTenant(world.server, 'team-a', ['Ready'], ADMIN);
  });

  afterAll(async () => {
    await world?.stop();
  });

  const submit = (body: object, dryRun = false) =>
    world
      .api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .query(dryRun ? { dryRun: 'true' } : {})
      .set('Authorization', ALICE)
      .send({ ...SALES, ...body });

  describe('retries', () => {
    it('shows the retry policy in the dry run and sends it with the run', async () => {
      const dry = await submit({ retries: 2 }, true);
      expect(dry.status).toBe(200);
      expect(dry.body.startJobRun.retryPolicyConfiguration).toEqual({
        maxAttempts: 3,
      });
      const started = world.cluster.started.length;
      await submit({ retries: 2, idempotencyKey: 'retries-2' }).expect(201);
      expect(world.cluster.started.slice(started)).toEqual([
        expect.objectContaining({
          retryPolicyConfiguration: { maxAttempts: 3 },
        }),
      ]);
    });

    it('sends no retry policy without retries', async () => {
      const dry = await submit({}, true);
      expect(dry.body.startJobRun).not.toHaveProperty(
        'retryPolicyConfiguration',
      );
    });

    it('refuses retries above guardrails.maxRetries, and on a release without retries, on submission and dry run', async () => {
      for (const dryRun of [false, true]) {
        const started = world.cluster.started.length;
        const over = await submit(
          { retries: 4, idempotencyKey: `over-${dryRun}` },
          dryRun,
        );
        expect([over.status, over.body.error.message]).toEqual([
          400,
          expect.stringContaining(
            'retries: 4 is more than this cluster allows (guardrails.maxRetries: 3); ask for 3 or fewer',
          ),
        ]);
        const old = await submit(
          {
            retries: 1,
            releaseLabel: 'emr-6.8.0-latest',
            idempotencyKey: `old-${dryRun}`,
          },
          dryRun,
        );
        expect([old.status, old.body.error.message]).toEqual([
          400,
          expect.stringContaining(
            'retries: job retries need EMR 6.9.0 or later, and emr-6.8.0-latest is older',
          ),
        ]);
        expect(world.cluster.started.length).toBe(started);
      }
    });
  });

  describe('the name search', () => {
    beforeAll(async () => {
      for (const name of [
        'Nightly-Orders',
        'nightly_orders',
        'nightlyXorders',
      ]) {
        await submit({ name, idempotencyKey: `search-${name}` }).expect(201);
      }
    });

    const names = (body: { items: Array<{ name: string }> }) =>
      body.items.map(run => run.name).sort();

    it('finds runs by part of the job name, in any case, on every list', async () => {
      const tenantList = await world
        .api()
        .get(`${BASE}/tenants/team-a/job-runs`)
        .query({ name: 'ORDERS' })
        .set('Authorization', ALICE)
        .expect(200);
      expect(names(tenantList.body)).toEqual(
        ['Nightly-Orders', 'nightlyXorders', 'nightly_orders'].sort(),
      );
      const everyList = await world
        .api()
        .get(`${BASE}/job-runs`)
        .query({ name: 'y_o' })
        .set('Authorization', ALICE)
        .expect(200);
      expect(names(everyList.body)).toEqual(['nightly_orders']);
    });

    it('pages through the matches with the cursor', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await world
          .api()
          .get(`${BASE}/job-runs`)
          .query({ name: 'nightly', limit: 1, ...(cursor ? { cursor } : {}) })
          .set('Authorization', ALICE)
          .expect(200);
        seen.push(...page.body.items.map((run: { name: string }) => run.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(
        ['Nightly-Orders', 'nightlyXorders', 'nightly_orders'].sort(),
      );
    });

    it('finds nothing of a tenant the caller may not read', async () => {
      const res = await world
        .api()
        .get(`${BASE}/job-runs`)
        .query({ name: 'nightly' })
        .set('Authorization', BOB)
        .expect(200);
      expect(res.body.items).toEqual([]);
    });

    it('answers 400 naming the parameter for an empty, too long or repeated name', async () => {
      for (const query of [
        'name=',
        `name=${'x'.repeat(65)}`,
        'name=a&name=b',
      ]) {
        const res = await world
          .api()
          .get(`${BASE}/tenants/team-a/job-runs?${query}`)
          .set('Authorization', ALICE);
        expect([query.slice(0, 12), res.status]).toEqual([
          query.slice(0, 12),
          400,
        ]);
        expect(res.body.error.message).toMatch(/^Invalid query: name/);
      }
    });

    // Last: it offboards the tenant.
    it('searches an offboarded tenant’s runs too, and opens their Spark UI for the history readers only', async () => {
      const tenant = await world
        .api()
        .get(`${BASE}/tenants/team-a`)
        .set('Authorization', ALICE)
        .expect(200);
      const found = await world
        .api()
        .get(`${BASE}/tenants/team-a/job-runs`)
        .query({ name: 'y_o' })
        .set('Authorization', ALICE)
        .expect(200);
      await world
        .api()
        .delete(`${BASE}/tenants/team-a`)
        .set('Authorization', ADMIN)
        .expect(202);
      await waitForTenant(world.server, 'team-a', ['gone'], ADMIN);

      const history = await world
        .api()
        .get(`${BASE}/tenant-history/${tenant.body.uid}/job-runs`)
        .query({ name: 'y_o' })
        .set('Authorization', ADMIN)
        .expect(200);
      expect(names(history.body)).toEqual(['nightly_orders']);

      const runId = found.body.items[0].id;
      const spark = (authorization: string) =>
        world
          .api()
          .post(`${BASE}/job-runs/${runId}/spark-ui`)
          .set('Authorization', authorization);
      expect((await spark(ALICE)).status).toBe(404);
      const admin = await spark(ADMIN);
      expect([admin.status, admin.body.url]).toEqual([
        200,
        expect.stringMatching(/^https:\/\//),
      ]);
    });
  });
});
