import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import type { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import { migrated } from '../../__testUtils__/database';
import {
  jobRequest,
  TEST_ACCOUNT_ID,
  testSettings,
} from '../../__testUtils__/fixtures';
import { MemoryCluster } from '../../__testUtils__/memoryGateways';
import type { SparkUiGateway } from '../../gateways/aws/SparkUiGateway';
import { SparkUiRefusedError } from '../../gateways/aws/SparkUiGateway';
import { JobRunStore } from '../../stores/JobRunStore';
import { SparkUiStore } from '../../stores/SparkUiStore';
import { SparkUiService, SparkUiTimings } from './SparkUiService';

/*
 * The Spark UI of a run: made once, kept, opened when EMR says it is ready,
 * within a bounded wait (shortened here), on SQLite and PostgreSQL.
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const VIRTUAL_CLUSTER = 'vc0123456789abcdefghijklm';
const QUICK: Partial<SparkUiTimings> = { waitMs: 200, firstPollMs: 10 };

async function world(
  databaseId: Parameters<typeof databases.init>[0],
  options: { timings?: Partial<SparkUiTimings>; gateway?: SparkUiGateway } = {},
) {
  const db = await migrated(await databases.init(databaseId));
  const runs = new JobRunStore(db);
  const cluster = new MemoryCluster();
  const service = SparkUiService.create({
    settings: testSettings(),
    store: new SparkUiStore(db),
    tenants: { findTenant: async () => undefined },
    sparkUiFor: () => options.gateway ?? cluster.sparkUi,
    timings: { ...QUICK, ...options.timings },
  });
  let count = 0;
  /** A run, accepted by EMR unless `accepted` is false. */
  const run = async (accepted = true): Promise<JobRun> => {
    const id = `00000000-0000-4000-8000-${String(++count).padStart(12, '0')}`;
    await runs.insertSubmission({
      id,
      tenant: 'team-a',
      tenantUid: 'uid-team-a',
      virtualClusterId: VIRTUAL_CLUSTER,
      name: 'daily-sales',
      releaseLabel: 'emr-7.5.0-latest',
      submittedBy: 'user:default/alice',
      spot: true,
      clientToken: `token-${id}`,
      requestHash: `hash-${id}`,
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
    if (accepted) {
      const emrId = `job${String(count).padStart(16, '0')}`;
      await db('emr_job_runs')
        .where({ id })
        .update({
          emr_job_id: emrId,
          arn: `arn:aws:emr-containers:us-east-1:${TEST_ACCOUNT_ID}:/virtualclusters/${VIRTUAL_CLUSTER}/jobruns/${emrId}`,
          state: 'RUNNING',
        });
    }
    return (await runs.getRun(id))!;
  };
  const creates = () =>
    cluster.calls.filter(call => call === 'sparkUi.createForJobRun').length;
  return { db, cluster, service, run, creates };
}

describe('SparkUiService', () => {
  it.each(databases.eachSupportedId())(
    'makes one UI per run for the virtual cluster and EMR job, and reuses it, on %p',
    async databaseId => {
      const { cluster, service, run, creates } = await world(databaseId);
      const first = await run();
      const link = await service.open(first);
      expect(link).toEqual({ url: expect.stringMatching(/^https:\/\/p-/) });
      expect(await service.open(first)).toEqual(link);
      expect(creates()).toBe(1);
      expect([...cluster.sparkUis.values()]).toEqual([
        {
          virtualClusterArn: `arn:aws:emr-containers:us-east-1:${TEST_ACCOUNT_ID}:/virtualclusters/${VIRTUAL_CLUSTER}`,
          jobRunId: first.emrJobRunId,
          creating: 0,
        },
      ]);
      // Another run gets a UI of its own.
      expect((await service.open(await run())).url).not.toBe(link.url);
      expect(creates()).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'makes one UI when many requests for a run come at once, all answered with it, on %p',
    async databaseId => {
      const { service, run, creates } = await world(databaseId, {
        timings: { waitMs: 5_000 },
      });
      const target = await run();
      const links = await Promise.all(
        Array.from({ length: 12 }, () => service.open(target)),
      );
      expect(creates()).toBe(1);
      expect(new Set(links.map(link => link.url)).size).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a run EMR has not accepted yet with a ConflictError, asking EMR nothing, on %p',
    async databaseId => {
      const { cluster, service, run } = await world(databaseId);
      const pending = await run(false);
      await expect(service.open(pending)).rejects.toThrow(ConflictError);
      await expect(service.open(pending)).rejects.toThrow(
        /has no EMR job run yet \(it is SUBMITTING\)/,
      );
      expect(cluster.calls).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'waits for a UI EMR is preparing, within the bound, on %p',
    async databaseId => {
      const { cluster, service, run } = await world(databaseId, {
        timings: { waitMs: 5_000 },
      });
      cluster.sparkUiCreatingDescribes = 2;
      expect((await service.open(await run())).url).toMatch(/^https:/);
      expect(
        cluster.calls.filter(call => call === 'sparkUi.status').length,
      ).toBe(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'says clearly that the UI is not ready when EMR takes longer than the wait, and reuses it later, on %p',
    async databaseId => {
      const { cluster, service, run, creates } = await world(databaseId);
      cluster.sparkUiCreatingDescribes = 1_000;
      const target = await run();
      const started = Date.now();
      const failure = service.open(target);
      await expect(failure).rejects.toThrow(ServiceUnavailableError);
      await expect(failure).rejects.toThrow(
        `The Spark UI of job run ${target.id} is not ready yet (CREATING); EMR prepares it in a few seconds: try again shortly`,
      );
      // Bounded: the wait (200 ms here) and one look past it at most.
      expect(Date.now() - started).toBeLessThan(2_000);
      cluster.sparkUis.forEach(ui => {
        ui.creating = 0;
      });
      expect((await service.open(target)).url).toMatch(/^https:/);
      expect(creates()).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'makes a new UI when EMR no longer knows the one kept, on %p',
    async databaseId => {
      const { cluster, service, run, creates } = await world(databaseId);
      const target = await run();
      const first = await service.open(target);
      cluster.sparkUis.clear();
      const second = await service.open(target);
      expect(second.url).not.toBe(first.url);
      expect(creates()).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a refusal by EMR with a ConflictError, and lets the next request try again, on %p',
    async databaseId => {
      const cluster = new MemoryCluster();
      let refuse = true;
      const gateway: SparkUiGateway = {
        ...cluster.sparkUi,
        createForJobRun: async target => {
          if (refuse) {
            throw new SparkUiRefusedError('the job run is too old');
          }
          return cluster.sparkUi.createForJobRun(target);
        },
      };
      const { service, run } = await world(databaseId, { gateway });
      const target = await run();
      await expect(service.open(target)).rejects.toThrow(
        `EMR cannot open the Spark UI of job run ${target.id}: the job run is too old`,
      );
      refuse = false;
      expect((await service.open(target)).url).toMatch(/^https:/);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a run of a cluster no longer configured, on %p',
    async databaseId => {
      const { db, service, run } = await world(databaseId);
      const target = await run();
      await db('emr_job_runs')
        .where({ id: target.id })
        .update({
          arn: `arn:aws:emr-containers:eu-west-1:999999999999:/virtualclusters/vc/jobruns/${target.emrJobRunId}`,
        });
      await expect(
        service.open({
          ...target,
          arn: `arn:aws:emr-containers:eu-west-1:999999999999:/virtualclusters/vc/jobruns/${target.emrJobRunId}`,
        }),
      ).rejects.toThrow(/no longer configured/);
    },
  );
});
