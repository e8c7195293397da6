import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { jobRunsSignalChannel } from '@spot-spark/plugin-emr-on-eks-common';
import { BASE } from './__testUtils__/apiWorld';
import { DAILY_SALES, TEAM_A, testConfig } from './__testUtils__/fixtures';
import {
  Replica,
  SharedCloud,
  startReplicas,
} from './__testUtils__/replicaWorld';
import { USERS, waitForTenant } from './__testUtils__/testBackend';

/*
 * Issue 19, section 4: a change of a run is announced once, whichever
 * replica sees it: two backends on one PostgreSQL database, both syncing
 * at once, send one notification per failed run, to its submitter and its
 * entity's owners, and nobody else.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const ADMIN = mockCredentials.user.header(USERS.admin);
const ALICE = mockCredentials.user.header(USERS.alice);
const BOB = mockCredentials.user.header(USERS.bob);
const SYNC_TASK = 'emr-on-eks-sync-job-runs';
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

function runTask(replica: Replica, id: string): Promise<void> {
  const task = replica.scheduledTasks.find(t => t.id === id)!;
  return Promise.resolve(task.fn(new AbortController().signal));
}

/** Every recipient named by a notification. */
function recipientsOf(notification: NotificationSendOptions): string[] {
  return notification.recipients.type === 'entity'
    ? ([] as string[]).concat(notification.recipients.entityRef)
    : ['<broadcast>'];
}

// Without PostgreSQL the suite is skipped, except in CI, where it must run.
const DATABASE_IDS = databases.eachSupportedId().map(([id]) => id);
(DATABASE_IDS.length > 0 || process.env.CI ? describe : describe.skip)(
  'Job-run signals and notifications with two replicas on PostgreSQL',
  () => {
    const databaseId = DATABASE_IDS[0] ?? 'POSTGRES_15';
    let cloud: SharedCloud;
    let world: Awaited<ReturnType<typeof startReplicas>>;
    let A: Replica;
    let B: Replica;
    const all = <K extends 'notifications' | 'signals'>(key: K) =>
      [...A[key], ...B[key]] as Replica[K];

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      cloud = new SharedCloud();
      world = await startReplicas({
        knex,
        config: testConfig(),
        cloud,
        staggered: true,
      });
      [A, B] = world.replicas;
      const onboard = await A.api()
        .post(`${BASE}/tenants`)
        .set('Authorization', ALICE)
        .send(TEAM_A);
      if (onboard.status !== 202) {
        throw new Error(`onboarding answered ${onboard.status}`);
      }
      await waitForTenant(B.server, 'team-a', ['Ready'], ADMIN);
    });

    afterAll(async () => {
      await world?.stop();
    });

    it('tells alice once that the tenant she asked for is Ready', () => {
      const ready = all('notifications').filter(n =>
        n.payload.title.includes('team-a is Ready'),
      );
      expect(ready.map(recipientsOf)).toEqual([[USERS.alice]]);
    });

    it('notifies a failed run once across both replicas syncing at once, its submitter and its entity’s owners only', async () => {
      const submitted = await B.api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send(SALES);
      expect(submitted.status).toBe(201);
      const run = submitted.body;
      const before = all('notifications').length;

      const emrRun = cloud.cluster.runs.get(run.emrJobRunId)!;
      cloud.cluster.runs.set(run.emrJobRunId, {
        ...emrRun,
        state: 'FAILED',
        failureReason: 'USER_ERROR',
        stateDetails: 'Job failed: exit code 1',
        finishedAt: new Date(),
      });
      await Promise.all([runTask(A, SYNC_TASK), runTask(B, SYNC_TASK)]);
      // And again: nothing changed, nothing more is said.
      await Promise.all([runTask(A, SYNC_TASK), runTask(B, SYNC_TASK)]);

      const sent = all('notifications').slice(before);
      expect(sent).toHaveLength(1);
      expect(recipientsOf(sent[0]).sort()).toEqual([
        'group:default/team-a',
        USERS.alice,
      ]);
      expect(sent[0].payload).toMatchObject({
        title: 'Job run daily-sales failed',
        link: `/catalog/default/component/daily-sales?run=${run.id}`,
        severity: 'high',
      });
      // bob (team-b) is told nothing of team-a's run, and cannot read it.
      expect(
        all('notifications')
          .flatMap(recipientsOf)
          .filter(ref =>
            [USERS.bob, 'group:default/team-b', '<broadcast>'].includes(ref),
          ),
      ).toEqual([]);
      const asBob = await A.api()
        .get(`${BASE}/job-runs/${run.id}`)
        .set('Authorization', BOB);
      expect(asBob.status).toBe(404);

      // The run's page shows every state it passed through.
      const read = await A.api()
        .get(`${BASE}/job-runs/${run.id}`)
        .set('Authorization', ALICE);
      expect(
        read.body.history.map((h: any) => [h.state, h.source, h.by]),
      ).toEqual([
        ['SUBMITTING', 'submit', USERS.alice],
        ['PENDING', 'submit', USERS.alice],
        ['FAILED', 'sync', undefined],
      ]);
      // Signals carry the tenant's uid and the run's id, nothing more.
      const signals = all('signals').filter(s =>
        (s.message as any).runIds.includes(run.id),
      );
      expect(signals.length).toBeGreaterThanOrEqual(2); // PENDING, FAILED
      for (const signal of signals) {
        expect(signal).toEqual({
          recipients: { type: 'broadcast' },
          channel: jobRunsSignalChannel(run.tenantUid),
          message: { tenantUid: run.tenantUid, runIds: [run.id] },
        });
      }
    });

    it('notifies the submitter when someone else cancels the run, not the one who cancelled, and audits both actions', async () => {
      const submitted = await A.api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ALICE)
        .send({ ...SALES, name: 'hourly-sales', idempotencyKey: 'hourly-1' });
      expect([submitted.status, submitted.body.error?.message]).toEqual([
        201,
        undefined,
      ]);
      const run = submitted.body;
      const before = all('notifications').length;
      const cancelled = await B.api()
        .post(`${BASE}/job-runs/${run.id}/cancel`)
        .set('Authorization', ADMIN);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({
        state: 'CANCELLED',
        cancelledBy: USERS.admin,
      });
      await Promise.all([runTask(A, SYNC_TASK), runTask(B, SYNC_TASK)]);
      const sent = all('notifications').slice(before);
      expect(sent.map(n => [n.payload.title, recipientsOf(n).sort()])).toEqual([
        [
          'Job run hourly-sales was cancelled',
          ['group:default/team-a', USERS.alice],
        ],
      ]);
      expect(sent[0].recipients).toMatchObject({
        excludeEntityRef: USERS.admin,
      });

      const audit = await A.api()
        .get(`${BASE}/tenants/team-a/audit`)
        .set('Authorization', ADMIN);
      expect(
        audit.body.items
          .filter((e: any) => e.action.startsWith('job-run.'))
          .filter((e: any) => e.message.includes(run.id))
          .map((e: any) => [e.action, e.actor, e.result]),
      ).toEqual([
        ['job-run.cancel', USERS.admin, 'succeeded'],
        ['job-run.submit', USERS.alice, 'succeeded'],
      ]);
    });
  },
);
