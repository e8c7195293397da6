import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { JobRunState } from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import knexFactory from 'knex';
import { stateRank } from '../domain/jobRun/stateOrder';
import { migrated } from '../__testUtils__/database';
import { jobRequest } from '../__testUtils__/fixtures';
import { JobRunStore, NewSubmission } from './JobRunStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrationsDir = resolvePackagePath(
  '@spot-spark/plugin-emr-on-eks-backend',
  'migrations',
);

const EMR_STATES: JobRunState[] = [
  'PENDING',
  'SUBMITTED',
  'RUNNING',
  'CANCEL_PENDING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
];

let sequence = 0;
function submission(overrides: Partial<NewSubmission> = {}): NewSubmission {
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    tenant: 'team-a',
    tenantUid: 'uid-team-a',
    virtualClusterId: 'vc-a',
    name: 'daily',
    releaseLabel: 'emr-7.5.0-latest',
    entityRef: 'component:default/daily',
    submittedBy: 'user:default/alice',
    spot: true,
    clientToken: `token-${sequence}`,
    requestHash: 'same-request',
    requested: {
      driver: { cores: 1, memoryMiB: 2432 },
      executor: { cores: 2, memoryMiB: 4480 },
      minExecutors: 1,
      maxExecutors: 4,
      maxCores: 9,
      maxMemoryMiB: 20352,
    },
    request: jobRequest(),
    ...overrides,
  };
}

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  return { knex, store: new JobRunStore(await migrated(knex)) };
}

/** A run EMR accepted (PENDING, EMR id `emr-<n>`). */
async function acceptedRun(store: JobRunStore) {
  const { run } = await store.insertSubmission(submission());
  await store.markSubmitted(run.id, {
    emrJobRunId: `emr${sequence}`,
    by: 'user:default/alice',
  });
  return run.id;
}

describe('JobRunStore: every state a run passes through', () => {
  it.each(databases.eachSupportedId())(
    'never moves a state backwards, whatever the order and repeats of observations, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...EMR_STATES), {
            minLength: 1,
            maxLength: 12,
          }),
          async observed => {
            const id = await acceptedRun(store);
            let expected: JobRunState = 'PENDING';
            let changes = 0;
            for (const state of observed) {
              const applied = (await store.observe(id, {
                state,
                source: 'event',
              }))!;
              const moves =
                stateRank(expected) < stateRank('COMPLETED') &&
                stateRank(state) > stateRank(expected);
              expect(applied.stateChanged).toBe(moves);
              if (moves) {
                expected = state;
                changes++;
              }
            }
            const run = (await store.getRun(id))!;
            expect(run.state).toBe(expected);
            const history = await store.listStateChanges(id);
            // SUBMITTING and PENDING from the submission, then each move.
            expect(history.map(h => h.state).slice(0, 2)).toEqual([
              'SUBMITTING',
              'PENDING',
            ]);
            expect(history).toHaveLength(2 + changes);
            const ranks = history.map(h => stateRank(h.state));
            expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
            expect(new Set(ranks).size).toBe(ranks.length);
          },
        ),
        { numRuns: databaseId === 'SQLITE_3' ? 40 : 15 },
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'says a repeated observation changed nothing, and keeps what an earlier one knew, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const id = await acceptedRun(store);
      const failed = {
        state: 'FAILED' as const,
        source: 'event' as const,
        failureReason: 'USER_ERROR',
        stateDetails: 'exit code 1',
      };
      expect(await store.observe(id, failed)).toMatchObject({
        changed: true,
        stateChanged: true,
        previousState: 'PENDING',
      });
      expect(await store.observe(id, failed)).toMatchObject({
        changed: false,
        stateChanged: false,
      });
      // The sync says less (no details): the details stay.
      expect(
        await store.observe(id, { state: 'FAILED', source: 'sync' }),
      ).toMatchObject({ changed: false });
      // A late RUNNING changes nothing either.
      expect(
        await store.observe(id, { state: 'RUNNING', source: 'event' }),
      ).toMatchObject({ changed: false });
      expect(await store.getRun(id)).toMatchObject({
        state: 'FAILED',
        failureReason: 'USER_ERROR',
        stateDetails: 'exit code 1',
      });
      expect(await store.observe('no-such-run', failed)).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'goes back to an earlier state only for a later driver attempt, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const id = await acceptedRun(store);
      await store.observe(id, {
        state: 'RUNNING',
        source: 'sync',
        attempt: 1,
        maxAttempts: 3,
      });
      const second = await store.observe(id, {
        state: 'SUBMITTED',
        source: 'event',
        attempt: 2,
        details: 'driver attempt 2; the previous driver failed: OOMKilled',
      });
      expect(second).toMatchObject({ stateChanged: true });
      // The first attempt's SUBMITTED, seen late, is not a change.
      expect(
        await store.observe(id, {
          state: 'SUBMITTED',
          source: 'event',
          attempt: 1,
        }),
      ).toMatchObject({ changed: false });
      expect(await store.getRun(id)).toMatchObject({
        state: 'SUBMITTED',
        attempts: 2,
        maxAttempts: 3,
      });
      const history = await store.listStateChanges(id);
      expect(history.slice(-2)).toEqual([
        expect.objectContaining({ state: 'RUNNING', attempt: 1 }),
        expect.objectContaining({
          state: 'SUBMITTED',
          attempt: 2,
          source: 'event',
          details: 'driver attempt 2; the previous driver failed: OOMKilled',
        }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'records who submitted and who cancelled, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const id = await acceptedRun(store);
      await store.observe(id, {
        state: 'CANCEL_PENDING',
        source: 'cancel',
        by: 'user:default/carol',
        cancelledBy: 'user:default/carol',
      });
      // CANCEL_PENDING comes before CANCELLED, and who cancelled stays.
      await store.observe(id, { state: 'CANCELLED', source: 'sync' });
      expect(await store.getRun(id)).toMatchObject({
        state: 'CANCELLED',
        cancelledBy: 'user:default/carol',
      });
      expect(
        (await store.listStateChanges(id)).map(h => [h.state, h.source, h.by]),
      ).toEqual([
        ['SUBMITTING', 'submit', 'user:default/alice'],
        ['PENDING', 'submit', 'user:default/alice'],
        ['CANCEL_PENDING', 'cancel', 'user:default/carol'],
        ['CANCELLED', 'sync', undefined],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of many concurrent observers change a run, on %p',
    async databaseId => {
      const { knex, store: first } = await createStore(databaseId);
      // A second client, as a second replica would have.
      const client =
        databaseId === 'SQLITE_3' ? undefined : knexFactory(knex.client.config);
      const other = client ? new JobRunStore(client) : first;
      try {
        const id = await acceptedRun(first);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? other : first).observe(id, {
              state: 'FAILED',
              source: i % 3 ? 'event' : 'sync',
              failureReason: 'USER_ERROR',
            }),
          ),
        );
        expect(results.filter(r => r?.stateChanged)).toHaveLength(1);
        expect(
          (await first.listStateChanges(id)).filter(h => h.state === 'FAILED'),
        ).toHaveLength(1);
      } finally {
        await client?.destroy();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the runs of an existing database their current state as history, and walks back, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // Up to (not including) this migration, whatever others came before.
      for (;;) {
        const [, pending] = await knex.migrate.list({
          directory: migrationsDir,
        });
        const next = pending[0] as { file?: string } | string;
        const name = typeof next === 'string' ? next : next.file;
        if (name?.startsWith('20261207000000_job_run_states')) {
          break;
        }
        await knex.migrate.up({ directory: migrationsDir });
      }
      const now = new Date();
      await knex('emr_job_runs').insert({
        id: 'run-1',
        tenant: 'team-a',
        tenant_uid: 'uid-a',
        virtual_cluster_id: 'vc-a',
        emr_job_id: 'emr1',
        name: 'daily',
        state: 'RUNNING',
        release_label: 'emr-7.5.0-latest',
        source: 'backstage',
        created_at: now,
        updated_at: now,
      });
      await knex.migrate.latest({ directory: migrationsDir });
      expect(
        await knex('emr_job_run_states').select('run_id', 'state', 'source'),
      ).toEqual([{ run_id: 'run-1', state: 'RUNNING', source: 'sync' }]);
      expect(await knex.schema.hasColumn('emr_job_runs', 'cancelled_by')).toBe(
        true,
      );
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('emr_job_run_states')).toBe(false);
    },
  );
});
