import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { CostGroupBy } from '@spot-spark/plugin-emr-on-eks-common';
import type { StoredCostRow } from '../../domain/costs/types';
import { migrated } from '../../__testUtils__/database';
import { storedCostRow } from '../../__testUtils__/costRows';
import { CostStore, type CostScope } from './CostStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  return new CostStore(await migrated(knex));
}

async function createStoreWithQueries(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const db = await migrated(knex);
  const queries: Array<{ sql: string; bindings: unknown[] }> = [];
  db.on('query', (q: { sql: string; bindings?: unknown[] }) =>
    queries.push({ sql: q.sql, bindings: q.bindings ?? [] }),
  );
  return { store: new CostStore(db), queries };
}

function row(overrides: Partial<StoredCostRow> = {}): StoredCostRow {
  return storedCostRow({
    date: '2026-11-20',
    virtualClusterId: 'vca',
    emrJobRunId: 'job1',
    jobRunId: 'run-1',
    jobName: 'daily-sales',
    entityRef: 'component:default/daily-sales',
    ...overrides,
  });
}

/** A report's sums (grouped by day: any grouping has the same sums). */
async function totalsOf(store: CostStore, scope: CostScope) {
  return (await store.report(scope, ['day'])).totals;
}

/** A report's groups. */
async function rowsOf(store: CostStore, scope: CostScope, by: CostGroupBy[]) {
  return (await store.report(scope, by)).rows;
}

/** A row of no job: what the rollup charges a tenant outside its runs. */
const NO_JOB = {
  emrJobRunId: null,
  jobRunId: null,
  jobName: null,
  entityRef: null,
};

const NOW = new Date('2026-11-22T12:00:00Z');
const DAYS = ['2026-11-20', '2026-11-21'];
const A = { tenantUids: ['uid-a'], from: '2026-11-01', to: '2026-11-30' };

describe.each(databases.eachSupportedId())('CostStore on %p', databaseId => {
  it('replaces the days it rolls up: a second run leaves the same rows', async () => {
    const store = await createStore(databaseId);
    const rows = [
      row({ amount: 2, onDemandAmount: 5 }),
      row({ date: '2026-11-21', capacityType: 'on-demand', amount: 3 }),
      row({
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount: 0.5,
        source: 'cur',
      }),
      row({ tenant: 'team-b', tenantUid: 'uid-b', amount: 100 }),
    ];
    for (let i = 0; i < 2; i++) {
      await store.replaceDays({
        days: DAYS,
        billedDays: new Set(['2026-11-20']),
        rows,
        now: NOW,
      });
    }
    // team-a: 2 + 3 + 0.5; Spot savings 5 - 2 on the one Spot row that knows its price.
    await expect(store.report(A, ['day'])).resolves.toEqual({
      totals: {
        total: 5.5,
        estimatedTotal: 0,
        estimatedLow: 0,
        estimatedHigh: 0,
        spotSavings: 3,
        currencies: ['USD'],
      },
      rows: [
        { date: '2026-11-20', amount: 2.5, estimated: false },
        { date: '2026-11-21', amount: 3, estimated: false },
      ],
      coverage: {
        completeThrough: '2026-11-20',
        refreshedAt: NOW.toISOString(),
      },
    });
    await expect(
      rowsOf(store, A, ['category', 'capacityType']),
    ).resolves.toEqual([
      {
        category: 'compute',
        capacityType: 'on-demand',
        amount: 3,
        estimated: false,
      },
      {
        category: 'compute',
        capacityType: 'spot',
        amount: 2,
        estimated: false,
      },
      {
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount: 0.5,
        estimated: false,
      },
    ]);
    await expect(rowsOf(store, A, ['job'])).resolves.toEqual([
      {
        emrJobRunId: 'job1',
        jobRunId: 'run-1',
        jobName: 'daily-sales',
        entityRef: 'component:default/daily-sales',
        amount: 5.5,
        estimated: false,
      },
    ]);
    // The summary scope: every tenant incarnation, by tenant.
    await expect(
      rowsOf(store, { from: '2026-11-01', to: '2026-11-30' }, ['tenant']),
    ).resolves.toEqual([
      { tenant: 'team-b', tenantUid: 'uid-b', amount: 100, estimated: false },
      { tenant: 'team-a', tenantUid: 'uid-a', amount: 5.5, estimated: false },
    ]);
  });

  it('groups a job by EMR’s run id: a day that did not know the run yet joins its other days', async () => {
    const store = await createStore(databaseId);
    await store.replaceDays({
      days: DAYS,
      billedDays: new Set(DAYS),
      rows: [
        row({ date: DAYS[0], jobRunId: null, jobName: null, entityRef: null }),
        row({ date: DAYS[1], amount: 2 }),
        row({
          date: DAYS[1],
          emrJobRunId: 'job2',
          jobName: 'other',
          amount: 4,
        }),
        row({ date: DAYS[1], ...NO_JOB, amount: 0.5 }),
      ],
      now: NOW,
    });
    await expect(rowsOf(store, A, ['job'])).resolves.toEqual([
      {
        emrJobRunId: 'job2',
        jobRunId: 'run-1',
        jobName: 'other',
        entityRef: 'component:default/daily-sales',
        amount: 4,
        estimated: false,
      },
      {
        emrJobRunId: 'job1',
        jobRunId: 'run-1',
        jobName: 'daily-sales',
        entityRef: 'component:default/daily-sales',
        amount: 3,
        estimated: false,
      },
      { ...NO_JOB, amount: 0.5, estimated: false },
    ]);
  });

  it('replaces an estimate with the bill and keeps how close it came', async () => {
    const store = await createStore(databaseId);
    await store.replaceDays({
      days: DAYS,
      billedDays: new Set(),
      rows: [
        row({
          category: 'emr-uplift',
          capacityType: 'unknown',
          source: 'estimate',
          estimated: true,
          amount: 1.2,
          amountLow: 1,
          amountHigh: 1.4,
        }),
      ],
      now: NOW,
    });
    const estimate = await store.report(A, ['day']);
    expect(estimate.totals).toMatchObject({
      total: 1.2,
      estimatedTotal: 1.2,
      estimatedLow: 1,
      estimatedHigh: 1.4,
    });
    expect(estimate.rows[0]).toEqual({
      date: '2026-11-20',
      amount: 1.2,
      estimated: true,
      estimatedAmount: 1.2,
      estimatedLow: 1,
      estimatedHigh: 1.4,
    });
    const { accuracy } = await store.replaceDays({
      days: DAYS,
      billedDays: new Set(['2026-11-20']),
      rows: [
        row({
          category: 'emr-uplift',
          capacityType: 'unknown',
          source: 'cur',
          amount: 1.5,
        }),
      ],
      now: NOW,
    });
    expect(accuracy).toEqual([
      {
        date: '2026-11-20',
        tenant: 'team-a',
        tenantUid: 'uid-a',
        estimated: 1.2,
        actual: 1.5,
      },
    ]);
    await expect(totalsOf(store, A)).resolves.toMatchObject({
      total: 1.5,
      estimatedTotal: 0,
    });
    await expect(
      store.estimateAccuracy('2026-11-01', '2026-11-30'),
    ).resolves.toEqual([
      { tenant: 'team-a', tenantUid: 'uid-a', estimated: 1.2, actual: 1.5 },
    ]);
  });

  it('measures a partial day’s estimate as everything shown: billed so far plus the estimate', async () => {
    const store = await createStore(databaseId);
    const uplift = (overrides: Partial<StoredCostRow>) =>
      row({ category: 'emr-uplift', capacityType: 'unknown', ...overrides });
    await store.replaceDays({
      days: DAYS,
      billedDays: new Set(),
      rows: [
        uplift({ source: 'cur', amount: 0.5 }),
        uplift({ source: 'estimate', estimated: true, amount: 0.3 }),
        // Only billed so far, nothing estimated: no estimate to measure.
        uplift({ tenant: 'team-b', tenantUid: 'uid-b', amount: 4 }),
        // A name onboarded again: another incarnation, measured apart.
        uplift({
          tenantUid: 'uid-a2',
          source: 'estimate',
          estimated: true,
          amount: 2,
        }),
      ],
      now: NOW,
    });
    const { accuracy } = await store.replaceDays({
      days: DAYS,
      billedDays: new Set(['2026-11-20']),
      rows: [
        uplift({ source: 'cur', amount: 0.9 }),
        uplift({ tenant: 'team-b', tenantUid: 'uid-b', amount: 4.2 }),
        uplift({ tenantUid: 'uid-a2', source: 'cur', amount: 1 }),
      ],
      now: NOW,
    });
    expect(
      accuracy.sort((x, y) => x.tenantUid.localeCompare(y.tenantUid)),
    ).toEqual([
      expect.objectContaining({
        tenantUid: 'uid-a',
        estimated: 0.8,
        actual: 0.9,
      }),
      expect.objectContaining({ tenantUid: 'uid-a2', estimated: 2, actual: 1 }),
    ]);
  });

  it('answers an entity’s rows only within the tenants it is given', async () => {
    const store = await createStore(databaseId);
    await store.replaceDays({
      days: DAYS,
      billedDays: new Set(),
      rows: [
        row({ amount: 2 }),
        row({ tenant: 'team-b', tenantUid: 'uid-b', amount: 7 }),
      ],
      now: NOW,
    });
    const entity = 'component:default/daily-sales';
    await expect(
      totalsOf(store, {
        ...A,
        tenantUids: ['uid-a', 'uid-b'],
        entityRef: entity,
      }),
    ).resolves.toMatchObject({ total: 9 });
    await expect(
      totalsOf(store, { ...A, entityRef: entity }),
    ).resolves.toMatchObject({ total: 2 });
    await expect(
      store.report({ ...A, tenantUids: [], entityRef: entity }, ['job']),
    ).resolves.toMatchObject({
      totals: { total: 0, spotSavings: null },
      rows: [],
    });
  });

  it('keeps entity refs, tenant names and job names out of the SQL text', async () => {
    const { store, queries } = await createStoreWithQueries(databaseId);
    const hostile = "component:default/x'; DROP TABLE emr_cost_daily; --";
    const tenant = "team-a' OR '1'='1";
    await store.replaceDays({
      days: DAYS,
      billedDays: new Set(),
      rows: [row({ entityRef: hostile, tenant, jobName: "/* */'; --" })],
      now: NOW,
    });
    await store.report({ ...A, entityRef: hostile }, ['job', 'tenant']);
    await store.tenantUidsWithCostsOf(hostile, A.from, A.to);
    expect(queries.length).toBeGreaterThan(3);
    for (const query of queries) {
      for (const value of [hostile, tenant, 'DROP TABLE', "'1'='1"]) {
        expect(query.sql).not.toContain(value);
      }
    }
    expect(queries.some(q => q.bindings.includes(hostile))).toBe(true);
    // And the value round-trips as data.
    await expect(
      rowsOf(store, { ...A, entityRef: hostile }, ['job']),
    ).resolves.toEqual([
      expect.objectContaining({ entityRef: hostile, jobName: "/* */'; --" }),
    ]);
  });

  it('lets overlapping rollups take turns: never twice the rows', async () => {
    const store = await createStore(databaseId);
    const rows = Array.from({ length: 120 }, (_, i) =>
      row({ emrJobRunId: `job${i}`, amount: 1 }),
    );
    await Promise.all(
      Array.from({ length: 4 }, () =>
        store.replaceDays({
          days: DAYS,
          billedDays: new Set(),
          rows,
          now: NOW,
        }),
      ),
    );
    await expect(totalsOf(store, A)).resolves.toMatchObject({ total: 120 });
  });
});
