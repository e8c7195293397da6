import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { BudgetStatus } from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import type { EmrOnEksSettings } from '../../config';
import {
  insertTenantRow,
  storedCostRow as row,
} from '../../__testUtils__/costRows';
import { migrated } from '../../__testUtils__/database';
import { CostMonthStore } from '../../stores/costs/CostMonthStore';
import { CostStore } from '../../stores/costs/CostStore';
import { IncarnationStore } from '../../stores/IncarnationStore';
import type { BudgetLookup, BudgetOfMonth } from './BudgetLookup';
import { CostOverviewService } from './CostOverviewService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const OVER: BudgetStatus = {
  state: 'over',
  actualPercent: 120,
  forecastPercent: 130,
  crossed: [{ threshold: 100, basis: 'actual' }],
};

/** Budgets held in memory, as BudgetService would answer them. */
class MemoryBudgets implements BudgetLookup {
  readonly asked: Array<{ uids: string[] | 'all'; month: string }> = [];
  constructor(private readonly byUid: Record<string, BudgetOfMonth>) {}
  async budgetsOfMonth(uids: string[] | 'all', month: string) {
    this.asked.push({ uids, month });
    return new Map(
      Object.entries(this.byUid).filter(
        ([uid]) => uids === 'all' || uids.includes(uid),
      ),
    );
  }
}

describe.each(databases.eachSupportedId())(
  'CostOverviewService on %p',
  (databaseId: TestDatabaseId) => {
    let db: Knex;

    beforeAll(async () => {
      db = await migrated(await databases.init(databaseId));
      await insertTenantRow(db, {
        uid: 'uid-a',
        name: 'team-a',
        owner: 'group:default/team-a',
      });
      await insertTenantRow(db, {
        uid: 'uid-n',
        name: 'new-team',
        owner: 'group:default/team-n',
      });
      const costs = new CostStore(db);
      await costs.replaceDays({
        days: ['2026-10-10'],
        billedDays: new Set(['2026-10-10']),
        rows: [row({ date: '2026-10-10', amount: 8 })],
        now: new Date('2026-11-20T00:00:00Z'),
      });
      await costs.replaceDays({
        days: ['2026-11-10', '2026-11-11'],
        billedDays: new Set(['2026-11-10']),
        rows: [
          row({ amount: 6, onDemandAmount: 10 }),
          row({ date: '2026-11-11', capacityType: 'on-demand', amount: 4 }),
          row({ tenant: '__idle__', tenantUid: null, amount: 2 }),
        ],
        now: new Date('2026-11-20T00:00:00Z'),
      });
    });

    function service(budgets?: BudgetLookup) {
      return CostOverviewService.create({
        settings: { costs: { currency: 'USD' } } as EmrOnEksSettings,
        months: new CostMonthStore(db),
        costs: new CostStore(db),
        incarnations: new IncarnationStore(db),
        budgets,
        now: () => new Date('2026-11-20T12:00:00Z'),
      });
    }

    it('puts each budget beside its tenant’s costs, in one lookup for the month', async () => {
      const budgets = new MemoryBudgets({
        'uid-a': { budget: 9, forecast: 13, status: OVER },
        'uid-n': { budget: 50, forecast: null, status: null },
      });
      const result = await service(budgets).overview('2026-11');
      expect(budgets.asked).toEqual([{ uids: 'all', month: '2026-11' }]);
      expect(
        result.rows.map(r => [
          r.tenant,
          r.total,
          r.previousTotal,
          r.budget,
          r.forecast,
          r.budgetStatus?.state ?? null,
        ]),
      ).toEqual([
        ['team-a', 10, 8, 9, 13, 'over'],
        ['__idle__', 2, 0, null, null, null],
        // Budgeted, no costs yet: still on the page, with its owner.
        ['new-team', 0, 0, 50, null, null],
      ]);
      expect(result.rows[0]).toMatchObject({
        spotShare: 0.6,
        spotSavings: 4,
        change: 0.25,
      });
      expect(result.rows[2].owner).toBe('group:default/team-n');
      expect(result).toMatchObject({
        completeThrough: '2026-11-10',
        refreshedAt: '2026-11-20T00:00:00.000Z',
        totals: { total: 12, previousTotal: 8, idle: 2, unallocated: 0 },
      });
    });

    it('leaves the budget fields null without a budget lookup', async () => {
      const result = await service().overview('2026-11');
      expect(
        result.rows.map(r => [r.tenant, r.budget, r.budgetStatus]),
      ).toEqual([
        ['team-a', null, null],
        ['__idle__', null, null],
      ]);
      expect(service().currentMonth()).toBe('2026-11');
    });

    it('reads a month in a fixed number of queries, whatever the tenants', async () => {
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      db.on('query', listen);
      try {
        await service().overview('2026-11');
      } finally {
        db.removeListener('query', listen);
      }
      // The version with the coverage, the month sums with their owners,
      // the errors' history.
      expect(queries).toHaveLength(3);
      expect(queries.filter(q => /emr_cost_daily/.test(q))).toEqual([]);
    });
  },
);
