import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import {
  costRow,
  expectedMonths,
  stored,
} from '../../__testUtils__/costMonths';
import { CostMonthStore } from './CostMonthStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrationsDir = resolvePackagePath(
  '@spot-spark/plugin-emr-on-eks-backend',
  'migrations',
);

describe('the cost months migration', () => {
  it.each(databases.eachSupportedId())(
    'fills the month sums from the rows already there, and goes down, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const nameOf = (m: { file?: string; name?: string } | string) =>
        typeof m === 'string' ? m : m.file ?? m.name ?? '';
      const THIS = '20261208010000_cost_months';
      for (;;) {
        const [, pending] = await knex.migrate.list({
          directory: migrationsDir,
        });
        if (nameOf(pending[0]).startsWith(THIS)) {
          break;
        }
        await knex.migrate.up({ directory: migrationsDir });
      }
      const rows = fc.sample(costRow, { numRuns: 40, seed: 7 }).map(r => ({
        date: r.date,
        tenant: r.tenant,
        tenant_uid: r.tenantUid,
        category: r.category,
        capacity_type: r.capacityType,
        amount: r.amount,
        on_demand_amount: r.onDemandAmount,
        currency: r.currency,
        source: r.source,
        estimated: r.estimated,
      }));
      await knex('emr_cost_daily').insert(rows);
      await knex('emr_cost_estimate_accuracy').insert([
        {
          date: '2026-11-01',
          tenant: 'team-a',
          tenant_uid: 'uid-a1',
          estimated: 2,
          actual: 1,
          recorded_at: new Date(),
        },
        {
          date: '2026-11-02',
          tenant: 'team-b',
          tenant_uid: 'uid-b',
          estimated: 1,
          actual: 1,
          recorded_at: new Date(),
        },
      ]);
      await knex.migrate.up({ directory: migrationsDir });
      const months = new CostMonthStore(knex);
      expect(await stored(months)).toEqual(await expectedMonths(knex));
      expect(await months.estimateMonths('2026-01', '2026-12')).toEqual([
        { month: '2026-11', estimated: 3, actual: 2 },
      ]);
      // Down to (and including) this migration.
      for (;;) {
        const [done] = await knex.migrate.list({ directory: migrationsDir });
        if (!done.some((m: any) => nameOf(m).startsWith(THIS))) {
          break;
        }
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable('emr_cost_months')).toBe(false);
      expect(await knex.schema.hasTable('emr_cost_estimate_months')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('emr_cost_months')).toBe(true);
    },
  );
});
