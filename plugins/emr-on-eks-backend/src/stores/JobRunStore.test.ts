import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { JOB_TAGS } from '../domain/jobRun';
import type { EmrJobRun } from '../gateways/aws/JobRunGateway';
import { JobRunStore, NewSubmission } from './JobRunStore';
import { migrated } from '../__testUtils__/database';
import { jobRequest } from '../__testUtils__/fixtures';
import { JobSyncStore } from './JobSyncStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const db = await migrated(knex);
  return { knex, store: new JobRunStore(db), syncStates: new JobSyncStore(db) };
}

const REQUESTED = {
  driver: { cores: 1, memoryMiB: 2432 },
  executor: { cores: 2, memoryMiB: 4480 },
  minExecutors: 1,
  maxExecutors: 4,
  maxCores: 9,
  maxMemoryMiB: 20352,
};

/** Store tests keep no tenant rows: a tenant's uid is derived from its name. */
const uidOf = (name: string) => `uid-${name}`;
const T = (name: string) => ({ name, uid: uidOf(name) });

function submission(overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    id: overrides.id ?? `sub-${Math.random().toString(36).slice(2)}`,
    tenant: 'team-a',
    tenantUid: uidOf('team-a'),
    virtualClusterId: 'vc-a',
    name: 'daily',
    releaseLabel: 'emr-7.5.0-latest',
    entityRef: 'component:default/daily',
    submittedBy: 'user:default/alice',
    spot: true,
    clientToken: 'token',
    requestHash: 'same-request',
    requested: REQUESTED,
    request: jobRequest(),
    ...overrides,
  };
}

function emrRun(overrides: Partial<EmrJobRun> = {}): EmrJobRun {
  return {
    id: 'job-1',
    virtualClusterId: 'vc-a',
    name: 'external',
    arn: 'arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/vc-a/jobruns/job-1',
    state: 'RUNNING',
    releaseLabel: 'emr-7.5.0-latest',
    createdAt: new Date('2026-11-20T10:00:00Z'),
    tags: {},
    ...overrides,
  };
}

describe('JobRunStore', () => {
  it.each(databases.eachSupportedId())(
    'records a submission once per idempotency key on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = await store.insertSubmission(
        submission({ id: 'a', idempotencyKey: 'k1', clientToken: 'k1' }),
      );
      expect(first.inserted).toBe(true);
      expect(first.run).toMatchObject({
        id: 'a',
        state: 'SUBMITTING',
        source: 'backstage',
        spot: true,
        idempotencyKey: 'k1',
        requested: REQUESTED,
      });
      const again = await store.insertSubmission(
        submission({ id: 'b', idempotencyKey: 'k1', clientToken: 'other' }),
      );
      // The retry gets the first run and its recorded token, not its own.
      expect(again).toMatchObject({
        inserted: false,
        run: { id: 'a' },
        clientToken: 'k1',
      });
      // The same key with another request is refused, naming the key.
      await expect(
        store.insertSubmission(
          submission({ id: 'e', idempotencyKey: 'k1', requestHash: 'other' }),
        ),
      ).rejects.toThrow(
        /idempotencyKey "k1" was already used for a different request \(job run a\)/,
      );
      // The same key in another tenant is another run, and so it is in a
      // tenant of the same name onboarded again (another uid).
      const elsewhere = await store.insertSubmission(
        submission({
          id: 'c',
          tenant: 'team-b',
          tenantUid: uidOf('team-b'),
          idempotencyKey: 'k1',
        }),
      );
      expect(elsewhere.inserted).toBe(true);
      const reborn = await store.insertSubmission(
        submission({
          id: 'f',
          tenantUid: 'uid-team-a-2',
          idempotencyKey: 'k1',
        }),
      );
      expect(reborn.inserted).toBe(true);
      // Concurrent twins: one insert, both get the same run.
      const twins = await Promise.all([
        store.insertSubmission(submission({ id: 'd1', idempotencyKey: 'k2' })),
        store.insertSubmission(submission({ id: 'd2', idempotencyKey: 'k2' })),
      ]);
      expect(twins.filter(t => t.inserted)).toHaveLength(1);
      expect(twins[0].run.id).toBe(twins[1].run.id);
    },
  );

  it.each(databases.eachSupportedId())(
    'attaches EMR runs by id or by submission tag, inserts external ones, and writes only changes on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertSubmission(submission({ id: 'lost-answer' }));
      const page = [
        emrRun({
          id: 'job-1',
          tags: { [JOB_TAGS.submissionId]: 'lost-answer' },
          state: 'SUBMITTED',
        }),
        emrRun({
          id: 'job-2',
          name: 'airflow-job',
          tags: { [JOB_TAGS.entityRef]: 'component:default/airflow-dag' },
          createdAt: new Date('2026-11-20T11:00:00Z'),
        }),
      ];
      expect(await store.upsertFromEmr(T('team-a'), page, JOB_TAGS)).toBe(2);
      expect(await store.getRun('lost-answer')).toMatchObject({
        emrJobRunId: 'job-1',
        state: 'SUBMITTED',
        source: 'backstage',
      });
      const external = (
        await store.listRuns({ tenantUids: ['team-a'].map(uidOf), limit: 10 })
      ).items.find(r => r.emrJobRunId === 'job-2');
      expect(external).toMatchObject({
        name: 'airflow-job',
        source: 'external',
        entityRef: 'component:default/airflow-dag',
        state: 'RUNNING',
        createdAt: '2026-11-20T11:00:00.000Z',
      });
      expect(external?.spot).toBeUndefined();

      // The same page again changes nothing; a state change writes one row.
      expect(await store.upsertFromEmr(T('team-a'), page, JOB_TAGS)).toBe(0);
      const finished = new Date('2026-11-20T12:00:00Z');
      expect(
        await store.upsertFromEmr(
          T('team-a'),
          [
            {
              ...page[1],
              state: 'FAILED',
              failureReason: 'USER_ERROR',
              stateDetails: 'boom',
              finishedAt: finished,
            },
          ],
          JOB_TAGS,
        ),
      ).toBe(1);
      expect(await store.getRun(external!.id)).toMatchObject({
        state: 'FAILED',
        failureReason: 'USER_ERROR',
        stateDetails: 'boom',
        finishedAt: '2026-11-20T12:00:00.000Z',
      });
      // markSubmitted does not move a run the sync already moved on.
      await store.markSubmitted('lost-answer', { emrJobRunId: 'job-1' });
      expect((await store.getRun('lost-answer'))!.state).toBe('SUBMITTED');
    },
  );

  it.each(databases.eachSupportedId())(
    'pages newest first with a cursor and filters on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const base = Date.parse('2026-11-01T00:00:00Z');
      const runs = Array.from({ length: 25 }, (_, i) =>
        emrRun({
          id: `job-${String(i).padStart(2, '0')}`,
          // two runs per timestamp, so the id breaks ties
          createdAt: new Date(base + Math.floor(i / 2) * 60_000),
          state: i % 5 === 0 ? 'FAILED' : 'COMPLETED',
          tags: {
            [JOB_TAGS.entityRef]:
              i % 2 === 0 ? 'component:default/even' : 'component:default/odd',
          },
        }),
      );
      await store.upsertFromEmr(T('team-a'), runs, JOB_TAGS);
      await store.upsertFromEmr(
        T('team-b'),
        [
          emrRun({
            id: 'b-1',
            virtualClusterId: 'vc-b',
            tags: { [JOB_TAGS.entityRef]: 'component:default/even' },
          }),
        ],
        JOB_TAGS,
      );

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listRuns({
          tenantUids: ['team-a'].map(uidOf),
          limit: 10,
          cursor,
        });
        seen.push(...page.items.map(r => r.emrJobRunId!));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      const times = seen.map(id =>
        runs.find(r => r.id === id)!.createdAt.getTime(),
      );
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      const failed = await store.listRuns({
        tenantUids: ['team-a'].map(uidOf),
        states: ['FAILED'],
        limit: 50,
      });
      expect(failed.items.map(r => r.emrJobRunId)).toEqual([
        'job-20',
        'job-15',
        'job-10',
        'job-05',
        'job-00',
      ]);
      const window = await store.listRuns({
        tenantUids: ['team-a'].map(uidOf),
        createdAfter: new Date(base + 2 * 60_000),
        createdBefore: new Date(base + 4 * 60_000),
        limit: 50,
      });
      // Newest minute first; within a minute the order is by run id, a tie-break.
      expect(
        window.items
          .map(r => r.emrJobRunId)
          .slice(0, 2)
          .sort(),
      ).toEqual(['job-06', 'job-07']);
      expect(
        window.items
          .map(r => r.emrJobRunId)
          .slice(2)
          .sort(),
      ).toEqual(['job-04', 'job-05']);
      const even = await store.listRuns({
        entityRef: 'component:default/even',
        tenantUids: ['team-a', 'team-b'].map(uidOf),
        limit: 50,
      });
      expect(even.items).toHaveLength(14);
      expect(
        await store.tenantUidsWithRunsOf('component:default/even'),
      ).toEqual([uidOf('team-a'), uidOf('team-b')]);
      expect(
        (await store.listRuns({ tenantUids: [], limit: 50 })).items,
      ).toEqual([]);
      await expect(
        store.listRuns({ limit: 5, cursor: 'garbage' }),
      ).rejects.toThrow(InputError);
    },
  );

  it.each(databases.eachSupportedId())(
    'never fails a run that a sync already attached to an accepted EMR run on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertSubmission(submission({ id: 'raced' }));
      // The sync found it in EMR (by its submission tag) while the submitter
      // was still waiting for StartJobRun's answer...
      await store.upsertFromEmr(
        T('team-a'),
        [
          emrRun({
            id: 'job-raced',
            tags: { [JOB_TAGS.submissionId]: 'raced' },
          }),
        ],
        JOB_TAGS,
      );
      // ...which then came back as an error.
      await store.markFailed('raced', {
        reason: 'VALIDATION_ERROR',
        details: 'late',
      });
      expect(await store.getRun('raced')).toMatchObject({
        state: 'RUNNING',
        emrJobRunId: 'job-raced',
      });
      await store.insertSubmission(submission({ id: 'refused' }));
      await store.markFailed('refused', {
        reason: 'VALIDATION_ERROR',
        details: 'bad',
      });
      expect((await store.getRun('refused'))?.state).toBe('FAILED');
    },
  );

  it.each(databases.eachSupportedId())(
    'stores an external run whose tags do not fit their columns on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const written = await store.upsertFromEmr(
        T('team-a'),
        [
          emrRun({
            id: 'long-tags',
            tags: {
              [JOB_TAGS.entityRef]: `component:default/${'x'.repeat(240)}`,
              [JOB_TAGS.submittedBy]: 'u'.repeat(256),
            },
          }),
        ],
        JOB_TAGS,
      );
      expect(written).toBe(1);
      const [run] = (
        await store.listRuns({ tenantUids: ['team-a'].map(uidOf), limit: 5 })
      ).items;
      expect(run).toMatchObject({
        emrJobRunId: 'long-tags',
        source: 'external',
      });
      expect(run.entityRef).toBeUndefined();
      expect(run.submittedBy).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'finds unfinished runs and keeps the sync state on %p',
    async databaseId => {
      const { store, syncStates } = await createStore(databaseId);
      await store.upsertFromEmr(
        T('team-a'),
        [
          emrRun({
            id: 'old-running',
            createdAt: new Date('2026-11-01T00:00:00Z'),
          }),
          emrRun({
            id: 'new-running',
            createdAt: new Date('2026-11-20T00:00:00Z'),
          }),
          emrRun({
            id: 'done',
            state: 'COMPLETED',
            createdAt: new Date('2026-11-01T00:00:00Z'),
          }),
        ],
        JOB_TAGS,
      );
      const older = await store.unfinishedRuns(
        uidOf('team-a'),
        new Date('2026-11-10T00:00:00Z'),
      );
      expect(older.map(r => r.emrJobRunId)).toEqual(['old-running']);
      expect(
        (await store.unfinishedRuns(uidOf('team-a')))
          .map(r => r.emrJobRunId)
          .sort(),
      ).toEqual(['new-running', 'old-running']);

      expect(await syncStates.getSyncState('team-a')).toBeUndefined();
      const watermark = new Date('2026-11-20T00:00:00Z');
      await syncStates.saveSyncState('team-a', {
        virtualClusterId: 'vc-a',
        watermark,
        lastSyncedAt: watermark,
      });
      await syncStates.saveSyncState('team-a', {
        virtualClusterId: 'vc-a',
        watermark,
        lastSyncedAt: watermark,
        lastError: 'gone',
      });
      expect(await syncStates.getSyncState('team-a')).toEqual({
        virtualClusterId: 'vc-a',
        watermark,
        lastSyncedAt: watermark,
        lastError: 'gone',
      });
    },
  );
});
