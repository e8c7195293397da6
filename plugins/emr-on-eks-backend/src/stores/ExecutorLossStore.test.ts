import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { migrated } from '../__testUtils__/database';
import { ExecutorLossStore } from './ExecutorLossStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrationsDir = resolvePackagePath(
  '@spot-spark/plugin-emr-on-eks-backend',
  'migrations',
);
const RUN = '0a1b2c3d-0000-4000-8000-000000000042';
const FIRST = {
  spotLosses: 2,
  otherLosses: 1,
  source: 'driver-log' as const,
  losses: [
    {
      executorId: '3',
      at: '2026-12-07T01:41:41.000Z',
      cause: 'spot' as const,
      line: 'Decommission executors: 3',
    },
  ],
};

describe.each(databases.eachSupportedId())(
  'ExecutorLossStore on %p',
  databaseId => {
    it('keeps the first result of a run and answers it back', async () => {
      const store = new ExecutorLossStore(
        await migrated(await databases.init(databaseId)),
      );
      await expect(store.find(RUN)).resolves.toBeUndefined();
      await store.save(RUN, FIRST);
      // A replica that read the log at the same time keeps nothing new.
      await store.save(RUN, { ...FIRST, spotLosses: 9 });
      await expect(store.find(RUN)).resolves.toEqual(FIRST);
    });

    it('has a migration that goes down and up again', async () => {
      const knex = await migrated(await databases.init(databaseId));
      const [done] = await knex.migrate.list({ directory: migrationsDir });
      const names = done.map((m: { name: string }) => m.name);
      const mine = '20261207010000_job_run_executor_losses.js';
      expect(names).toContain(mine);
      // Down to just before it, then up again.
      while (
        (await knex.migrate.list({ directory: migrationsDir }))[0]
          .map((m: { name: string }) => m.name)
          .includes(mine)
      ) {
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable('emr_job_run_executor_losses')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('emr_job_run_executor_losses')).toBe(
        true,
      );
    });
  },
);
