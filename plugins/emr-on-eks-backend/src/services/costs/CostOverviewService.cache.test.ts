import { gunzipSync } from 'node:zlib';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { CostOverview } from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import type { EmrOnEksSettings } from '../../config';
import {
  insertTenantRow,
  storedCostRow as row,
} from '../../__testUtils__/costRows';
import { migrated } from '../../__testUtils__/database';
import { BudgetStore } from '../../stores/costs/BudgetStore';
import { CostMonthStore } from '../../stores/costs/CostMonthStore';
import { CostStore } from '../../stores/costs/CostStore';
import { IncarnationStore } from '../../stores/IncarnationStore';
import { TenantStore } from '../../stores/TenantStore';
import { BudgetService } from './BudgetService';
import { CostOverviewService } from './CostOverviewService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const SETTINGS = { costs: { currency: 'USD' } } as EmrOnEksSettings;
const ROLLED_UP = new Date('2026-11-20T00:00:00Z');

function figures(overview: CostOverview) {
  return overview.rows.map(r => [
    r.tenant,
    r.total,
    r.budget,
    r.forecast,
    r.offboarded,
  ]);
}

describe.each(databases.eachSupportedId())(
  'CostOverviewService cache on %p',
  (databaseId: TestDatabaseId) => {
    let db: Knex;
    let costs: CostStore;
    let budgets: BudgetStore;

    beforeEach(async () => {
      db = await migrated(await databases.init(databaseId));
      costs = new CostStore(db);
      budgets = new BudgetStore(db);
      await insertTenantRow(db, {
        uid: 'uid-a',
        name: 'team-a',
        owner: 'group:default/team-a',
      });
      await insertTenantRow(db, {
        uid: 'uid-b',
        name: 'team-b',
        owner: 'group:default/team-b',
      });
      await costs.replaceDays({
        days: ['2026-11-10'],
        billedDays: new Set(['2026-11-10']),
        rows: [
          row({ amount: 6 }),
          row({ tenant: 'team-b', tenantUid: 'uid-b', amount: 3 }),
        ],
        now: ROLLED_UP,
      });
      await budgets.upsertBudget({
        tenant: 'team-a',
        tenantUid: 'uid-a',
        amount: 10,
        currency: 'USD',
        thresholds: [80, 100],
        updatedBy: 'user:default/admin',
        updatedAt: '2026-11-15T00:00:00.000Z',
      });
    });

    /** A replica: its own service, with its own cache, on the shared database. */
    function replica() {
      return CostOverviewService.create({
        settings: SETTINGS,
        months: new CostMonthStore(db),
        costs: new CostStore(db),
        incarnations: new IncarnationStore(db),
        budgets: BudgetService.create({ settings: SETTINGS, store: budgets }),
        now: () => new Date('2026-11-20T12:00:00Z'),
      });
    }

    async function counted<T>(
      work: () => Promise<T>,
    ): Promise<{ result: T; queries: string[] }> {
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      db.on('query', listen);
      try {
        return { result: await work(), queries };
      } finally {
        db.removeListener('query', listen);
      }
    }

    it('serves a month again from its cache after one small version query', async () => {
      const service = replica();
      const first = await counted(() => service.overview('2026-11'));
      expect(first.queries.length).toBeGreaterThan(1);
      const again = await counted(() => service.overview('2026-11'));
      expect(again.queries).toHaveLength(1);
      expect(again.queries[0]).not.toMatch(/emr_cost_daily/);
      expect(again.result).toBe(first.result);
      // The answers as sent are serialised once too.
      const json = await counted(() => service.serialised('2026-11', 'json'));
      expect(json.queries).toHaveLength(1);
      expect(JSON.parse(json.result.body as string)).toEqual(first.result);
      const csv = await service.serialised('2026-11', 'csv');
      expect(csv.body).toBe(service.csv(first.result));
      // Gzipped once as well: the same bytes again, under another tag.
      const zipped = await service.serialised('2026-11', 'json', 'gzip');
      expect(zipped.encoding).toBe('gzip');
      expect(
        JSON.parse(gunzipSync(zipped.body as Buffer).toString('utf8')),
      ).toEqual(first.result);
      expect((await service.serialised('2026-11', 'json', 'gzip')).body).toBe(
        zipped.body,
      );
      expect(zipped.etag).not.toBe(json.result.etag);
      expect((await service.serialised('2026-11', 'json')).etag).toBe(
        json.result.etag,
      );
    });

    it('keeps the last 12 months asked', async () => {
      const service = replica();
      // 2025-12 .. 2026-11 (the replica's current month), then 2025-11
      // pushes the oldest asked (2025-12) out.
      const months = [
        '2025-12',
        ...Array.from(
          { length: 11 },
          (_, i) => `2026-${String(i + 1).padStart(2, '0')}`,
        ),
        '2025-11',
      ];
      for (const month of months) {
        await service.overview(month);
      }
      const kept = await counted(() => service.overview('2026-11'));
      expect(kept.queries).toHaveLength(1);
      const dropped = await counted(() => service.overview('2025-12'));
      expect(dropped.queries.length).toBeGreaterThan(1);
    });

    it('never serves a stale overview on any replica after a write', async () => {
      const a = replica();
      const b = replica();
      expect(figures(await a.overview('2026-11'))).toEqual([
        ['team-a', 6, 10, null, false],
        ['team-b', 3, null, null, false],
      ]);
      await b.overview('2026-11');

      // A budget set again, stamped earlier than the last (a replica whose
      // clock is behind): still a new version.
      await budgets.upsertBudget({
        tenant: 'team-a',
        tenantUid: 'uid-a',
        amount: 12,
        currency: 'USD',
        thresholds: [80, 100],
        updatedBy: 'user:default/admin',
        updatedAt: '2026-11-14T00:00:00.000Z',
      });
      for (const service of [a, b]) {
        expect(figures(await service.overview('2026-11'))[0]).toEqual([
          'team-a',
          6,
          12,
          null,
          false,
        ]);
      }

      // A forecast of the month, from the threshold check.
      await budgets.upsertForecasts([
        {
          tenantUid: 'uid-a',
          month: '2026-11',
          monthToDate: 6,
          forecast: 11,
          low: 9,
          high: 13,
          status: null,
          computedAt: new Date('2026-11-20T01:00:00Z'),
        },
      ]);
      expect(figures(await b.overview('2026-11'))[0][3]).toBe(11);

      // The day rolled up again, with the same stamp: another amount.
      await costs.replaceDays({
        days: ['2026-11-10'],
        billedDays: new Set(['2026-11-10']),
        rows: [
          row({ amount: 7 }),
          row({ tenant: 'team-b', tenantUid: 'uid-b', amount: 3 }),
        ],
        now: ROLLED_UP,
      });
      for (const service of [a, b]) {
        expect(figures(await service.overview('2026-11'))).toEqual([
          ['team-a', 7, 12, 11, false],
          ['team-b', 3, null, null, false],
        ]);
      }

      // team-b offboarded.
      await new TenantStore(db).deleteTenant('team-b');
      for (const service of [a, b]) {
        expect(figures(await service.overview('2026-11'))[1]).toEqual([
          'team-b',
          3,
          null,
          null,
          true,
        ]);
      }

      // An owner changed.
      await db('emr_tenants')
        .where({ uid: 'uid-a' })
        .update({ owner: 'group:default/team-z', updated_at: new Date() });
      expect((await a.overview('2026-11')).rows[0].owner).toBe(
        'group:default/team-z',
      );
    });
  },
);
