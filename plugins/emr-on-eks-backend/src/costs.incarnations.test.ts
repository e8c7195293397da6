import {
  addCostDays,
  type CostReport,
} from '@spot-spark/plugin-emr-on-eks-common';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import {
  computeRow,
  startWithScriptedCosts,
  UPLIFT_RATE,
} from './__testUtils__/scriptedCosts';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { asOf } from './__testUtils__/timeTravel';
import { BASE, as } from './__testUtils__/apiWorld';

/*
 * Chargeback over a tenant history, through the API: team-b is offboarded
 * in the middle of a bill and its namespace is taken by analytics-a (owned
 * by team-a); later a new team-b is onboarded. Every figure below is worked
 * out by hand from the scripted bill; the tenants' onboardings and
 * offboardings happen through the API on the days they say (`asOf`).
 */

jest.setTimeout(60_000);

const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);

const TODAY = new Date().toISOString().slice(0, 10);
const P1 = addCostDays(TODAY, -5);
const P2 = addCostDays(TODAY, -4);
const P3 = addCostDays(TODAY, -3);
/** The latest usage day of the final bill: partial. */
const P4 = addCostDays(TODAY, -2);
const at = (day: string, time: string) => new Date(`${day}T${time}Z`);

const TEAM_B = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  dataAccess: [],
};
/** team-a's second tenant, in the namespace team-b left. */
const ANALYTICS_A = {
  ...TEAM_A,
  name: 'analytics-a',
  namespace: 'team-b',
  dataAccess: [{ s3: 's3://data-lake/analytics-a/', access: 'read-write' }],
};

async function start() {
  return startWithScriptedCosts({ uplift: 'duckdb', compute: 'duckdb' });
}

type World = Awaited<ReturnType<typeof start>>;

async function onboard(world: World, body: object, user: string, query = '') {
  const res = await world
    .api()
    .post(`${BASE}/tenants${query}`)
    .set('Authorization', user)
    .send(body);
  expect(res.status).toBe(202);
  return waitForTenant(world.server, res.body.name, ['Ready'], ADMIN);
}

async function refresh(world: World, from: string, to: string) {
  const res = await world
    .api()
    .post(`${BASE}/costs/refresh?from=${from}&to=${to}`)
    .set('Authorization', ADMIN);
  expect(res.status).toBe(200);
  return res.body;
}

async function report(
  world: World,
  path: string,
  user: string,
  query = `from=${P1}&to=${TODAY}&groupBy=day,category,capacityType`,
): Promise<CostReport> {
  const res = await world
    .api()
    .get(`${BASE}${path}?${query}`)
    .set('Authorization', user);
  expect({ path, status: res.status }).toEqual({ path, status: 200 });
  return res.body;
}

/** Billed sums of a report's rows, in cents: in all, uplift, Spot, On-Demand. */
function figures(r: CostReport) {
  const of = (keep: (row: CostReport['rows'][number]) => boolean) =>
    Math.round(
      r.rows
        .filter(keep)
        .reduce(
          (total, row) => total + row.amount - (row.estimatedAmount ?? 0),
          0,
        ) * 100,
    ) / 100;
  return {
    billed: of(() => true),
    uplift: of(row => row.category === 'emr-uplift'),
    spot: of(row => row.category === 'compute' && row.capacityType === 'spot'),
    onDemand: of(
      row => row.category === 'compute' && row.capacityType === 'on-demand',
    ),
  };
}

describe('chargeback over a tenant history', () => {
  let world: World;
  let ids: { vcA: string; vcB: string; vcN: string; nsA: string };
  let run: {
    id: string;
    emrJobRunId: string;
    createdAt: string;
    requested: any;
  };
  let early: { a: CostReport; b: CostReport };
  let teamB: { uid: string };
  let analyticsUid: string;

  beforeAll(async () => {
    world = await start();
    const [a, b] = await asOf(at(addCostDays(TODAY, -7), '09:00:00'), () =>
      Promise.all([onboard(world, TEAM_A, ALICE), onboard(world, TEAM_B, BOB)]),
    );
    teamB = b;
    // team-b leaves on the morning of P2.
    await asOf(at(P2, '10:00:00'), async () => {
      await world
        .api()
        .delete(`${BASE}/tenants/team-b`)
        .set('Authorization', BOB)
        .expect(202);
      await waitForTenant(world.server, 'team-b', ['gone'], ADMIN);
    });
    // analytics-a takes its namespace on the morning of P3, given to team-a
    // by an admin (team-b's namespace is reserved for team-b otherwise).
    const n = await asOf(at(P3, '09:00:00'), () =>
      onboard(
        world,
        ANALYTICS_A,
        ADMIN,
        '?reassignReason=team-b%20handed%20its%20namespace%20to%20team-a',
      ),
    );
    analyticsUid = n.uid;
    ids = {
      vcA: a.status.virtualClusterId,
      vcB: b.status.virtualClusterId,
      vcN: n.status.virtualClusterId,
      nsA: a.status.namespace,
    };
    if (new Set(Object.values(ids)).size !== 4) {
      throw new Error(`the tenants share ids: ${JSON.stringify(ids)}`);
    }

    // The rollup of P1..P3 as it ran at noon of P3, when the bill covered
    // P1 and P2 and had begun P3.
    world.script.uplift = {
      completeThrough: P2,
      rows: [
        {
          date: P1,
          virtualClusterId: ids.vcA,
          emrJobRunId: 'a1',
          amount: 1.25,
        },
        { date: P1, virtualClusterId: ids.vcB, emrJobRunId: 'b1', amount: 5 },
        {
          date: P2,
          virtualClusterId: ids.vcA,
          emrJobRunId: 'a1',
          amount: 0.75,
        },
        { date: P2, virtualClusterId: ids.vcB, emrJobRunId: 'b1', amount: 0.4 },
      ],
    };
    world.script.compute = [
      computeRow(P1, {
        namespace: ids.nsA,
        virtualClusterId: ids.vcA,
        emrJobRunId: 'a1',
        amount: 3,
        onDemandAmount: 9,
      }),
      computeRow(P1, {
        allocation: 'namespace',
        namespace: ids.nsA,
        capacityType: 'on-demand',
        amount: 0.5,
      }),
      computeRow(P1, {
        namespace: 'team-b',
        virtualClusterId: ids.vcB,
        emrJobRunId: 'b1',
        amount: 2,
        onDemandAmount: 5,
      }),
      computeRow(P1, {
        allocation: 'namespace',
        namespace: 'team-b',
        capacityType: 'on-demand',
        amount: 1,
      }),
      computeRow(P2, {
        namespace: 'team-b',
        virtualClusterId: ids.vcB,
        emrJobRunId: 'b1',
        capacityType: 'on-demand',
        amount: 0.8,
      }),
      computeRow(P2, {
        allocation: 'namespace',
        namespace: 'team-b',
        amount: 0.3,
      }),
    ];
    await asOf(at(P3, '12:00:00'), () => refresh(world, P1, P3));
    early = {
      a: await report(world, '/tenants/team-a/costs', ALICE),
      b: await report(world, `/tenant-history/${teamB.uid}/costs`, ADMIN),
    };

    // analytics-a's run, from 01:00 of P4, not finished when the bill was
    // read: it explains more uplift on P4 than billed so far.
    run = await asOf(at(P4, '01:00:00'), async () => {
      const res = await world
        .api()
        .post(`${BASE}/tenants/analytics-a/job-runs`)
        .set('Authorization', ALICE)
        .send({
          ...DAILY_SALES,
          executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
          entryPoint: 's3://data-lake/analytics-a/jobs/report.py',
          // daily-sales is team-a's component, not this tenant's.
          entityRef: undefined,
        });
      if (res.status !== 201) {
        throw new Error(`the run was refused: ${JSON.stringify(res.body)}`);
      }
      return res.body;
    });

    // The final bill: P3 complete, P4 begun.
    world.script.uplift = {
      completeThrough: P3,
      rows: [
        ...world.script.uplift.rows,
        { date: P3, virtualClusterId: ids.vcA, emrJobRunId: 'a2', amount: 0.6 },
        {
          date: P3,
          virtualClusterId: ids.vcN,
          emrJobRunId: 'n0',
          amount: 0.33,
        },
        // team-b's virtual cluster after team-b left: nobody's.
        {
          date: P3,
          virtualClusterId: ids.vcB,
          emrJobRunId: 'b9',
          amount: 0.07,
        },
        // The partial day: a3 is no run the plugin knows; analytics-a's is.
        { date: P4, virtualClusterId: ids.vcA, emrJobRunId: 'a3', amount: 2 },
        {
          date: P4,
          virtualClusterId: ids.vcN,
          emrJobRunId: run.emrJobRunId,
          amount: 0.1,
        },
      ],
    };
    world.script.compute = [
      ...world.script.compute,
      computeRow(P3, {
        allocation: 'namespace',
        namespace: 'team-b',
        capacityType: 'on-demand',
        amount: 0.7,
      }),
      computeRow(P3, {
        namespace: 'team-b',
        virtualClusterId: ids.vcN,
        emrJobRunId: 'n0',
        amount: 0.2,
      }),
      computeRow(P3, {
        allocation: 'namespace',
        namespace: 'kube-system',
        amount: 0.25,
      }),
      computeRow(P3, { allocation: 'idle', amount: 1.1 }),
      computeRow(P4, {
        allocation: 'namespace',
        namespace: ids.nsA,
        amount: 0.4,
      }),
      computeRow(P4, {
        namespace: 'team-b',
        virtualClusterId: ids.vcN,
        emrJobRunId: run.emrJobRunId,
        amount: 0.9,
      }),
    ];
    // A new team-b, in a namespace of its own, after all that (the name
    // is analytics-a's namespace now: the platform gives it back).
    await onboard(
      world,
      { ...TEAM_B, namespace: 'team-b-2' },
      ADMIN,
      '?reassignReason=team-b%20is%20back',
    );
    await refresh(world, P1, TODAY);
  });

  it('charges each incarnation what it ran, to the cent', async () => {
    const a = await report(world, '/tenants/team-a/costs', ALICE);
    const b = await report(world, `/tenant-history/${teamB.uid}/costs`, ADMIN);
    const n = await report(world, '/tenants/analytics-a/costs', ALICE);
    // team-a: uplift 1.25 + 0.75 + 0.6 + 2; Spot 3 + 0.4; On-Demand 0.5.
    expect(figures(a)).toEqual({
      billed: 8.5,
      uplift: 4.6,
      spot: 3.4,
      onDemand: 0.5,
    });
    expect(a.spotSavings).toBe(6);
    // team-b: uplift 5 + 0.4; Spot 2 + 0.3; On-Demand 1 + 0.8.
    expect(figures(b)).toEqual({
      billed: 9.5,
      uplift: 5.4,
      spot: 2.3,
      onDemand: 1.8,
    });
    // analytics-a: uplift 0.33 + 0.1 billed; Spot 0.2 + 0.9; On-Demand 0.7.
    expect(figures(n)).toEqual({
      billed: 2.23,
      uplift: 0.43,
      spot: 1.1,
      onDemand: 0.7,
    });
    // Nothing from before analytics-a existed, though its namespace had costs.
    expect(n.rows.filter(r => r.date! < P3)).toEqual([]);
  });

  it('keeps the latest, partial day’s bill, and adds only what the run explains beyond it', async () => {
    const a = await report(
      world,
      '/tenants/team-a/costs',
      ALICE,
      `from=${P4}&to=${P4}&groupBy=category`,
    );
    // 2 billed of a run the plugin never saw, plus 0.4 of compute.
    expect(a).toMatchObject({
      completeThrough: P3,
      total: 2.4,
      estimatedTotal: 0,
    });
    const n = await report(
      world,
      '/tenants/analytics-a/costs',
      ALICE,
      `from=${P4}&to=${P4}&groupBy=job,category`,
    );
    const uplift = n.rows.filter(r => r.category === 'emr-uplift');
    // 23 hours of the run on P4: the middle of its range, at least the 0.1
    // billed so far, of which the rest is the estimate.
    const { driver, executor, minExecutors, maxExecutors } = run.requested;
    const perHour = (executors: number) =>
      (driver.cores + executors * executor.cores) * UPLIFT_RATE.vcpuHour +
      ((driver.memoryMiB + executors * executor.memoryMiB) *
        1_048_576 *
        UPLIFT_RATE.gbHour) /
        1e9;
    // The clock moves on while the run is submitted: its hours on P4 run
    // from when it was recorded to the end of the day.
    const hours =
      (Date.parse(`${addCostDays(P4, 1)}T00:00:00Z`) -
        Date.parse(run.createdAt)) /
      3_600_000;
    expect(hours).toBeCloseTo(23, 2);
    const middle =
      (hours * (perHour(minExecutors) + perHour(maxExecutors))) / 2;
    expect(middle).toBeGreaterThan(0.1);
    expect(uplift).toHaveLength(1);
    expect(uplift[0]).toMatchObject({
      emrJobRunId: run.emrJobRunId,
      jobRunId: run.id,
      estimated: true,
      amount: expect.closeTo(middle, 8),
      // What is billed so far stays billed: only the rest is the estimate.
      estimatedAmount: expect.closeTo(middle - 0.1, 8),
    });
    expect(n.estimatedTotal).toBeCloseTo(middle - 0.1, 8);
  });

  it('keeps an offboarded team’s costs, marked, in the summary; never the new holder’s', async () => {
    const res = await world
      .api()
      .get(`${BASE}/costs/summary?from=${P1}&to=${TODAY}`)
      .set('Authorization', ADMIN)
      .expect(200);
    const rows = res.body.rows as Array<{
      tenant: string;
      tenantUid: string | null;
      amount: number;
      estimated: boolean;
      offboarded: boolean;
    }>;
    const row = (uid: string | null, tenant?: string) =>
      rows.find(r => r.tenantUid === uid && (!tenant || r.tenant === tenant));
    expect(row(teamB.uid)).toMatchObject({
      tenant: 'team-b',
      amount: 9.5,
      offboarded: true,
    });
    expect(row(analyticsUid)).toMatchObject({ offboarded: false });
    expect(row(null, '__unallocated__')?.amount).toBeCloseTo(0.32, 10);
    expect(row(null, '__idle__')?.amount).toBeCloseTo(1.1, 10);
    // The new team-b is a row of its own, with nothing.
    expect(rows.filter(r => r.tenant === 'team-b')).toHaveLength(1);
    // Every billed cent: 10.50 of uplift and 11.15 of compute.
    const billed = res.body.total - res.body.estimatedTotal;
    expect(billed).toBeCloseTo(21.65, 8);
  });

  it('shows the old team-b to no one but history readers, and the new team-b nothing of it', async () => {
    const fresh = await report(world, '/tenants/team-b/costs', BOB);
    expect(fresh).toMatchObject({ total: 0, rows: [] });
    for (const user of [BOB, ALICE]) {
      const res = await world
        .api()
        .get(`${BASE}/tenant-history/${teamB.uid}/costs`)
        .set('Authorization', user);
      expect(res.status).toBe(404);
    }
  });

  it('backfills the past as the rollup had it then, through the refresh and the schedule', async () => {
    const asThen = (r: CostReport) =>
      r.rows.filter(row => row.date! <= P2).map(row => ({ ...row }));
    const [a, b, n] = [
      await report(world, '/tenants/team-a/costs', ALICE),
      await report(world, `/tenant-history/${teamB.uid}/costs`, ADMIN),
      await report(world, '/tenants/analytics-a/costs', ALICE),
    ];
    expect(asThen(a)).toEqual(asThen(early.a));
    expect(asThen(b)).toEqual(asThen(early.b));
    // The scheduled rollup (the last 7 days) over the same bill.
    const task = world.scheduledTasks.find(
      t => t.id === 'emr-on-eks-cost-rollup',
    )!;
    await task.fn(new AbortController().signal);
    await task.fn(new AbortController().signal);
    expect(
      await report(world, `/tenant-history/${teamB.uid}/costs`, ADMIN),
    ).toMatchObject({
      rows: b.rows,
    });
    expect(
      figures(await report(world, '/tenants/analytics-a/costs', ALICE)),
    ).toEqual(figures(n));
  });
});
