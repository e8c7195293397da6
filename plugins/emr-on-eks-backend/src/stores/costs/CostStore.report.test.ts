import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { CostGroupBy } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import type { Knex } from 'knex';
import type { StoredCostRow } from '../../domain/costs/types';
import { migrated } from '../../__testUtils__/database';
import { CostStore, type CostScope } from './CostStore';
import { expectedGroups, expectedTotals } from './__testUtils__/costOracle';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const DAYS = ['2026-10-31', '2026-11-01', '2026-11-15', '2026-11-30'];
const TENANTS = [
  { tenant: 'team-a', tenantUid: 'uid-a1' },
  { tenant: 'team-a', tenantUid: 'uid-a2' },
  { tenant: 'team-b', tenantUid: 'uid-b' },
  { tenant: '__idle__', tenantUid: null },
];
const JOBS = [
  { emrJobRunId: 'j1', entityRef: 'component:default/sales' },
  { emrJobRunId: 'j2', entityRef: 'component:default/sales' },
  { emrJobRunId: null, entityRef: null },
];

/** Any amounts (not only sums exact in binary), estimates with ranges. */
const costRow: fc.Arbitrary<StoredCostRow> = fc
  .record({
    date: fc.constantFrom(...DAYS),
    holder: fc.constantFrom(...TENANTS),
    job: fc.constantFrom(...JOBS),
    category: fc.constantFrom('compute', 'emr-uplift', 'storage' as const),
    capacityType: fc.constantFrom('spot', 'on-demand', 'unknown' as const),
    amount: fc.double({ min: 0, max: 1e4, noNaN: true }),
    spread: fc.option(fc.double({ min: 0, max: 10, noNaN: true })),
    onDemandAmount: fc.option(fc.double({ min: 0, max: 2e4, noNaN: true })),
    currency: fc.constantFrom('USD', 'USD', 'EUR'),
    estimated: fc.boolean(),
  })
  .map(r => ({
    date: r.date,
    tenant: r.holder.tenant,
    tenantUid: r.holder.tenantUid,
    virtualClusterId: null,
    emrJobRunId: r.job.emrJobRunId,
    jobRunId: null,
    jobName: r.job.emrJobRunId,
    entityRef: r.job.entityRef,
    category: r.category,
    capacityType: r.capacityType,
    amount: r.amount,
    amountLow: r.spread === null ? null : Math.max(0, r.amount - r.spread),
    amountHigh: r.spread === null ? null : r.amount + r.spread,
    onDemandAmount: r.onDemandAmount,
    currency: r.currency,
    source: r.estimated ? 'estimate' : 'kubecost',
    estimated: r.estimated,
  }));

const scope: fc.Arbitrary<CostScope> = fc.record({
  tenantUids: fc.option(fc.subarray(['uid-a1', 'uid-a2', 'uid-b', 'uid-x']), {
    nil: undefined,
  }),
  entityRef: fc.option(fc.constant('component:default/sales'), {
    nil: undefined,
  }),
  from: fc.constantFrom('2026-10-01', '2026-11-01', '2026-11-16'),
  to: fc.constantFrom('2026-11-15', '2026-11-30'),
});

/** The clocks of the property's two rollups: the second is the earlier. */
const ROLLUP_NOW = [
  new Date('2026-12-01T00:00:00Z'),
  new Date('2026-11-30T12:00:00Z'),
];

const groupBy: fc.Arbitrary<CostGroupBy[]> = fc.constantFrom(
  ['day'],
  ['job'],
  ['tenant'],
  ['category', 'capacityType'],
  ['tenant', 'job'],
);

/** The sums of the rows in scope, worked out in JS. */
function oracle(rows: StoredCostRow[], s: CostScope) {
  const inScope = rows.filter(
    r =>
      r.date >= s.from &&
      r.date <= s.to &&
      (s.tenantUids === undefined ||
        (r.tenantUid !== null && s.tenantUids.includes(r.tenantUid))) &&
      (s.entityRef === undefined || r.entityRef === s.entityRef),
  );
  const sum = (f: (r: StoredCostRow) => number) =>
    inScope.reduce((t, r) => t + f(r), 0);
  const spot = inScope.filter(
    r =>
      r.category === 'compute' &&
      r.capacityType === 'spot' &&
      r.onDemandAmount !== null,
  );
  return {
    total: sum(r => r.amount),
    estimatedTotal: sum(r => (r.estimated ? r.amount : 0)),
    estimatedLow: sum(r => (r.estimated ? r.amountLow ?? r.amount : 0)),
    estimatedHigh: sum(r => (r.estimated ? r.amountHigh ?? r.amount : 0)),
    spotSavings: spot.length
      ? spot.reduce((t, r) => t + r.onDemandAmount! - r.amount, 0)
      : null,
    currencies: [...new Set(inScope.map(r => r.currency))].sort(),
  };
}

function closeTo(actual: number | null, expected: number | null) {
  if (expected === null) {
    expect(actual).toBeNull();
  } else {
    expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(expected)),
    );
  }
}

describe.each(databases.eachSupportedId())(
  'CostStore.report on %p',
  (databaseId: TestDatabaseId) => {
    let db: Knex;
    let store: CostStore;

    beforeAll(async () => {
      db = await migrated(await databases.init(databaseId));
      store = new CostStore(db);
    });

    beforeEach(async () => {
      await db('emr_cost_daily').delete();
      await db('emr_cost_days').delete();
    });

    it('answers a report in one statement', async () => {
      await store.replaceDays({
        days: ['2026-11-15'],
        billedDays: new Set(['2026-11-15']),
        rows: [],
        now: new Date('2026-11-16T00:00:00Z'),
      });
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      db.on('query', listen);
      try {
        const report = await store.report(
          { tenantUids: ['uid-a1'], from: '2026-11-01', to: '2026-11-30' },
          ['job'],
        );
        // No groups: the sums are zero, the coverage is still there.
        expect(report).toEqual({
          totals: {
            total: 0,
            estimatedTotal: 0,
            estimatedLow: 0,
            estimatedHigh: 0,
            spotSavings: null,
            currencies: [],
          },
          rows: [],
          coverage: {
            completeThrough: '2026-11-15',
            refreshedAt: '2026-11-16T00:00:00.000Z',
          },
        });
      } finally {
        db.removeListener('query', listen);
      }
      expect(queries).toHaveLength(1);
    });

    it('gives the figures of the separate sums, groups and coverage, for any rows', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(costRow, { maxLength: 25 }),
          fc.subarray(DAYS),
          fc.integer({ min: 0, max: DAYS.length }),
          scope,
          groupBy,
          async (rows, billed, split, s, by) => {
            await db('emr_cost_daily').delete();
            await db('emr_cost_days').delete();
            // Two rollups, the later one with an earlier clock: the coverage
            // is the latest refresh, not the last one written.
            const rollups = [
              { days: DAYS.slice(0, split), now: ROLLUP_NOW[0] },
              { days: DAYS.slice(split), now: ROLLUP_NOW[1] },
            ].filter(rollup => rollup.days.length > 0);
            for (const { days, now } of rollups) {
              await store.replaceDays({
                days,
                billedDays: new Set(billed.filter(day => days.includes(day))),
                rows: rows.filter(row => days.includes(row.date)),
                now,
              });
            }
            const report = await store.report(s, by);
            // The same aggregates as separate plain statements: the same
            // figures to the last bit, rows in the same order.
            expect(report.totals).toEqual(await expectedTotals(db, s));
            expect(report.rows).toEqual(await expectedGroups(db, s, by));
            expect(report.coverage).toEqual({
              completeThrough: billed.length ? [...billed].sort().pop() : null,
              refreshedAt: new Date(
                Math.max(...rollups.map(r => r.now.getTime())),
              ).toISOString(),
            });
            // And those are the rows' sums, worked out in JS.
            const expected = oracle(rows, s);
            closeTo(report.totals.total, expected.total);
            closeTo(report.totals.estimatedTotal, expected.estimatedTotal);
            closeTo(report.totals.estimatedLow, expected.estimatedLow);
            closeTo(report.totals.estimatedHigh, expected.estimatedHigh);
            closeTo(report.totals.spotSavings, expected.spotSavings);
            expect([...report.totals.currencies].sort()).toEqual(
              expected.currencies,
            );
            closeTo(
              report.rows.reduce((t, r) => t + r.amount, 0),
              expected.total,
            );
          },
        ),
        { numRuns: databaseId === 'SQLITE_3' ? 80 : 40 },
      );
    });
  },
);
