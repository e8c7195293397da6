import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { EmrOnEksSettings } from '../../config';
import { migrated } from '../../__testUtils__/database';
import { CostOverviewService } from '../../services/costs/CostOverviewService';
import { CostMonthStore } from '../../stores/costs/CostMonthStore';
import { CostStore } from '../../stores/costs/CostStore';
import { IncarnationStore } from '../../stores/IncarnationStore';
import { addDays, ESTIMATE_MONTHS, seedScale } from './seed';

/*
 * The scale bench's seed, tiny: the admin's overview it leaves has the
 * estimate-versus-bill history, as a deployment that has rolled up bills
 * for a few months has (recorded per tenant and day, summed per month).
 */

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'the scale seed on %p',
  (databaseId: TestDatabaseId) => {
    it('gives the overview an error history of a few percent for its last months', async () => {
      const knex = await migrated(await databases.init(databaseId));
      const { lastDay } = await seedScale(
        knex,
        { tenants: 10, runs: 50, days: 120, groups: 5, entitiesPerTenant: 2 },
        () => {},
      );
      const month = lastDay.slice(0, 7);
      const overview = await CostOverviewService.create({
        settings: { costs: { currency: 'USD' } } as EmrOnEksSettings,
        months: new CostMonthStore(knex),
        costs: new CostStore(knex),
        incarnations: new IncarnationStore(knex),
        now: () => new Date(`${lastDay}T12:00:00Z`),
      }).overview(month);

      // The last months with a billed day (the last two days are estimates).
      const months = [
        ...new Set(
          Array.from({ length: 31 * ESTIMATE_MONTHS }, (_, d) =>
            addDays(lastDay, -2 - d).slice(0, 7),
          ),
        ),
      ]
        .slice(0, ESTIMATE_MONTHS)
        .reverse();
      expect(overview.estimateErrors.map(e => e.month)).toEqual(months);
      for (const e of overview.estimateErrors) {
        expect(e.actual).toBeGreaterThan(0);
        expect(Math.abs(e.error!)).toBeGreaterThan(0.001);
        expect(Math.abs(e.error!)).toBeLessThan(0.05);
      }
      // The rows are the billed uplift of those months, a row a tenant a day.
      const [{ n }] = await knex('emr_cost_estimate_accuracy').count({
        n: '*',
      });
      const firstOfFirst = `${months[0]}-01`;
      const billedDays =
        (Date.parse(addDays(lastDay, -2)) - Date.parse(firstOfFirst)) /
          86_400_000 +
        1;
      expect(Number(n)).toBe(10 * billedDays);
    });
  },
);
