import { addCostDays } from '@spot-spark/plugin-emr-on-eks-common';
import request from 'supertest';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import {
  computeRow,
  startWithScriptedCosts,
} from './__testUtils__/scriptedCosts';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { asOf } from './__testUtils__/timeTravel';
import { BASE, as } from './__testUtils__/apiWorld';

/*
 * Chargeback through the API, fast tier, with scripted cost sources (see
 * startWithScriptedCosts).
 */

jest.setTimeout(30_000);

const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
const TEAM_B = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  dataAccess: [],
};

const TODAY = new Date().toISOString().slice(0, 10);
const D1 = addCostDays(TODAY, -3);
const D2 = addCostDays(TODAY, -2);

const start = startWithScriptedCosts;

type World = Awaited<ReturnType<typeof start>>;

/** team-a and team-b, onboarded a week ago; team-a's run, submitted now. */
async function onboarded(world: World) {
  const [a, b] = await asOf(
    new Date(Date.parse(`${addCostDays(TODAY, -7)}T09:00:00Z`)),
    async () => {
      for (const [body, user] of [
        [TEAM_A, ALICE],
        [TEAM_B, BOB],
      ] as const) {
        await world
          .api()
          .post(`${BASE}/tenants`)
          .set('Authorization', user)
          .send(body)
          .expect(202);
      }
      return [
        await waitForTenant(world.server, 'team-a', ['Ready'], ADMIN),
        await waitForTenant(world.server, 'team-b', ['Ready'], ADMIN),
      ];
    },
  );
  const run = await world
    .api()
    .post(`${BASE}/tenants/team-a/job-runs`)
    .set('Authorization', ALICE)
    .send(SALES)
    .expect(201);
  return {
    vcA: a.status.virtualClusterId as string,
    vcB: b.status.virtualClusterId as string,
    nsA: a.status.namespace as string,
    run: run.body as { id: string; emrJobRunId: string; name: string },
  };
}

/** team-a: uplift 0.4 + 0.1 (D1) and 0.2 (D2); compute Spot 1.5, On-Demand 0.5. */
function scriptBill(world: World, ids: Awaited<ReturnType<typeof onboarded>>) {
  world.script.uplift = {
    completeThrough: D2,
    rows: [
      {
        date: D1,
        virtualClusterId: ids.vcA,
        emrJobRunId: ids.run.emrJobRunId,
        amount: 0.4,
      },
      {
        date: D1,
        virtualClusterId: ids.vcA,
        emrJobRunId: 'external1',
        amount: 0.1,
      },
      {
        date: D2,
        virtualClusterId: ids.vcA,
        emrJobRunId: ids.run.emrJobRunId,
        amount: 0.2,
      },
      { date: D1, virtualClusterId: ids.vcB, emrJobRunId: 'jobb', amount: 3 },
      { date: D1, virtualClusterId: 'foreignvc', emrJobRunId: 'x', amount: 50 },
    ],
  };
  world.script.compute = [
    computeRow(D1, {
      namespace: ids.nsA,
      virtualClusterId: ids.vcA,
      emrJobRunId: ids.run.emrJobRunId,
      amount: 1.5,
      onDemandAmount: 4.5,
    }),
    computeRow(D1, {
      namespace: ids.nsA,
      virtualClusterId: ids.vcA,
      emrJobRunId: ids.run.emrJobRunId,
      capacityType: 'on-demand',
      amount: 0.5,
    }),
    computeRow(D1, { allocation: 'idle', amount: 2 }),
  ];
}

async function refresh(world: World, from = D1, to = TODAY) {
  return world
    .api()
    .post(`${BASE}/costs/refresh?from=${from}&to=${to}`)
    .set('Authorization', ADMIN);
}

describe('costs API', () => {
  let world: World;
  let ids: Awaited<ReturnType<typeof onboarded>>;
  let refreshed: request.Response;

  beforeAll(async () => {
    world = await start();
    ids = await onboarded(world);
    scriptBill(world, ids);
    refreshed = await refresh(world);
  });

  it('refreshes as an admin asks, counting the rows of no tenant', () => {
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
      from: D1,
      to: TODAY,
      unallocatedRows: 1,
      completeThrough: D2,
    });
  });

  it('answers a tenant’s costs per day, with totals and coverage', async () => {
    const res = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs?from=${D1}&to=${D2}&groupBy=day`)
      .set('Authorization', ALICE)
      .expect(200);
    // D1: 0.4 + 0.1 + 1.5 + 0.5 = 2.5; D2: 0.2. Savings: 4.5 - 1.5 = 3.
    expect(res.body).toMatchObject({
      currency: 'USD',
      total: 2.7,
      estimatedTotal: 0,
      completeThrough: D2,
      spotSavings: 3,
      sources: { uplift: 'duckdb', compute: 'duckdb' },
      groupBy: ['day'],
    });
    expect(res.body.rows).toEqual([
      { date: D1, amount: 2.5, estimated: false },
      { date: D2, amount: 0.2, estimated: false },
    ]);
  });

  it('estimates the days the bill does not cover, from the run', async () => {
    const res = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs?from=${D1}&to=${TODAY}&groupBy=day`)
      .set('Authorization', ALICE)
      .expect(200);
    const today = res.body.rows.find((r: { date: string }) => r.date === TODAY);
    // The run was submitted today and has not finished: estimated to now.
    expect(today).toMatchObject({ estimated: true });
    expect(today.estimatedHigh).toBeGreaterThanOrEqual(today.estimatedLow);
    expect(res.body.estimatedTotal).toBeCloseTo(today.amount, 10);
  });

  it('groups by job, naming the runs it knows, biggest first', async () => {
    const res = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs?from=${D1}&to=${D2}&groupBy=job`)
      .set('Authorization', ALICE)
      .expect(200);
    expect(res.body.rows).toEqual([
      {
        emrJobRunId: ids.run.emrJobRunId,
        jobRunId: ids.run.id,
        jobName: ids.run.name,
        entityRef: SALES.entityRef,
        amount: expect.closeTo(2.6, 10),
        estimated: false,
      },
      {
        emrJobRunId: 'external1',
        jobRunId: null,
        jobName: null,
        entityRef: null,
        amount: 0.1,
        estimated: false,
      },
    ]);
  });

  it('answers an entity’s costs within the tenants the caller may read', async () => {
    const url = `${BASE}/costs?entityRef=${encodeURIComponent(
      SALES.entityRef!,
    )}&from=${D1}&to=${D2}&groupBy=category,capacityType`;
    const alice = await world.api().get(url).set('Authorization', ALICE);
    expect(alice.status).toBe(200);
    // 0.4 + 0.2 uplift, 1.5 Spot, 0.5 On-Demand: 0.1 of external1 has no entity.
    expect(alice.body.total).toBeCloseTo(2.6, 10);
    expect(alice.body.rows).toEqual([
      {
        category: 'compute',
        capacityType: 'spot',
        amount: 1.5,
        estimated: false,
      },
      {
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount: expect.closeTo(0.6, 10),
        estimated: false,
      },
      {
        category: 'compute',
        capacityType: 'on-demand',
        amount: 0.5,
        estimated: false,
      },
    ]);
    // bob reads no tenant with that entity's rows: an empty report, no hint.
    const bob = await world.api().get(url).set('Authorization', BOB);
    expect(bob.status).toBe(200);
    expect(bob.body).toMatchObject({ total: 0, rows: [] });
  });

  it('hides another team’s costs behind the same 404 as a missing tenant', async () => {
    const hidden = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs`)
      .set('Authorization', BOB);
    const missing = await world
      .api()
      .get(`${BASE}/tenants/team-z/costs`)
      .set('Authorization', BOB);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.body.error.message).toBe('tenant team-a not found');
  });

  it('gives admins the summary: per tenant, idle on its own, never charged to a team', async () => {
    const res = await world
      .api()
      .get(`${BASE}/costs/summary?from=${D1}&to=${D2}`)
      .set('Authorization', ADMIN)
      .expect(200);
    const byTenant = Object.fromEntries(
      res.body.rows.map((r: { tenant: string; amount: number }) => [
        r.tenant,
        r.amount,
      ]),
    );
    expect(byTenant).toEqual({
      'team-b': 3,
      'team-a': expect.closeTo(2.7, 10),
      __idle__: 2,
      // A virtual cluster that was never a tenant's: kept, charged to nobody.
      __unallocated__: 50,
    });
    expect(
      res.body.rows.find((r: { tenant: string }) => r.tenant === 'team-a'),
    ).toMatchObject({ tenantUid: expect.any(String), offboarded: false });
    expect(res.body.estimateAccuracy).toEqual([]);
    for (const user of [ALICE, BOB]) {
      await world
        .api()
        .get(`${BASE}/costs/summary`)
        .set('Authorization', user)
        .expect(403);
    }
  });

  it('exports the same rows as CSV, formulas defused', async () => {
    const json = await world
      .api()
      .get(`${BASE}/tenants/team-a/costs?from=${D1}&to=${D2}&groupBy=job`)
      .set('Authorization', ALICE)
      .expect(200);
    const csv = await world
      .api()
      .get(
        `${BASE}/tenants/team-a/costs?from=${D1}&to=${D2}&groupBy=job&format=csv`,
      )
      .set('Authorization', ALICE)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(
      `costs-team-a-${D1}-${D2}.csv`,
    );
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'emrJobRunId,jobRunId,jobName,entityRef,amount,currency,estimated,estimatedAmount,estimatedLow,estimatedHigh',
    );
    const amounts = lines.slice(1).map(line => Number(line.split(',')[4]));
    expect(amounts.reduce((a, b) => a + b, 0)).toBeCloseTo(json.body.total, 6);
  });

  it('refuses bad periods and groupings with a 400 that names the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      ['from=2026-02-30', /from: must be a calendar day/],
      ['to=yesterday', /to: must be a calendar day/],
      [`from=${D2}&to=${D1}`, /from: must not be after to/],
      ['from=2020-01-01&to=2026-01-01', /to: the period .* at most 400/],
      [
        'groupBy=week',
        /groupBy: must be one or more of day, job, category, capacityType/,
      ],
      ['groupBy=tenant', /groupBy/],
      ['format=xml', /format/],
      ['tenant=team-b', /tenant/],
    ];
    for (const [query, message] of cases) {
      const res = await world
        .api()
        .get(`${BASE}/tenants/team-a/costs?${query}`)
        .set('Authorization', ALICE);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    const noEntity = await world
      .api()
      .get(`${BASE}/costs`)
      .set('Authorization', ALICE);
    expect(noEntity.status).toBe(400);
    expect(noEntity.body.error.message).toMatch(/entityRef/);
  });

  it('lets only admins refresh, and a bad range changes nothing', async () => {
    const before = await world
      .api()
      .get(`${BASE}/costs/summary?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN);
    await world
      .api()
      .post(`${BASE}/costs/refresh?from=${D1}&to=${D2}`)
      .set('Authorization', ALICE)
      .expect(403);
    const bad = await refresh(world, D2, D1);
    expect(bad.status).toBe(400);
    const missing = await world
      .api()
      .post(`${BASE}/costs/refresh`)
      .set('Authorization', ADMIN);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/from/);
    const after = await world
      .api()
      .get(`${BASE}/costs/summary?from=${D1}&to=${TODAY}`)
      .set('Authorization', ADMIN);
    expect(after.body.rows).toEqual(before.body.rows);
  });
});

describe('costs API as the bill lands', () => {
  it('replaces an estimate with the bill and reports the estimate’s error', async () => {
    const world = await start();
    {
      const ids = await onboarded(world);
      // Nothing billed yet: today is an estimate.
      world.script.uplift = {
        rows: [],
        completeThrough: addCostDays(TODAY, -1),
      };
      await refresh(world, TODAY, TODAY).then(r => expect(r.status).toBe(200));
      const estimated = await world
        .api()
        .get(`${BASE}/tenants/team-a/costs?from=${TODAY}&to=${TODAY}`)
        .set('Authorization', ALICE)
        .expect(200);
      expect(estimated.body.estimatedTotal).toBeGreaterThan(0);
      // The bill arrives for today: 0.05 of uplift replaces the estimate.
      world.script.uplift = {
        completeThrough: TODAY,
        rows: [
          {
            date: TODAY,
            virtualClusterId: ids.vcA,
            emrJobRunId: ids.run.emrJobRunId,
            amount: 0.05,
          },
        ],
      };
      // Twice: a rerun replaces, it does not add.
      await refresh(world, TODAY, TODAY).then(r => expect(r.status).toBe(200));
      await refresh(world, TODAY, TODAY).then(r => expect(r.status).toBe(200));
      const billed = await world
        .api()
        .get(`${BASE}/tenants/team-a/costs?from=${TODAY}&to=${TODAY}`)
        .set('Authorization', ALICE)
        .expect(200);
      expect(billed.body).toMatchObject({
        total: 0.05,
        estimatedTotal: 0,
        completeThrough: TODAY,
      });
      const summary = await world
        .api()
        .get(`${BASE}/costs/summary?from=${TODAY}&to=${TODAY}`)
        .set('Authorization', ADMIN)
        .expect(200);
      expect(summary.body.estimateAccuracy).toEqual([
        {
          tenant: 'team-a',
          tenantUid: expect.any(String),
          offboarded: false,
          estimated: expect.closeTo(estimated.body.estimatedTotal, 10),
          actual: 0.05,
        },
      ]);
    }
  });

  it('says costs are not configured instead of showing zeros', async () => {
    const world = await start(null);
    {
      await onboarded(world);
      const res = await world
        .api()
        .get(`${BASE}/tenants/team-a/costs`)
        .set('Authorization', ALICE)
        .expect(200);
      expect(res.body).toMatchObject({
        sources: { uplift: null, compute: null },
        refreshedAt: null,
        rows: [],
      });
      const refreshed = await refresh(world);
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error.message).toMatch(/costs are not configured/);
    }
  });
});
