import {
  addCostDays,
  type CostOverview,
  type CostReport,
} from '@spot-spark/plugin-emr-on-eks-common';
import { TEAM_A } from './__testUtils__/fixtures';
import {
  computeRow,
  startWithScriptedCosts,
} from './__testUtils__/scriptedCosts';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { asOf } from './__testUtils__/timeTravel';
import { BASE, as } from './__testUtils__/apiWorld';

/*
 * The admin's cost overview and a Group's costs through the API, fast tier,
 * with scripted cost sources. team-a (alice's group) lives in the previous
 * month, is offboarded and onboarded again under the same owner; team-b is
 * bob's. The figures are worked out by hand from the scripted bill.
 */

jest.setTimeout(60_000);

const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);

const TODAY = new Date().toISOString().slice(0, 10);
const MONTH = TODAY.slice(0, 7);
const FIRST = `${MONTH}-01`;
/** A day of the previous month. */
const PREV_DAY = `${addCostDays(FIRST, -1).slice(0, 7)}-15`;
const PREV_MONTH = PREV_DAY.slice(0, 7);
const at = (day: string, time: string) => new Date(`${day}T${time}Z`);

const TEAM_B = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  dataAccess: [],
};

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

describe('the admin’s cost overview and a Group’s costs', () => {
  let world: World;
  let oldA: { uid: string };
  let newA: { uid: string };
  let teamB: { uid: string };

  beforeAll(async () => {
    world = await startWithScriptedCosts();
    const [a, b] = await asOf(at(addCostDays(PREV_DAY, -10), '09:00:00'), () =>
      Promise.all([onboard(world, TEAM_A, ALICE), onboard(world, TEAM_B, BOB)]),
    );
    oldA = a;
    teamB = b;
    // team-a leaves the day after PREV_DAY and comes back the day after.
    await asOf(at(addCostDays(PREV_DAY, 1), '10:00:00'), async () => {
      await world
        .api()
        .delete(`${BASE}/tenants/team-a`)
        .set('Authorization', ALICE)
        .expect(202);
      await waitForTenant(world.server, 'team-a', ['gone'], ADMIN);
    });
    const a2 = await asOf(at(addCostDays(PREV_DAY, 2), '10:00:00'), () =>
      onboard(world, TEAM_A, ALICE),
    );
    newA = a2;
    const vc = (t: any) => t.status.virtualClusterId as string;
    world.script.uplift = {
      completeThrough: TODAY,
      rows: [
        {
          date: PREV_DAY,
          virtualClusterId: vc(a),
          emrJobRunId: 'a0',
          amount: 10,
        },
        {
          date: PREV_DAY,
          virtualClusterId: vc(b),
          emrJobRunId: 'b0',
          amount: 4,
        },
        {
          date: FIRST,
          virtualClusterId: vc(a2),
          emrJobRunId: 'a1',
          amount: 15,
        },
        { date: FIRST, virtualClusterId: vc(b), emrJobRunId: 'b1', amount: 3 },
        {
          date: FIRST,
          virtualClusterId: 'foreignvc',
          emrJobRunId: 'x',
          amount: 50,
        },
      ],
    };
    world.script.compute = [
      computeRow(FIRST, {
        namespace: a2.status.namespace,
        virtualClusterId: vc(a2),
        emrJobRunId: 'a1',
        amount: 4,
        onDemandAmount: 8,
      }),
      computeRow(FIRST, {
        namespace: a2.status.namespace,
        virtualClusterId: vc(a2),
        emrJobRunId: 'a1',
        capacityType: 'on-demand',
        amount: 2,
      }),
      computeRow(FIRST, { allocation: 'idle', amount: 6 }),
    ];
    await world
      .api()
      .post(`${BASE}/costs/refresh?from=${PREV_DAY}&to=${TODAY}`)
      .set('Authorization', ADMIN)
      .expect(200);
  });

  async function overview(query = `month=${MONTH}`): Promise<CostOverview> {
    const res = await world
      .api()
      .get(`${BASE}/costs/overview?${query}`)
      .set('Authorization', ADMIN);
    expect(res.status).toBe(200);
    return res.body;
  }

  it('shows admins every tenant side by side: change, Spot, idle and unallocated', async () => {
    const result = await overview();
    expect(result).toMatchObject({
      month: MONTH,
      previousMonth: PREV_MONTH,
      currency: 'USD',
      completeThrough: TODAY,
    });
    expect(
      result.rows.map(r => [r.tenant, r.tenantUid, r.total, r.previousTotal]),
    ).toEqual([
      ['__unallocated__', null, 50, 0],
      // 15 uplift + 4 Spot + 2 On-Demand.
      ['team-a', newA.uid, 21, 0],
      ['__idle__', null, 6, 0],
      ['team-b', teamB.uid, 3, 4],
      // The first team-a: its costs fell to nothing when it left.
      ['team-a', oldA.uid, 0, 10],
    ]);
    const row = (uid: string) => result.rows.find(r => r.tenantUid === uid)!;
    expect(row(newA.uid)).toMatchObject({
      offboarded: false,
      owner: 'group:default/team-a',
      compute: 6,
      uplift: 15,
      spotShare: 4 / 6,
      spotSavings: 4,
      change: null,
      budget: null,
      budgetStatus: null,
    });
    expect(row(oldA.uid)).toMatchObject({ offboarded: true, change: -1 });
    expect(row(teamB.uid).change).toBeCloseTo(-0.25, 10);
    expect(result.totals).toMatchObject({
      total: 80,
      previousTotal: 14,
      idle: 6,
      unallocated: 50,
      spotSavings: 4,
    });
    // The current month by default.
    expect((await overview('')).month).toBe(MONTH);
  });

  it('exports the overview as CSV for admins only; others get 404 as for the clusters', async () => {
    const csv = await world
      .api()
      .get(`${BASE}/costs/overview?month=${MONTH}&format=csv`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(
      `cost-overview-${MONTH}.csv`,
    );
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^[\d-]+,__unallocated__,,false,,50\.000000,/);
    for (const user of [ALICE, BOB]) {
      const res = await world
        .api()
        .get(`${BASE}/costs/overview?month=${MONTH}`)
        .set('Authorization', user);
      expect(res.status).toBe(404);
    }
  });

  it('sends the overview gzipped, and a 304 to a browser holding this version', async () => {
    const get = (encoding: string, tag?: string) => {
      const req = world
        .api()
        .get(`${BASE}/costs/overview?month=${MONTH}`)
        .set('Authorization', ADMIN)
        .set('Accept-Encoding', encoding);
      return tag ? req.set('If-None-Match', tag) : req;
    };
    const plain = await get('identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await get('gzip').expect(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    expect(zipped.headers['cache-control']).toBe('private, no-cache');
    // supertest gunzips: the same overview either way, under its own tag.
    expect(zipped.body).toEqual(plain.body);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect((await get('gzip', zipped.headers.etag)).status).toBe(304);
    // The plain tag does not stand for the gzipped body.
    expect((await get('gzip', plain.headers.etag)).status).toBe(200);

    // What the overview shows changes: the old tag no longer matches.
    const budget = `${BASE}/tenants/team-b/budget`;
    await world
      .api()
      .put(budget)
      .set('Authorization', ADMIN)
      .send({ amount: 100, currency: 'USD' })
      .expect(200);
    try {
      const changed = await get('gzip', zipped.headers.etag);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(zipped.headers.etag);
      expect(
        changed.body.rows.find((r: any) => r.tenantUid === teamB.uid).budget,
      ).toBe(100);
    } finally {
      await world.api().delete(budget).set('Authorization', ADMIN).expect(200);
    }
  });

  it('refuses a bad month with a 400 that names the parameter', async () => {
    for (const query of [
      'month=2026-13',
      'month=26-11',
      'month=',
      'tenant=x',
      'format=xml',
    ]) {
      const res = await world
        .api()
        .get(`${BASE}/costs/overview?${query}`)
        .set('Authorization', ADMIN);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toMatch(new RegExp(query.split('=')[0]));
    }
  });

  const ownerCosts = (user: string, query: string) =>
    world
      .api()
      .get(`${BASE}/costs?${query}&from=${PREV_DAY}&to=${TODAY}`)
      .set('Authorization', user);

  it('gives a team its Group’s costs in one request, each incarnation its own row', async () => {
    const alice = await ownerCosts(
      ALICE,
      'ownerRef=group:default/team-a&groupBy=tenant',
    );
    expect(alice.status).toBe(200);
    // The offboarded team-a is for who may read tenant history, not alice.
    expect((alice.body as CostReport).rows).toEqual([
      { tenant: 'team-a', tenantUid: newA.uid, amount: 21, estimated: false },
    ]);
    expect(alice.body.total).toBe(21);
    const admin = await ownerCosts(
      ADMIN,
      // Spelt as a person would: normalised as owners are stored.
      'ownerRef=Group:team-a&groupBy=tenant',
    );
    expect(admin.status).toBe(200);
    expect(
      (admin.body as CostReport).rows.map(r => [
        r.tenant,
        r.tenantUid,
        r.amount,
      ]),
    ).toEqual([
      ['team-a', newA.uid, 21],
      ['team-a', oldA.uid, 10],
    ]);
    const days = await ownerCosts(ALICE, 'ownerRef=group:default/team-a');
    expect(days.body.rows).toEqual([
      { date: FIRST, amount: 21, estimated: false },
    ]);
  });

  it('answers another team’s Group with an empty report, not its costs', async () => {
    const bob = await ownerCosts(
      BOB,
      'ownerRef=group:default/team-a&groupBy=tenant',
    );
    expect(bob.status).toBe(200);
    expect(bob.body).toMatchObject({ total: 0, rows: [] });
    const nobody = await ownerCosts(ALICE, 'ownerRef=group:default/nobody');
    expect(nobody.body).toMatchObject({ total: 0, rows: [] });
  });

  it('refuses a bad owner, or both or neither of entity and owner, with a 400', async () => {
    const cases: Array<[string, RegExp]> = [
      ['ownerRef=component:default/daily-sales', /ownerRef/],
      ['ownerRef=', /ownerRef/],
      ['ownerRef=group:default/team-a&groupBy=week', /groupBy/],
      [
        'ownerRef=group:default/team-a&entityRef=component:default/x',
        /exactly one/,
      ],
      ['groupBy=tenant', /entityRef, ownerRef/],
      // Grouping by tenant is an owner's report's, not an entity's.
      ['entityRef=component:default/x&groupBy=tenant', /groupBy/],
    ];
    for (const [query, message] of cases) {
      const res = await world
        .api()
        .get(`${BASE}/costs?${query}`)
        .set('Authorization', ALICE);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
  });
});
