import { TestDatabases } from '@backstage/backend-test-utils';
import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import { USERS } from '../__testUtils__/testBackend';
import {
  ADMIN,
  ALICE,
  BASE,
  BOB,
  TODAY,
  startActionsWorld,
  type ActionsWorld,
} from './__testUtils__/actionsWorld';

/*
 * Issue 21, part 3, fast tier: the cost, forecast, tenant and cluster
 * actions through the actions registry's own HTTP endpoints, on the real
 * plugin and permission framework (see actionsWorld), on SQLite and
 * PostgreSQL, and their audit.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'cost, tenant and cluster actions (registry endpoints) on %s',
  databaseId => {
    let world: ActionsWorld;

    beforeAll(async () => {
      world = await startActionsWorld({
        knex: await databases.init(databaseId),
      });
    });

    afterAll(async () => {
      await world?.backend.stop();
    });

    it('answers a tenant’s and an entity’s costs for its team, and not-found for bob', async () => {
      const from = addCostDays(TODAY, -3);
      const tenant = await world
        .invoke('get-costs', ALICE, {
          tenant: 'team-a',
          from,
          to: TODAY,
          groupBy: ['job'],
        })
        .expect(200);
      // The same report as GET /tenants/team-a/costs answers.
      const rest = await world
        .api()
        .get(
          `${BASE}/tenants/team-a/costs?from=${from}&to=${TODAY}&groupBy=job`,
        )
        .set('Authorization', ALICE)
        .expect(200);
      expect(tenant.body.output).toEqual(rest.body);
      expect(tenant.body.output.total).toBeGreaterThanOrEqual(2.5);
      expect(tenant.body.output.rows).toEqual([
        expect.objectContaining({ emrJobRunId: world.run.emrJobRunId }),
      ]);
      const entity = await world
        .invoke('get-costs', ALICE, {
          entityRef: 'component:default/daily-sales',
          from,
          to: TODAY,
        })
        .expect(200);
      expect(entity.body.output.total).toBe(tenant.body.output.total);

      const hidden = await world
        .invoke('get-costs', BOB, { tenant: 'team-a' })
        .expect(404);
      expect(hidden.body.error.message).toBe('tenant team-a not found');
      const bobsEntity = await world
        .invoke('get-costs', BOB, {
          entityRef: 'component:default/daily-sales',
          from,
          to: TODAY,
        })
        .expect(200);
      expect(bobsEntity.body.output.total).toBe(0);
      expect(bobsEntity.body.output.rows).toEqual([]);

      const backwards = await world
        .invoke('get-costs', ALICE, { tenant: 'team-a', from: TODAY, to: from })
        .expect(400);
      expect(backwards.body.error.message).toMatch(
        /from: must not be after to/,
      );
    });

    it('answers a tenant’s forecast for its team, and not-found for bob', async () => {
      const { body } = await world
        .invoke('get-cost-forecast', ALICE, { tenant: 'team-a' })
        .expect(200);
      expect(body.output).toMatchObject({
        tenant: 'team-a',
        tenantUid: world.teamA.uid,
        month: TODAY.slice(0, 7),
        budget: null,
        status: null,
      });
      await world
        .invoke('get-cost-forecast', BOB, { tenant: 'team-a' })
        .expect(404);
    });

    it('answers a tenant’s status for its team, and not-found for bob', async () => {
      const { body } = await world
        .invoke('get-tenant-status', ALICE, { tenant: 'team-a' })
        .expect(200);
      expect(body.output).toMatchObject({
        name: 'team-a',
        uid: world.teamA.uid,
        owner: 'group:default/team-a',
        phase: 'Ready',
        warnings: [],
      });
      expect(body.output.steps.map((s: any) => s.state)).toEqual(
        body.output.steps.map(() => 'Succeeded'),
      );
      await world
        .invoke('get-tenant-status', BOB, { tenant: 'team-a' })
        .expect(404);
    });

    it('answers the clusters’ preflight to admins only', async () => {
      const { body } = await world
        .invoke('get-cluster-preflight', ADMIN, { cluster: 'shared' })
        .expect(200);
      expect(body.output.items.map((c: any) => c.name)).toEqual(['shared']);
      expect(body.output.items[0].checks.length).toBeGreaterThan(0);
      const alice = await world
        .invoke('get-cluster-preflight', ALICE, {})
        .expect(404);
      expect(alice.body.error.message).toBe('clusters not found');
      await world
        .invoke('get-cluster-preflight', ADMIN, { cluster: 'nope' })
        .expect(404);
    });

    it('audits each call with its actor and outcome', async () => {
      world.audits.length = 0;
      await world
        .invoke('get-tenant-status', ALICE, { tenant: 'team-a' })
        .expect(200);
      await world
        .invoke('get-tenant-status', BOB, { tenant: 'team-a' })
        .expect(404);
      expect(
        world.audits.filter(a => a.eventId === 'action-get-tenant-status'),
      ).toEqual([
        {
          eventId: 'action-get-tenant-status',
          severityLevel: 'low',
          meta: { actor: USERS.alice, tenant: 'team-a' },
          outcome: 'success',
        },
        {
          eventId: 'action-get-tenant-status',
          severityLevel: 'low',
          meta: { actor: USERS.bob, tenant: 'team-a' },
          outcome: 'fail',
          error: 'tenant team-a not found',
        },
      ]);
    });

    it('audits the cost and cluster actions with what their input names', async () => {
      world.audits.length = 0;
      await world
        .invoke('get-costs', ALICE, { tenant: 'team-a', to: TODAY })
        .expect(200);
      await world
        .invoke('get-costs', BOB, {
          entityRef: 'component:default/daily-sales',
        })
        .expect(200);
      await world
        .invoke('get-cost-forecast', ALICE, {
          tenant: 'team-a',
          month: TODAY.slice(0, 7),
        })
        .expect(200);
      await world
        .invoke('get-cost-forecast', BOB, { tenant: 'team-a' })
        .expect(404);
      await world
        .invoke('get-cluster-preflight', ADMIN, { cluster: 'shared' })
        .expect(200);
      await world.invoke('get-cluster-preflight', ALICE, {}).expect(404);
      const low = { severityLevel: 'low' };
      expect(world.audits.filter(a => a.eventId.startsWith('action-'))).toEqual(
        [
          {
            ...low,
            eventId: 'action-get-costs',
            meta: { actor: USERS.alice, tenant: 'team-a', entityRef: null },
            outcome: 'success',
          },
          {
            ...low,
            eventId: 'action-get-costs',
            meta: {
              actor: USERS.bob,
              tenant: null,
              entityRef: 'component:default/daily-sales',
            },
            outcome: 'success',
          },
          {
            ...low,
            eventId: 'action-get-cost-forecast',
            meta: {
              actor: USERS.alice,
              tenant: 'team-a',
              month: TODAY.slice(0, 7),
            },
            outcome: 'success',
          },
          {
            ...low,
            eventId: 'action-get-cost-forecast',
            meta: { actor: USERS.bob, tenant: 'team-a', month: null },
            outcome: 'fail',
            error: 'tenant team-a not found',
          },
          {
            ...low,
            eventId: 'action-get-cluster-preflight',
            meta: { actor: USERS.admin, cluster: 'shared', refresh: false },
            outcome: 'success',
          },
          {
            ...low,
            eventId: 'action-get-cluster-preflight',
            meta: { actor: USERS.alice, cluster: null, refresh: false },
            outcome: 'fail',
            error: 'clusters not found',
          },
        ],
      );
    });
  },
);
