import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import { TEAM_A } from './__testUtils__/fixtures';
import {
  computeRow,
  startWithScriptedCosts,
} from './__testUtils__/scriptedCosts';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { asOf } from './__testUtils__/timeTravel';
import { BASE, as } from './__testUtils__/apiWorld';

/*
 * Budgets and forecasts through the API, fast tier: the real plugin, router,
 * permission framework and stores on SQLite, with scripted cost sources.
 * Admins set budgets (the guardrails permission); a tenant's cost readers
 * read them and the forecast; others get 404.
 */

jest.setTimeout(60_000);

const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);
const TEAM_B = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  dataAccess: [],
};
const TODAY = new Date().toISOString().slice(0, 10);
const MONTH = TODAY.slice(0, 7);
const at = (day: string) => new Date(`${day}T09:00:00Z`);

type World = Awaited<ReturnType<typeof startWithScriptedCosts>>;

async function onboard(world: World, body: object, user: string) {
  const res = await world
    .api()
    .post(`${BASE}/tenants`)
    .set('Authorization', user)
    .send(body);
  expect(res.status).toBe(202);
  return waitForTenant(world.server, res.body.name, ['Ready'], ADMIN);
}

const budgetNotifications = (world: World) =>
  world.notifications.filter(n => n.payload.topic === 'emr-on-eks:budgets');

describe('budgets API', () => {
  let world: World;
  let teamA: { uid: string; status: { namespace: string } };

  beforeAll(async () => {
    world = await startWithScriptedCosts();
    [teamA] = await asOf(at(addCostDays(TODAY, -20)), () =>
      Promise.all([onboard(world, TEAM_A, ALICE), onboard(world, TEAM_B, BOB)]),
    );
    // team-a: 6 a day for the 20 days before today, and today so far.
    world.script.compute = Array.from({ length: 21 }, (_, i) =>
      computeRow(addCostDays(TODAY, i - 20), {
        namespace: teamA.status.namespace,
        amount: 6,
      }),
    );
    await world
      .api()
      .post(`${BASE}/costs/refresh?from=${addCostDays(TODAY, -20)}&to=${TODAY}`)
      .set('Authorization', ADMIN)
      .expect(200);
  });

  it('starts without a budget, and a forecast without a status', async () => {
    const budget = await world
      .api()
      .get(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(budget.body).toEqual({ budget: null });
    const forecast = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs/forecast`)
      .set('Authorization', ALICE)
      .expect(200);
    const day = Number(TODAY.slice(8, 10));
    expect(forecast.body).toMatchObject({
      tenant: 'team-a',
      tenantUid: teamA.uid,
      month: MONTH,
      currency: 'USD',
      asOf: TODAY,
      daysElapsed: day,
      monthToDate: { total: 6 * day, billed: 6 * day, estimated: 0 },
      budget: null,
      status: null,
    });
    // 6 a day every day: the forecast is the month at 6 a day, no band.
    expect(forecast.body.forecast.amount).toBeCloseTo(
      6 * forecast.body.daysInMonth,
      9,
    );
    expect(
      forecast.body.forecast.high - forecast.body.forecast.low,
    ).toBeLessThan(1e-9);
  });

  it('lets an admin set a budget, which the tenant’s readers read with the forecast', async () => {
    const set = await world
      .api()
      .put(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ADMIN)
      .send({ amount: 120, currency: 'USD' })
      .expect(200);
    expect(set.body).toMatchObject({
      tenant: 'team-a',
      tenantUid: teamA.uid,
      amount: 120,
      currency: 'USD',
      thresholds: [50, 80, 100],
      updatedBy: USERS.admin,
    });
    const read = await world
      .api()
      .get(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(read.body).toEqual({ budget: set.body });
    const forecast = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs/forecast?month=${MONTH}`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(forecast.body.budget).toEqual(set.body);
    // A month at 6 a day is at least 168: over 120 by the forecast.
    expect(forecast.body.status).toMatchObject({
      state: forecast.body.monthToDate.total >= 120 ? 'over' : 'at-risk',
    });
    expect(forecast.body.status.crossed.map((c: any) => c.threshold)).toEqual([
      50, 80, 100,
    ]);
  });

  it('answers 404 to who may not read the tenant’s costs', async () => {
    for (const path of ['budget', 'costs/forecast']) {
      const res = await world
        .api()
        .get(`${BASE}/tenants/team-a/${path}`)
        .set('Authorization', BOB);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('tenant team-a not found');
    }
    await world
      .api()
      .get(`${BASE}/tenants/nobody/budget`)
      .set('Authorization', ADMIN)
      .expect(404);
  });

  it('refuses budget changes to all but admins: 403 to readers, 404 to others', async () => {
    const body = { amount: 1, currency: 'USD' };
    const alice = await world
      .api()
      .put(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ALICE)
      .send(body);
    expect(alice.status).toBe(403);
    expect(alice.body.error.message).toContain(
      'emr-on-eks.tenant.guardrails.update',
    );
    await world
      .api()
      .put(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', BOB)
      .send(body)
      .expect(404);
    await world
      .api()
      .delete(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ALICE)
      .expect(403);
    const read = await world
      .api()
      .get(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(read.body.budget.amount).toBe(120);
  });

  it.each([
    [{ amount: -1, currency: 'USD' }, 'amount: must be more than 0'],
    [{ amount: 0.001, currency: 'USD' }, 'amount: must be at least 0.01'],
    [{ amount: 'lots', currency: 'USD' }, 'amount'],
    [{ amount: 10, currency: 'usd' }, 'currency: must be an ISO 4217 code'],
    [{ amount: 10, currency: 'EUR' }, 'currency: the bill is in USD'],
    [{ amount: 10, currency: 'USD', thresholds: [0] }, 'thresholds.0'],
    [{ amount: 10, currency: 'USD', thresholds: [] }, 'thresholds'],
    [{ amount: 10, currency: 'USD', extra: 1 }, 'extra'],
    [{ currency: 'USD' }, 'amount'],
    [[], 'Invalid budget'],
  ])(
    'refuses the body %j with a 400 naming %p, changing nothing',
    async (body, named) => {
      const res = await world
        .api()
        .put(`${BASE}/tenants/team-a/budget`)
        .set('Authorization', ADMIN)
        .send(body as object);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(named);
      const read = await world
        .api()
        .get(`${BASE}/tenants/team-a/budget`)
        .set('Authorization', ADMIN)
        .expect(200);
      expect(read.body.budget).toMatchObject({
        amount: 120,
        thresholds: [50, 80, 100],
      });
    },
  );

  it('refuses a month not begun or badly written, and gives a past month its total', async () => {
    const next = addCostDays(`${MONTH}-28`, 7).slice(0, 7);
    const future = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs/forecast?month=${next}`)
      .set('Authorization', ALICE);
    expect(future.status).toBe(400);
    expect(future.body.error.message).toContain(`month: ${next} has not begun`);
    const bad = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs/forecast?month=2026-13`)
      .set('Authorization', ALICE);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('month: must be a month');
    const previous = addCostDays(`${MONTH}-01`, -1);
    const past = await world
      .api()
      .get(
        `${BASE}/tenants/team-a/costs/forecast?month=${previous.slice(0, 7)}`,
      )
      .set('Authorization', ALICE)
      .expect(200);
    // The rows before this month: 6 a day from 20 days ago.
    const days = Math.max(0, 20 - (Number(TODAY.slice(8, 10)) - 1));
    expect(past.body).toMatchObject({
      asOf: previous,
      monthToDate: { total: 6 * days },
      forecast: { amount: 6 * days, low: 6 * days, high: 6 * days },
    });
  });

  it('alerts the owner once per threshold after the scheduled rollup', async () => {
    const task = world.scheduledTasks.find(
      t => t.id === 'emr-on-eks-cost-rollup',
    )!;
    const before = budgetNotifications(world).length;
    await task.fn(new AbortController().signal);
    const sent = budgetNotifications(world).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'group:default/team-a' },
      payload: {
        link: '/catalog/default/resource/team-a',
        severity: 'high',
        topic: 'emr-on-eks:budgets',
      },
    });
    expect(sent[0].payload.description).toContain('budget 120.00 USD');
    expect(sent[0].payload.description).toMatch(/50 % .*80 % .*100 %/);
    // The next rollup sends nothing more this month.
    await task.fn(new AbortController().signal);
    expect(budgetNotifications(world).slice(before)).toHaveLength(1);
  });

  it('lets an admin delete a budget', async () => {
    const res = await world
      .api()
      .delete(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(res.body).toEqual({ budget: null });
    const read = await world
      .api()
      .get(`${BASE}/tenants/team-a/budget`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(read.body).toEqual({ budget: null });
  });

  it('starts a name onboarded again without the budget of the one before', async () => {
    await world
      .api()
      .put(`${BASE}/tenants/team-b/budget`)
      .set('Authorization', ADMIN)
      .send({ amount: 50, currency: 'USD', thresholds: [90] })
      .expect(200);
    await world
      .api()
      .delete(`${BASE}/tenants/team-b`)
      .set('Authorization', BOB)
      .expect(202);
    await waitForTenant(world.server, 'team-b', ['gone'], ADMIN);
    await world
      .api()
      .get(`${BASE}/tenants/team-b/budget`)
      .set('Authorization', BOB)
      .expect(404);
    await onboard(world, TEAM_B, BOB);
    const read = await world
      .api()
      .get(`${BASE}/tenants/team-b/budget`)
      .set('Authorization', BOB)
      .expect(200);
    expect(read.body).toEqual({ budget: null });
  });
});
