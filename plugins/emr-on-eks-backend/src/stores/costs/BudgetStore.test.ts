import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { TenantBudget } from '@spot-spark/plugin-emr-on-eks-common';
import knexFactory from 'knex';
import type { StoredCostRow } from '../../domain/costs/types';
import { migrated } from '../../__testUtils__/database';
import { storedCostRow } from '../../__testUtils__/costRows';
import { spec } from '../../__testUtils__/fixtures';
import { TenantStore } from '../TenantStore';
import { BudgetStore } from './BudgetStore';
import { CostStore } from './CostStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const NOW = new Date('2026-11-22T12:00:00Z');

async function world(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const db = await migrated(knex);
  const queries: string[] = [];
  db.on('query', (q: { sql: string }) => queries.push(q.sql));
  return {
    knex: db,
    store: new BudgetStore(db),
    tenants: new TenantStore(db),
    costs: new CostStore(db),
    queries,
  };
}

function budget(overrides: Partial<TenantBudget> = {}): TenantBudget {
  return {
    tenant: 'team-a',
    tenantUid: 'uid-a',
    amount: 1000,
    currency: 'USD',
    thresholds: [50, 80, 100],
    updatedBy: 'user:default/admin',
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

function costRow(overrides: Partial<StoredCostRow>): StoredCostRow {
  return storedCostRow({
    date: '2026-11-20',
    virtualClusterId: 'vca',
    emrJobRunId: 'job1',
    ...overrides,
  });
}

const FIGURES = {
  basis: 'actual' as const,
  monthToDate: 600,
  forecast: 900,
  budget: 1000,
  now: NOW,
};

describe.each(databases.eachSupportedId())('BudgetStore on %p', databaseId => {
  it('sets, replaces, reads and deletes a budget by uid', async () => {
    const { store } = await world(databaseId);
    await expect(store.getBudget('uid-a')).resolves.toBeUndefined();
    await expect(store.upsertBudget(budget())).resolves.toEqual(budget());
    const replaced = budget({ amount: 250.5, thresholds: [90] });
    await expect(store.upsertBudget(replaced)).resolves.toEqual(replaced);
    await store.upsertBudget(budget({ tenantUid: 'uid-b', tenant: 'team-b' }));
    await expect(store.listBudgets()).resolves.toEqual([
      replaced,
      budget({ tenantUid: 'uid-b', tenant: 'team-b' }),
    ]);
    await expect(store.deleteBudget('uid-a')).resolves.toBe(true);
    await expect(store.deleteBudget('uid-a')).resolves.toBe(false);
    await expect(store.getBudget('uid-a')).resolves.toBeUndefined();
  });

  it('lists the current tenants with a budget, not offboarded ones', async () => {
    const { store, tenants } = await world(databaseId);
    const a = await tenants.insertTenant({
      spec: spec({ name: 'team-a' }),
      createdBy: 'user:default/alice',
    });
    await store.upsertBudget(budget({ tenantUid: a.uid }));
    await store.upsertBudget(budget({ tenantUid: 'gone', tenant: 'team-x' }));
    const found = await store.budgetedTenants();
    expect(found).toEqual([
      {
        uid: a.uid,
        name: 'team-a',
        owner: 'group:default/team-a',
        createdAt: expect.any(Date),
        budget: budget({ tenantUid: a.uid }),
      },
    ]);
    const created = await store.createdAtOf([a.uid, 'gone']);
    expect([...created.keys()]).toEqual([a.uid]);
  });

  it('sums each incarnation’s days in one grouped query, estimates apart', async () => {
    const { store, costs, queries } = await world(databaseId);
    await costs.replaceDays({
      days: ['2026-11-20', '2026-11-21'],
      billedDays: new Set(['2026-11-20']),
      now: NOW,
      rows: [
        costRow({ amount: 2 }),
        costRow({ amount: 0.5, category: 'emr-uplift' }),
        costRow({ date: '2026-11-21', amount: 3, estimated: true }),
        costRow({ date: '2026-11-21', amount: 1 }),
        costRow({ tenantUid: 'uid-b', tenant: 'team-b', amount: 7 }),
        costRow({ tenantUid: 'uid-c', tenant: 'team-c', amount: 9 }),
      ],
    });
    queries.length = 0;
    const totals = await store.dailyTotals(
      ['uid-a', 'uid-b'],
      '2026-11-01',
      '2026-11-30',
    );
    expect(queries).toHaveLength(1);
    expect(
      totals.sort((x, y) =>
        `${x.tenantUid}${x.date}`.localeCompare(`${y.tenantUid}${y.date}`),
      ),
    ).toEqual([
      { tenantUid: 'uid-a', date: '2026-11-20', amount: 2.5, estimated: 0 },
      { tenantUid: 'uid-a', date: '2026-11-21', amount: 4, estimated: 3 },
      { tenantUid: 'uid-b', date: '2026-11-20', amount: 7, estimated: 0 },
    ]);
    await expect(store.firstRolledUpDay()).resolves.toBe('2026-11-20');
  });

  it('reads the budgets of a month with their stored forecasts in one query', async () => {
    const { store, queries } = await world(databaseId);
    await store.upsertBudget(budget());
    await store.upsertBudget(budget({ tenantUid: 'uid-b', tenant: 'team-b' }));
    const status = {
      state: 'ok' as const,
      actualPercent: 10,
      forecastPercent: 40,
      crossed: [],
    };
    const stored = {
      tenantUid: 'uid-a',
      month: '2026-11',
      monthToDate: 100,
      forecast: 400,
      low: 300,
      high: 500,
      status,
      computedAt: NOW,
    };
    await store.upsertForecasts([
      { ...stored, forecast: 1 },
      { ...stored, month: '2026-10', forecast: 999 },
    ]);
    await store.upsertForecasts([stored]);
    for (const uids of ['all', ['uid-a', 'uid-b']] as const) {
      queries.length = 0;
      const found = await store.budgetsWithForecasts(
        uids === 'all' ? 'all' : [...uids],
        '2026-11',
      );
      expect(queries).toHaveLength(1);
      expect(
        found.sort((x, y) => x.budget.tenant.localeCompare(y.budget.tenant)),
      ).toEqual([
        { budget: budget(), forecast: stored },
        {
          budget: budget({ tenantUid: 'uid-b', tenant: 'team-b' }),
          forecast: null,
        },
      ]);
    }
    await expect(
      store.budgetsWithForecasts(['uid-b'], '2026-11'),
    ).resolves.toHaveLength(1);
  });

  it('lets one caller claim an alert, once per incarnation, month and threshold', async () => {
    const { store } = await world(databaseId);
    await expect(
      store.claimAlert('uid-a', '2026-11', 50, FIGURES),
    ).resolves.toBe(true);
    await expect(
      store.claimAlert('uid-a', '2026-11', 50, FIGURES),
    ).resolves.toBe(false);
    await expect(
      store.claimAlert('uid-a', '2026-11', 80, FIGURES),
    ).resolves.toBe(true);
    await expect(
      store.claimAlert('uid-a', '2026-12', 50, FIGURES),
    ).resolves.toBe(true);
    await expect(
      store.claimAlert('uid-b', '2026-11', 50, FIGURES),
    ).resolves.toBe(true);
    const alerted = await store.alertedThresholds(
      ['uid-a', 'uid-b'],
      '2026-11',
    );
    expect(alerted).toEqual(
      new Map([
        ['uid-a', new Set([50, 80])],
        ['uid-b', new Set([50])],
      ]),
    );
  });
});

const postgres = databases.eachSupportedId().flat().includes('POSTGRES_15');

(postgres ? describe : describe.skip)(
  'BudgetStore claims across connections',
  () => {
    it('gives each alert to exactly one of many concurrent claimers on PostgreSQL', async () => {
      const { knex } = await world('POSTGRES_15');
      const others = [1, 2, 3].map(() => knexFactory(knex.client.config));
      try {
        const stores = [knex, ...others].map(db => new BudgetStore(db));
        for (const threshold of [50, 80, 100]) {
          const claims = await Promise.all(
            stores.flatMap(store =>
              [1, 2].map(() =>
                store.claimAlert('uid-a', '2026-11', threshold, FIGURES),
              ),
            ),
          );
          expect(claims.filter(Boolean)).toHaveLength(1);
        }
      } finally {
        await Promise.all(others.map(db => db.destroy()));
      }
    });
  },
);
