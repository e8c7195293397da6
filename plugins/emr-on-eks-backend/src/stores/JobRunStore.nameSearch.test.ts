import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { migrated } from '../__testUtils__/database';
import { jobRequest } from '../__testUtils__/fixtures';
import { JobRunQuery, JobRunStore } from './JobRunStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Names with every character LIKE treats specially, and case variants. */
const NAMES = [
  'Daily-Sales',
  'daily_sales',
  'dailyXsales',
  'weekly-SALES-report',
  '50%_off',
  '50pct-off',
  'back\\slash',
  'backslash',
  'under_score',
  'underXscore',
];

async function storeWithRuns(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const store = new JobRunStore(await migrated(knex));
  for (const [index, name] of NAMES.entries()) {
    await store.insertSubmission({
      id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      tenant: 'team-a',
      tenantUid: 'uid-team-a',
      virtualClusterId: 'vc-a',
      name,
      releaseLabel: 'emr-7.5.0-latest',
      submittedBy: 'user:default/alice',
      spot: true,
      clientToken: `token-${index}`,
      requestHash: `hash-${index}`,
      requested: {
        driver: { cores: 1, memoryMiB: 2432 },
        executor: { cores: 2, memoryMiB: 4480 },
        minExecutors: 1,
        maxExecutors: 4,
        maxCores: 9,
        maxMemoryMiB: 20352,
      },
      request: jobRequest(),
    });
  }
  return { knex, store };
}

/** Every page of a list, following the cursors. */
async function allPages(
  store: JobRunStore,
  query: Omit<JobRunQuery, 'cursor'>,
): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < NAMES.length + 2; page++) {
    const result = await store.listRuns({ ...query, cursor });
    names.push(...result.items.map(run => run.name));
    cursor = result.nextCursor;
    if (!cursor) {
      return names;
    }
  }
  throw new Error('the cursors never ended');
}

const containing = (needle: string) =>
  NAMES.filter(name => name.toLowerCase().includes(needle.toLowerCase()));

describe('JobRunStore: the name search', () => {
  it.each(databases.eachSupportedId())(
    'finds names containing the text in any case, wildcards taken literally, on %p',
    async databaseId => {
      const { store } = await storeWithRuns(databaseId);
      const find = async (name: string) =>
        (await allPages(store, { name, limit: 50 })).sort();

      expect(await find('sales')).toEqual(
        [
          'Daily-Sales',
          'daily_sales',
          'dailyXsales',
          'weekly-SALES-report',
        ].sort(),
      );
      // `_` is not "any character", `%` not "anything", `\` not an escape.
      expect(await find('y_s')).toEqual(['daily_sales']);
      expect(await find('%')).toEqual(['50%_off']);
      expect(await find('0%_')).toEqual(['50%_off']);
      expect(await find('\\')).toEqual(['back\\slash']);
      expect(await find('\\s')).toEqual(['back\\slash']);
      expect(await find('r_s')).toEqual(['under_score']);
    },
  );

  it.each(databases.eachSupportedId())(
    'binds the text: SQL in it is only text, on %p',
    async databaseId => {
      const { store, knex } = await storeWithRuns(databaseId);
      expect(
        await allPages(store, {
          name: "x'; delete from emr_job_runs; --",
          limit: 50,
        }),
      ).toEqual([]);
      expect(await allPages(store, { name: "' or '1'='1", limit: 50 })).toEqual(
        [],
      );
      const [{ count }] = await knex('emr_job_runs').count({ count: '*' });
      expect(Number(count)).toBe(NAMES.length);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages through the matches with the cursor, newest first, none twice, on %p',
    async databaseId => {
      const { store } = await storeWithRuns(databaseId);
      const everything = await allPages(store, { limit: 50 });
      for (const limit of [1, 2, 3]) {
        const paged = await allPages(store, { name: 'A', limit });
        // The same runs in the same order as the unpaged list, filtered.
        expect(paged).toEqual(
          everything.filter(name => name.toLowerCase().includes('a')),
        );
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'agrees with a plain substring test for any text of LIKE’s characters, on %p',
    async databaseId => {
      const { store } = await storeWithRuns(databaseId);
      await fc.assert(
        fc.asyncProperty(
          fc
            .array(fc.constantFrom('a', 'S', 'l', '_', '%', '\\', '-', 'X'), {
              minLength: 1,
              maxLength: 3,
            })
            .map(chars => chars.join('')),
          async needle => {
            expect(
              (await allPages(store, { name: needle, limit: 4 })).sort(),
            ).toEqual(containing(needle).sort());
          },
        ),
        { numRuns: 25 },
      );
    },
  );
});
