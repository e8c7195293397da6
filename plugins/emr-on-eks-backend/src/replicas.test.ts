import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { RECONCILE_STEPS } from '@spot-spark/plugin-emr-on-eks-common';
import {
  DAILY_SALES,
  TEAM_A,
  TEST_GUARDRAILS,
  testConfig,
} from './__testUtils__/fixtures';
import {
  CloudCall,
  Replica,
  SharedCloud,
  startReplicas,
} from './__testUtils__/replicaWorld';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { BASE } from './__testUtils__/apiWorld';

/*
 * Issue 8, section 1 ("Several replicas"): two backend instances on one
 * PostgreSQL database, each with its own connection pool, calling one shared
 * in-memory cloud. Onboarding and offboarding many tenants through both at
 * once, the scheduled reconcile and sync running on both, and one idempotency
 * key submitted through both, must give exactly one virtual cluster, role and
 * run each, never two reconciles of one tenant at once, and each tenant's
 * sync once per period.
 *
 * SQLite cannot be shared by two processes, so this suite needs PostgreSQL
 * (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING); in CI a missing one
 * fails the suite instead of skipping it.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const DATABASE_IDS = databases.eachSupportedId();

const ADMIN = mockCredentials.user.header(USERS.admin);
const ALICE = mockCredentials.user.header(USERS.alice);
const RECONCILE_TASK = 'emr-on-eks-reconcile-tenants';
const SYNC_TASK = 'emr-on-eks-sync-job-runs';
/** The example job, at 10 executors so that it fits the example tenant's quota. */
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

/** A tenant of team-a with a data location of its own, and `more`. */
function tenantBody(name: string, more: object[] = []) {
  return {
    ...TEAM_A,
    name,
    dataAccess: [
      { s3: `s3://data-lake/${name}/`, access: 'read-write' },
      ...more,
    ],
  };
}

/** The test guardrails, and a scratch bucket any tenant may write to. */
const CONFIG = testConfig({
  guardrails: {
    ...TEST_GUARDRAILS,
    dataAccess: [
      ...(TEST_GUARDRAILS.dataAccess as JsonObject[]),
      { s3: 's3://scratch/', access: 'read-write' },
    ],
  },
});

function names(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}-${String(i).padStart(2, '0')}`,
  );
}

/** Runs a replica's captured scheduled task once, as the scheduler would. */
function runTask(
  replica: Replica,
  id: string,
  signal = new AbortController().signal,
): Promise<void> {
  const task = replica.scheduledTasks.find(t => t.id === id);
  if (!task) {
    throw new Error(`replica ${replica.name} scheduled no task ${id}`);
  }
  return Promise.resolve(task.fn(signal));
}

/** Polls until `condition` holds; bounded. */
async function until(what: string, condition: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/**
 * Polls the tenants through the replicas in turn until `done` holds for
 * every one of them, recording every step seen Failed on the way; bounded.
 * `meanwhile` runs once per round (the schedule, while the test waits).
 */
async function settle(
  replicas: Replica[],
  tenants: string[],
  done: (tenant: any | undefined) => boolean,
  meanwhile: () => Promise<unknown> = async () => {},
): Promise<{ states: Map<string, any>; failures: string[] }> {
  const deadline = Date.now() + 30_000;
  const failures: string[] = [];
  for (let round = 0; ; round++) {
    const states = new Map<string, any>();
    await Promise.all(
      tenants.map(async (name, index) => {
        const replica = replicas[(index + round) % replicas.length];
        const res = await replica
          .api()
          .get(`${BASE}/tenants/${name}`)
          .set('Authorization', ADMIN);
        if (res.status === 200) {
          states.set(name, res.body);
          for (const step of res.body.status.steps) {
            if (step.state === 'Failed') {
              failures.push(`${name}: ${step.name}: ${step.message}`);
            }
          }
          if (res.body.status.phase === 'Failed') {
            failures.push(`${name}: ${res.body.status.message}`);
          }
        } else if (res.status !== 404) {
          failures.push(`${name}: GET answered ${res.status}`);
        }
      }),
    );
    if (tenants.every(name => done(states.get(name)))) {
      return { states, failures: [...new Set(failures)] };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `tenants did not settle: ${JSON.stringify(
          tenants
            .filter(name => !done(states.get(name)))
            .map(name => [name, states.get(name)?.status.phase ?? 'gone']),
        )}; failures: ${failures.join(' | ')}`,
      );
    }
    await meanwhile();
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

const isReady = (tenant: any) => tenant?.status.phase === 'Ready';
const isGone = (tenant: any) => tenant === undefined;

async function onboardThroughBoth(replicas: Replica[], tenants: string[]) {
  const answers = await Promise.all(
    tenants.map((name, index) =>
      replicas[index % replicas.length]
        .api()
        .post(`${BASE}/tenants`)
        .set('Authorization', ADMIN)
        .send(tenantBody(name)),
    ),
  );
  expect(answers.map(res => res.status)).toEqual(tenants.map(() => 202));
  return settle(replicas, tenants, isReady);
}

if (DATABASE_IDS.length > 0) {
  describe.each(DATABASE_IDS)('two replicas on one %s database', databaseId => {
    replicasOn(databaseId);
  });
} else {
  // Visible in every run; a failure in CI, where PostgreSQL must be there.
  (process.env.CI ? it : it.skip)(
    'needs PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    () => {
      throw new Error(
        'the replicas suite needs PostgreSQL 15: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (and BACKSTAGE_TEST_DISABLE_DOCKER=1 without Docker)',
      );
    },
  );
}

function replicasOn(databaseId: TestDatabaseId) {
  it('start at once on an empty database, both migrating it', async () => {
    // A deployment starts its replicas together: the plugin's migrations
    // must not fail when two of them run at the same time.
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const knex = await databases.init(databaseId);
      try {
        const world = await startReplicas({
          knex,
          config: CONFIG,
          cloud: new SharedCloud(),
        });
        await world.stop();
        outcomes.push('started');
      } catch (error) {
        outcomes.push(String(error).split('\n').slice(0, 2).join(' '));
      }
    }
    expect(outcomes).toEqual(['started', 'started', 'started']);
  });

  describe('with the schedule run by the test', () => {
    let cloud: SharedCloud;
    let world: Awaited<ReturnType<typeof startReplicas>>;
    let A: Replica;
    let B: Replica;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      cloud = new SharedCloud();
      // The first migrates alone (starting together is the test above).
      world = await startReplicas({
        knex,
        config: CONFIG,
        cloud,
        staggered: true,
      });
      [A, B] = world.replicas;
    });

    afterAll(async () => {
      await world?.stop();
    });

    it('answers on both, each with both tasks scheduled globally', async () => {
      for (const replica of [A, B]) {
        const res = await replica
          .api()
          .get(`${BASE}/tenants`)
          .set('Authorization', ADMIN);
        expect([replica.name, res.status, res.body.items]).toEqual([
          replica.name,
          200,
          [],
        ]);
        expect(replica.scheduledTasks.map(t => [t.id, t.scope])).toEqual([
          [RECONCILE_TASK, 'global'],
          [SYNC_TASK, 'global'],
        ]);
      }
    });

    it('onboards and offboards 20 tenants through both at once, with the schedule running on both: one virtual cluster and role each, no failure', async () => {
      const tenants = names('rep', 20);
      // The schedule on both: the reconcile task of both at once (a stronger
      // test than the scheduler, which runs a global task on one replica at
      // a time), the sync task on each in turn, as the scheduler would.
      let round = 0;
      const schedule = () =>
        Promise.all([
          runTask(A, RECONCILE_TASK),
          runTask(B, RECONCILE_TASK),
          runTask(round++ % 2 === 0 ? A : B, SYNC_TASK),
        ]);

      const created = await Promise.all([
        ...tenants.map((name, index) =>
          (index % 2 === 0 ? A : B)
            .api()
            .post(`${BASE}/tenants`)
            .set('Authorization', ADMIN)
            .send(tenantBody(name)),
        ),
        schedule(),
      ]);
      expect(
        created.slice(0, tenants.length).map((res: any) => res.status),
      ).toEqual(tenants.map(() => 202));
      const onboarded = await settle([B, A], tenants, isReady, schedule);
      expect(onboarded.failures).toEqual([]);
      for (const name of tenants) {
        expect([
          name,
          onboarded.states
            .get(name)
            .status.steps.map((s: { state: string }) => s.state),
        ]).toEqual([name, RECONCILE_STEPS.map(() => 'Succeeded')]);
      }

      // Exactly one of each per tenant, however many reconciles checked them.
      const perTenant = (counts: Map<string, number>) =>
        tenants.map(name => [name, counts.get(name) ?? 0]);
      const once = tenants.map(name => [name, 1]);
      expect(perTenant(cloud.virtualClustersCreated())).toEqual(once);
      expect(perTenant(cloud.rolesCreated())).toEqual(once);
      expect(
        [...cloud.cluster.virtualClusterNamespaces.values()].sort(),
      ).toEqual(tenants);
      expect([...cloud.cluster.virtualClusterNamespaces.keys()].sort()).toEqual(
        tenants
          .map(name => onboarded.states.get(name).status.virtualClusterId)
          .sort(),
      );
      expect([...cloud.cluster.roles].sort()).toEqual(
        tenants.map(name => `emr-tenant-${name}`),
      );
      expect(cloud.overlaps).toEqual([]);
      // Both replicas did part of the work.
      const reconciledBy = new Set(
        cloud.calls('iamRoles.ensureRole').map(call => call.replica),
      );
      expect([...reconciledBy].sort()).toEqual(['A', 'B']);

      // Offboard them all at once, each through the replica it was not
      // onboarded through, the schedule still running on both.
      const deleted = await Promise.all([
        ...tenants.map((name, index) =>
          (index % 2 === 0 ? B : A)
            .api()
            .delete(`${BASE}/tenants/${name}`)
            .set('Authorization', ADMIN),
        ),
        schedule(),
      ]);
      expect(
        deleted.slice(0, tenants.length).map((res: any) => res.status),
      ).toEqual(tenants.map(() => 202));
      const offboarded = await settle([A, B], tenants, isGone, schedule);
      expect(offboarded.failures).toEqual([]);

      expect(cloud.cluster.virtualClusterNamespaces.size).toBe(0);
      expect(cloud.cluster.roles.size).toBe(0);
      expect(cloud.cluster.logGroupNames.size).toBe(0);
      expect(cloud.cluster.podTemplateKeys.size).toBe(0);
      const vcDeletions = new Map<string, number>();
      for (const call of cloud.calls('virtualClusters.deleteVirtualCluster')) {
        if (call.changes.length > 0) {
          vcDeletions.set(
            call.tenant!,
            (vcDeletions.get(call.tenant!) ?? 0) + 1,
          );
        }
      }
      expect(perTenant(vcDeletions)).toEqual(once);
      expect(cloud.overlaps).toEqual([]);
      for (const replica of [A, B]) {
        const res = await replica
          .api()
          .get(`${BASE}/tenants`)
          .set('Authorization', ADMIN);
        expect(res.body.items).toEqual([]);
      }
    });

    it('never runs two reconciles of one tenant at once, whether the schedule or the API starts them, on either replica', async () => {
      // The detector itself: two calls about one tenant in flight at once.
      const probe = new SharedCloud(5);
      await Promise.all([
        probe.gatewaysFor('A').kubernetes.applyTenantObjects('t', []),
        probe.gatewaysFor('B').kubernetes.applyTenantObjects('t', []),
      ]);
      expect(probe.overlaps).toHaveLength(1);

      const overlapsFrom = cloud.overlaps.length;
      const tenants = names('rec', 6);
      const onboarded = await onboardThroughBoth([A, B], tenants);
      expect(onboarded.failures).toEqual([]);
      const logFrom = cloud.log.length;

      const answers: number[] = [];
      const reconcileThrough = async (replica: Replica, name: string) => {
        const res = await replica
          .api()
          .post(`${BASE}/tenants/${name}/reconcile`)
          .set('Authorization', ADMIN);
        answers.push(res.status);
      };
      // Each replica reconciles once on its own first, so both take part
      // whichever wins the races below (under load one may win them all).
      await reconcileThrough(A, tenants[0]);
      await reconcileThrough(B, tenants[1]);
      await Promise.all(
        [0, 1, 2].flatMap(() => [
          runTask(A, RECONCILE_TASK),
          runTask(B, RECONCILE_TASK),
          ...tenants.flatMap(name => [
            reconcileThrough(A, name),
            reconcileThrough(B, name),
          ]),
        ]),
      );
      // A reconcile already running is a 409, never a second one.
      expect(
        answers.filter(status => status !== 200 && status !== 409),
      ).toEqual([]);
      expect(cloud.overlaps.slice(overlapsFrom)).toEqual([]);
      const checked = cloud.log
        .slice(logFrom)
        .filter(call => call.call === 'iamRoles.ensureRole');
      // Every tenant was reconciled, by both replicas between them.
      expect([...new Set(checked.map(call => call.tenant))].sort()).toEqual(
        tenants,
      );
      expect([...new Set(checked.map(call => call.replica))].sort()).toEqual([
        'A',
        'B',
      ]);
      // ...and nothing was created a second time.
      expect(cloud.log.slice(logFrom).flatMap(call => call.changes)).toEqual(
        [],
      );
      const after = await settle([A, B], tenants, isReady);
      expect(after.failures).toEqual([]);
    });

    it('submits a run once per idempotency key sent through both replicas at once, answering both with the same run', async () => {
      const onboard = await A.api()
        .post(`${BASE}/tenants`)
        .set('Authorization', ALICE)
        .send(TEAM_A);
      expect(onboard.status).toBe(202);
      await waitForTenant(B.server, 'team-a', ['Ready'], ADMIN);
      const startsBefore = cloud.calls('jobRuns.start').length;

      const keys = names('daily-sales-key', 5);
      for (const key of keys) {
        const body = { ...SALES, idempotencyKey: key };
        const answers = await Promise.all(
          [A, B, A, B].map(replica =>
            replica
              .api()
              .post(`${BASE}/tenants/team-a/job-runs`)
              .set('Authorization', ALICE)
              .send(body),
          ),
        );
        expect([key, answers.map(res => res.status).sort()]).toEqual([
          key,
          [200, 200, 200, 201],
        ]);
        expect(new Set(answers.map(res => res.body.id)).size).toBe(1);
        // Retried later through either, still the same run.
        const again = await B.api()
          .post(`${BASE}/tenants/team-a/job-runs`)
          .set('Authorization', ALICE)
          .send(body);
        expect([again.status, again.body.id]).toEqual([
          200,
          answers[0].body.id,
        ]);
      }

      const starts = cloud.calls('jobRuns.start').slice(startsBefore);
      // Whatever reached EMR carried one client token per key, so EMR itself
      // would not start a second run (it deduplicates by client token)...
      expect(new Set(starts.map(call => call.clientToken)).size).toBe(
        keys.length,
      );
      // ...but no second StartJobRun should be sent at all: an EMR that took
      // both (moto does, and this in-memory one) starts two runs, and the
      // sync then finds the one the plugin did not record as a run of its own.
      await runTask(A, SYNC_TASK);
      const listed = await A.api()
        .get(`${BASE}/tenants/team-a/job-runs?limit=100`)
        .set('Authorization', ALICE);
      expect({
        startJobRunCalls: starts.length,
        runsAfterSync: listed.body.items.length,
      }).toEqual({ startJobRunCalls: keys.length, runsAfterSync: keys.length });
    });

    it('accepts only one of two tenants onboarded at once through both whose names or data grants clash', async () => {
      const results: Array<[string, number[]]> = [];
      for (let i = 0; i < 3; i++) {
        const name = `dup-${i}`;
        const answers = await Promise.all(
          [A, B].map(replica =>
            replica
              .api()
              .post(`${BASE}/tenants`)
              .set('Authorization', ADMIN)
              .send(tenantBody(name)),
          ),
        );
        results.push([name, answers.map(res => res.status).sort()]);
      }
      for (let i = 0; i < 3; i++) {
        // Two names, one read-write location: a location written by one
        // tenant is granted to no other.
        const s3 = `s3://scratch/common-${i}/`;
        const answers = await Promise.all(
          [A, B].map((replica, j) =>
            replica
              .api()
              .post(`${BASE}/tenants`)
              .set('Authorization', ADMIN)
              .send(
                tenantBody(`clash-${i}-${j}`, [{ s3, access: 'read-write' }]),
              ),
          ),
        );
        results.push([s3, answers.map(res => res.status).sort()]);
      }
      expect(results).toEqual([
        ['dup-0', [202, 409]],
        ['dup-1', [202, 409]],
        ['dup-2', [202, 409]],
        ['s3://scratch/common-0/', [202, 400]],
        ['s3://scratch/common-1/', [202, 400]],
        ['s3://scratch/common-2/', [202, 400]],
      ]);
      // One after the other, the same requests are refused as they should.
      const later = await Promise.all([
        A.api()
          .post(`${BASE}/tenants`)
          .set('Authorization', ADMIN)
          .send(tenantBody('dup-0')),
        B.api()
          .post(`${BASE}/tenants`)
          .set('Authorization', ADMIN)
          .send(
            tenantBody('clash-later', [
              { s3: 's3://scratch/common-0/', access: 'read-write' },
            ]),
          ),
      ]);
      expect(later.map(res => res.status)).toEqual([409, 400]);
    });

    it('stops a sync that outlived its timeout, so that the next run, on the other replica, never syncs a tenant at the same time', async () => {
      // The scheduler runs the global task on one replica at a time; but once
      // a run outlives its timeout it aborts the run's signal and (its
      // janitor) frees the task, and another replica starts the next run.
      const own = await onboardThroughBoth([A, B], names('ovr', 3));
      expect(own.failures).toEqual([]);
      const tenants = (
        await A.api()
          .get(`${BASE}/tenants?limit=100`)
          .set('Authorization', ADMIN)
      ).body.items
        .filter((t: any) => t.status.virtualClusterId)
        .map((t: any) => t.name);
      expect(tenants.length).toBeGreaterThanOrEqual(3);
      const stuck = 'ovr-01';
      const after = tenants.slice(tenants.indexOf(stuck) + 1);
      const release = cloud.hold(stuck);
      const overlapsBefore = cloud.overlapsIn('sync').length;
      const timedOut = new AbortController();
      const first = runTask(A, SYNC_TASK, timedOut.signal).catch(() => {});
      await until(`A lists ${stuck}`, () =>
        cloud.inFlightOf('sync', stuck).some(call => call.replica === 'A'),
      );
      timedOut.abort(new Error('the task timed out'));
      const logFrom = cloud.log.length;
      let secondDone = false;
      const second = runTask(B, SYNC_TASK).finally(() => {
        secondDone = true;
      });
      await until(
        `B finishes or lists ${stuck}`,
        () =>
          secondDone ||
          cloud.inFlightOf('sync', stuck).some(call => call.replica === 'B'),
      );
      release();
      await Promise.all([first, second]);
      expect({
        // No tenant synced by both at once...
        overlaps: cloud.overlapsIn('sync').slice(overlapsBefore),
        // ...and the timed-out run synced nothing more once aborted.
        listedByTimedOutRun: cloud.log
          .slice(logFrom)
          .filter(
            call =>
              call.replica === 'A' &&
              call.call === 'jobRuns.list' &&
              after.includes(call.tenant!),
          )
          .map(call => call.tenant),
      }).toEqual({ overlaps: [], listedByTimedOutRun: [] });
    });
  });

  describe("with Backstage's scheduler on the shared database", () => {
    const PERIOD_MS = 1000;
    let cloud: SharedCloud;
    let world: Awaited<ReturnType<typeof startReplicas>>;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      cloud = new SharedCloud();
      const config = CONFIG as { emrOnEks: JsonObject };
      const schedule = {
        frequency: { milliseconds: PERIOD_MS },
        timeout: { seconds: 30 },
      };
      world = await startReplicas({
        knex,
        cloud,
        scheduler: 'real',
        // Backstage's scheduler migrates its own tables at the first
        // scheduleTask, with the same race as the plugin's migrations.
        staggered: true,
        config: {
          emrOnEks: {
            ...config.emrOnEks,
            reconcile: { schedule },
            jobs: { sync: { schedule } },
          },
        },
      });
    });

    afterAll(async () => {
      await world?.stop();
    });

    it('syncs each tenant once per period, and never reconciles one twice at once, with the schedule running on both', async () => {
      const tenants = names('sync', 6);
      const onboarded = await onboardThroughBoth(world.replicas, tenants);
      expect(onboarded.failures).toEqual([]);

      // Both replicas run the schedule: each registered both tasks, global.
      for (const replica of world.replicas) {
        const res = await replica
          .api()
          .get(`${BASE}/.backstage/scheduler/v1/tasks`)
          .set('Authorization', ADMIN);
        expect(
          res.body.tasks.map((t: any) => [t.taskId, t.scope]).sort(),
        ).toEqual([
          [RECONCILE_TASK, 'global'],
          [SYNC_TASK, 'global'],
        ]);
      }

      // Watch the schedule for a while: both replicas poll the same task rows.
      const from = Date.now();
      const windowMs = 6 * PERIOD_MS;
      await until('the window has passed', () => Date.now() >= from + windowMs);
      const inWindow = (call: CloudCall) =>
        call.startedAt >= from && call.startedAt < from + windowMs;
      const syncs = tenants.map(name => ({
        name,
        by: cloud
          .calls('jobRuns.list', name)
          .filter(inWindow)
          .map(call => call.replica)
          .join(''),
      }));
      // One run per period at most (the window may cut into two partial
      // ones); both replicas syncing every period would give about twice.
      const most = Math.floor(windowMs / PERIOD_MS) + 2;
      expect(
        syncs.filter(({ by }) => by.length < 3 || by.length > most),
      ).toEqual([]);
      expect(cloud.overlaps).toEqual([]);
      // The reconcile schedule ran meanwhile too, on every tenant.
      expect(
        new Set(
          cloud
            .calls('iamRoles.ensureRole')
            .filter(inWindow)
            .map(call => call.tenant),
        ),
      ).toEqual(new Set(tenants));
      const settled = await settle(world.replicas, tenants, isReady);
      expect(settled.failures).toEqual([]);
      expect(
        tenants.map(name => [name, cloud.virtualClustersCreated().get(name)]),
      ).toEqual(tenants.map(name => [name, 1]));
    });
  });
}
