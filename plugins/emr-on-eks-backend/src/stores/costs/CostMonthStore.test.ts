import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import type { StoredCostRow } from '../../domain/costs/types';
import {
  costRow,
  expectedErrors,
  expectedMonths,
  HOLDERS,
  rollup,
  stored,
} from '../../__testUtils__/costMonths';
import { migrated } from '../../__testUtils__/database';
import { isPostgres } from '../database';
import { IncarnationStore } from '../IncarnationStore';
import { CostMonthStore } from './CostMonthStore';
import { CostStore } from './CostStore';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'CostMonthStore on %p',
  (databaseId: TestDatabaseId) => {
    let db: Knex;
    let costs: CostStore;
    let months: CostMonthStore;

    beforeAll(async () => {
      db = await migrated(await databases.init(databaseId));
      costs = new CostStore(db);
      months = new CostMonthStore(db);
    });

    beforeEach(async () => {
      for (const table of [
        'emr_cost_daily',
        'emr_cost_days',
        'emr_cost_months',
        'emr_cost_estimate_accuracy',
        'emr_cost_estimate_months',
        'emr_tenants',
        'emr_tenant_history',
      ]) {
        await db(table).delete();
      }
    });

    it('keeps every month sum equal to its daily rows after any sequence of rollups', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(rollup, { minLength: 1, maxLength: 5 }),
          async rollups => {
            for (const table of [
              'emr_cost_daily',
              'emr_cost_days',
              'emr_cost_months',
              'emr_cost_estimate_accuracy',
              'emr_cost_estimate_months',
            ]) {
              await db(table).delete();
            }
            for (const r of rollups) {
              await costs.replaceDays({
                days: r.days,
                billedDays: new Set(r.billed),
                rows: r.rows,
                now: new Date('2026-12-02T00:00:00Z'),
              });
            }
            expect(await stored(months)).toEqual(await expectedMonths(db));
            expect(await months.estimateMonths('2026-01', '2026-12')).toEqual(
              await expectedErrors(db),
            );
          },
        ),
        { numRuns: databaseId === 'SQLITE_3' ? 60 : 30 },
      );
    });

    it('records the estimate against the bill of a month when the bill lands', async () => {
      const uplift = (amount: number, estimated: boolean): StoredCostRow => ({
        date: '2026-11-15',
        tenant: 'team-a',
        tenantUid: 'uid-a1',
        virtualClusterId: null,
        emrJobRunId: 'j',
        jobRunId: null,
        jobName: null,
        entityRef: null,
        category: 'emr-uplift',
        capacityType: 'unknown',
        amount,
        amountLow: null,
        amountHigh: null,
        onDemandAmount: null,
        currency: 'USD',
        source: estimated ? 'estimate' : 'cur',
        estimated,
      });
      const now = new Date('2026-11-20T00:00:00Z');
      const days = ['2026-11-15'];
      await costs.replaceDays({
        days,
        billedDays: new Set(),
        rows: [uplift(2, true)],
        now,
      });
      await costs.replaceDays({
        days,
        billedDays: new Set(days),
        rows: [uplift(1.5, false)],
        now,
      });
      await expect(
        months.estimateMonths('2025-12', '2026-11'),
      ).resolves.toEqual([{ month: '2026-11', estimated: 2, actual: 1.5 }]);
      // The months after or before the range are not read.
      await expect(
        months.estimateMonths('2026-12', '2027-11'),
      ).resolves.toEqual([]);
    });

    it('reads a month with each incarnation’s owner, offboarded ones marked', async () => {
      const now = new Date('2026-11-20T00:00:00Z');
      await db('emr_tenants').insert({
        uid: 'uid-a2',
        name: 'team-a',
        cluster: 'shared',
        namespace: 'team-a',
        owner: 'group:default/team-a',
        spec: '{}',
        phase: 'Ready',
        outputs: '{}',
        created_by: 'x',
        created_at: now,
        updated_at: now,
      });
      await db('emr_tenant_history').insert({
        uid: 'uid-a1',
        name: 'team-a',
        owner: 'group:default/team-a',
        offboarded_at: now,
      });
      const rows = HOLDERS.map((h, i) => ({
        ...fc.sample(costRow, { numRuns: 1, seed: i })[0],
        ...h,
        date: '2026-11-15',
      }));
      await costs.replaceDays({
        days: ['2026-11-15'],
        billedDays: new Set(),
        rows,
        now,
      });
      const read = await months.monthCosts(['2026-11']);
      expect(
        read
          .map(r => [r.tenant, r.tenantUid, r.owner, r.offboarded])
          .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      ).toEqual([
        ['__idle__', null, null, false],
        ['__unallocated__', null, null, false],
        ['team-a', 'uid-a1', 'group:default/team-a', true],
        ['team-a', 'uid-a2', 'group:default/team-a', false],
        ['team-b', 'uid-b', null, false],
      ]);
    });

    it('keeps a month exact when two replicas roll up its days at once', async () => {
      // Two transactions on two connections of the pool, as two replicas:
      // each replaces other days of the same month.
      const rows = (day: string, amount: number) =>
        HOLDERS.map((h, i) => ({
          ...fc.sample(costRow, { numRuns: 1, seed: i })[0],
          ...h,
          date: day,
          amount: amount + i,
        }));
      const store = costs;
      for (let round = 0; round < 8; round++) {
        await Promise.all(
          ['2026-11-01', '2026-11-15', '2026-11-30'].map((day, i) =>
            store.replaceDays({
              days: [day],
              billedDays: new Set(),
              rows: rows(day, round * 10 + i),
              now: new Date('2026-12-02T00:00:00Z'),
            }),
          ),
        );
        expect(await stored(months)).toEqual(await expectedMonths(db));
      }
    });

    if (databaseId === 'POSTGRES_15') {
      it('plans the overview’s reads on the primary keys (EXPLAIN in the log)', async () => {
        // 200 incarnations × 24 months, so the planner has a reason to use indexes.
        const values = [];
        for (let m = 0; m < 24; m++) {
          const month = `${2025 + Math.floor(m / 12)}-${String(
            (m % 12) + 1,
          ).padStart(2, '0')}`;
          for (let t = 0; t < 200; t++) {
            values.push({
              month,
              tenant_key: `uid-${t}`,
              tenant: `t${t}`,
              tenant_uid: `uid-${t}`,
              total: 1,
              estimated: 0,
              compute: 1,
              uplift: 0,
              storage: 0,
              spot_compute: 1,
              spot_savings: null,
              currency: 'USD',
            });
          }
          await db('emr_cost_estimate_months').insert({
            month,
            estimated: 1,
            actual: 1,
          });
        }
        for (let i = 0; i < values.length; i += 500) {
          await db('emr_cost_months').insert(values.slice(i, i + 500));
        }
        await db.raw('analyze emr_cost_months');
        await db.raw('analyze emr_cost_estimate_months');
        // The statements the real methods send, each EXPLAINed as sent.
        const sent: Array<{ sql: string; bindings: unknown[] }> = [];
        const listen = (q: { sql: string; bindings?: unknown[] }) =>
          sent.push({ sql: q.sql, bindings: q.bindings ?? [] });
        db.on('query', listen);
        try {
          await months.monthCosts(['2026-10', '2026-11']);
          await months.estimateMonths('2025-12', '2026-11');
          await new IncarnationStore(db).ownedBy(
            'group:default/team-a',
            new Date('2026-10-01T00:00:00Z'),
          );
          await months.rebuild(['2026-11-01']);
        } finally {
          db.removeListener('query', listen);
        }
        const plans: string[] = [];
        const connection = await db.client.acquireConnection();
        try {
          for (const { sql, bindings } of sent) {
            if (!/^(select|insert)/i.test(sql)) {
              continue;
            }
            const result = await connection.query(`explain ${sql}`, bindings);
            plans.push(
              `${sql}\n${result.rows
                .map((r: Record<string, string>) => `  ${r['QUERY PLAN']}`)
                .join('\n')}`,
            );
          }
        } finally {
          await db.client.releaseConnection(connection);
        }
        // eslint-disable-next-line no-console
        console.log(`EXPLAIN of the overview's reads:\n${plans.join('\n\n')}`);
        expect(plans[0]).toMatch(/emr_cost_months_pkey/);
        expect(isPostgres(db)).toBe(true);
      });
    }
  },
);
