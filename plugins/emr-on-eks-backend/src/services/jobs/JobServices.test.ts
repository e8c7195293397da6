import {
  EMRContainersClient,
  StartJobRunCommandInput,
} from '@aws-sdk/client-emr-containers';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { jobRequest, spec, testSettings } from '../../__testUtils__/fixtures';
import {
  ScriptedEmrServer,
  startScriptedEmr,
} from '../../__testUtils__/scriptedEmr';
import { JOB_TAGS, jobRunClientToken } from '../../domain/jobRun';
import {
  EmrJobRunGateway,
  JobRunGateway,
} from '../../gateways/aws/JobRunGateway';
import { JobRunStore } from '../../stores/JobRunStore';
import { TenantStore } from '../../stores/TenantStore';
import { JobSubmissionService } from './JobSubmissionService';
import { JobSyncService } from './JobSyncService';
import { migrated } from '../../__testUtils__/database';
import { JobSyncStore } from '../../stores/JobSyncStore';

/*
 * Submission, cancel and sync against scripted EMR responses, through the
 * real AWS SDK client: the state transitions, pages, throttling, lost answers
 * and deleted virtual clusters that moto cannot produce.
 */

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
/** The API checks entity refs against the catalog; these tests have none. */
const CALLER = mockCredentials.user('user:default/alice');
// Fresh virtual clusters for every test, so the scripted EMR's jobs never mix.
let VC_A = '';
let VC_B = '';
let clusterCount = 0;
const newClusterId = () => `vc${String(++clusterCount).padStart(23, '0')}`;
const FITS = {
  executor: { cores: 4, memory: '16g', minExecutors: 2, maxExecutors: 10 },
};

let emr: ScriptedEmrServer;
let client: EMRContainersClient;

beforeAll(async () => {
  emr = await startScriptedEmr();
  client = new EMRContainersClient({
    region: 'us-east-1',
    endpoint: emr.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 5,
  });
});

afterAll(async () => {
  client.destroy();
  await emr.stop();
});

/** The real gateway, with start calls that can be made to fail around it. */
class TestGateway implements JobRunGateway {
  failBeforeStart = false;
  loseStartAnswer = false;
  private readonly real: EmrJobRunGateway;

  constructor(emrClient: EMRContainersClient) {
    this.real = new EmrJobRunGateway(emrClient);
  }

  async start(input: StartJobRunCommandInput) {
    if (this.failBeforeStart) {
      throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    }
    const accepted = await this.real.start(input);
    if (this.loseStartAnswer) {
      throw Object.assign(new Error('socket hang up'), { name: 'Error' });
    }
    return accepted;
  }

  describe(virtualClusterId: string, id: string) {
    return this.real.describe(virtualClusterId, id);
  }

  list(virtualClusterId: string, createdAfter: Date) {
    return this.real.list(virtualClusterId, createdAfter);
  }

  cancel(virtualClusterId: string, id: string) {
    return this.real.cancel(virtualClusterId, id);
  }
}

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const db = await migrated(knex);
  const tenants = new TenantStore(db);
  const jobs = new JobRunStore(db);
  const syncStates = new JobSyncStore(db);
  VC_A = newClusterId();
  VC_B = newClusterId();
  for (const [name, vc] of [
    ['team-a', VC_A],
    ['team-b', VC_B],
  ]) {
    await tenants.insertTenant({ spec: spec({ name }), createdBy: 'x' });
    await tenants.mergeOutputs(name, {
      virtualClusterId: vc,
      executionRoleArn: `arn:aws:iam::123456789012:role/emr-tenant-${name}`,
      logGroupName: `/emr-on-eks/shared/${name}`,
    });
    await tenants.setPhase(name, 'Ready');
    emr.addVirtualCluster({ id: vc, namespace: name });
  }
  const gateway = new TestGateway(client);
  const service = JobSubmissionService.create({
    settings: testSettings(),
    jobs,
    tenants,
    jobRunsFor: () => gateway,
    catalog: { lookup: async () => ({ kind: 'no-catalog' }) },
  });
  const sync = JobSyncService.create({
    settings: testSettings(),
    jobs,
    syncStates,
    tenants,
    jobRunsFor: () => gateway,
    logger: mockServices.logger.mock(),
  });
  emr.clearCalls();
  return {
    knex,
    tenants,
    jobs,
    syncStates,
    service,
    sync,
    gateway,
    tenantA: await tenants.getTenant('team-a'),
  };
}

const callsOf = (operation: string) =>
  emr.calls.filter(c => c.operation === operation);

describe('job submission and sync', () => {
  it('submits, then follows the run through PENDING, SUBMITTED, RUNNING, COMPLETED', async () => {
    const { service, tenantA, sync } = await setup();
    const { run, created, startJobRun } = await service.submit({
      tenant: tenantA,
      request: jobRequest({ ...FITS, idempotencyKey: 'walk-1' }),
      actor: 'user:default/alice',
      credentials: CALLER,
    });
    expect(created).toBe(true);
    expect(run).toMatchObject({
      state: 'PENDING',
      source: 'backstage',
      submittedBy: 'user:default/alice',
      spot: true,
    });
    // EMR's token is scoped to the tenant incarnation, not the raw key.
    expect(startJobRun.clientToken).toBe(
      jobRunClientToken(tenantA.uid, 'walk-1'),
    );
    // What EMR received carries the run id as the submission tag.
    expect(callsOf('StartJobRun')[0].body.tags[JOB_TAGS.submissionId]).toBe(
      run!.id,
    );

    const seen: string[] = [];
    for (let step = 0; step < 4; step++) {
      await sync.syncTenant(tenantA);
      const current = await service.getRun(run!.id);
      seen.push(current.state);
      expect(current.finishedAt === undefined).toBe(
        current.state !== 'COMPLETED',
      );
      emr.advance(run!.emrJobRunId);
    }
    expect(seen).toEqual(['PENDING', 'SUBMITTED', 'RUNNING', 'COMPLETED']);
  });

  it('records FAILED with its reason and details', async () => {
    const { service, tenantA, sync } = await setup();
    emr.defaultScript = [
      { state: 'PENDING' },
      {
        state: 'FAILED',
        failureReason: 'USER_ERROR',
        stateDetails: 'Job failed: NameError in sales.py',
      },
    ];
    const { run } = await service.submit({
      tenant: tenantA,
      request: jobRequest(FITS),
      actor: 'x',
      credentials: CALLER,
    });
    emr.advance(run!.emrJobRunId);
    await sync.syncTenant(tenantA);
    expect(await service.getRun(run!.id)).toMatchObject({
      state: 'FAILED',
      failureReason: 'USER_ERROR',
      stateDetails: 'Job failed: NameError in sales.py',
      finishedAt: expect.any(String),
    });
    emr.defaultScript = [
      { state: 'PENDING' },
      { state: 'SUBMITTED' },
      { state: 'RUNNING' },
      { state: 'COMPLETED' },
    ];
  });

  it('cancels: CANCEL_PENDING first, CANCELLED after the next sync', async () => {
    const { service, tenantA, sync } = await setup();
    const { run } = await service.submit({
      tenant: tenantA,
      request: jobRequest(FITS),
      actor: 'x',
      credentials: CALLER,
    });
    const cancelling = await service.cancel(run!);
    expect(cancelling.state).toBe('CANCEL_PENDING');
    expect(callsOf('CancelJobRun')).toHaveLength(1);
    emr.advance(run!.emrJobRunId);
    await sync.syncTenant(tenantA);
    const cancelled = await service.getRun(run!.id);
    expect(cancelled.state).toBe('CANCELLED');
    await expect(service.cancel(cancelled)).rejects.toThrow(ConflictError);
  });

  it('returns the same run for the same idempotency key and submits once', async () => {
    const { service, tenantA } = await setup();
    const request = jobRequest({
      ...FITS,
      idempotencyKey: 'daily-sales-2026-11-20',
    });
    const first = await service.submit({
      tenant: tenantA,
      request,
      actor: 'x',
      credentials: CALLER,
    });
    const second = await service.submit({
      tenant: tenantA,
      request,
      actor: 'x',
      credentials: CALLER,
    });
    expect(second.created).toBe(false);
    expect(second.run!.id).toBe(first.run!.id);
    expect(callsOf('StartJobRun')).toHaveLength(1);
    expect(emr.jobCount(VC_A)).toBe(1);
  });

  it('refuses the same idempotency key with a different request: 409 naming the key, nothing submitted', async () => {
    const { service, tenantA } = await setup();
    const request = jobRequest({ ...FITS, idempotencyKey: 'nightly-1' });
    const first = await service.submit({
      tenant: tenantA,
      request,
      actor: 'x',
      credentials: CALLER,
    });
    emr.clearCalls();
    await expect(
      service.submit({
        tenant: tenantA,
        request: { ...request, entryPointArguments: ['--day=2026-11-21'] },
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(
      new ConflictError(
        `idempotencyKey "nightly-1" was already used for a different request (job run ${
          first.run!.id
        }); send a new key for a new request, or the same request to retry`,
      ),
    );
    expect(callsOf('StartJobRun')).toHaveLength(0);
    expect(emr.jobCount(VC_A)).toBe(1);
  });

  it('resubmits with the same token after a crash between recording and calling', async () => {
    const { service, gateway, tenantA } = await setup();
    const request = jobRequest({ ...FITS, idempotencyKey: 'crash-before' });
    gateway.failBeforeStart = true;
    await expect(
      service.submit({
        tenant: tenantA,
        request,
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(ServiceUnavailableError);
    const recorded = (
      await service.listRuns({ tenantUids: [tenantA.uid], limit: 10 })
    ).items;
    expect(recorded.map(r => r.state)).toEqual(['SUBMITTING']);
    expect(emr.jobCount(VC_A)).toBe(0);

    gateway.failBeforeStart = false;
    const retried = await service.submit({
      tenant: tenantA,
      request,
      actor: 'x',
      credentials: CALLER,
    });
    expect(retried.run).toMatchObject({ id: recorded[0].id, state: 'PENDING' });
    expect(emr.jobCount(VC_A)).toBe(1);
  });

  it('neither loses nor duplicates a run whose StartJobRun answer was lost', async () => {
    const { service, gateway, tenantA, sync } = await setup();
    const request = jobRequest({ ...FITS, idempotencyKey: 'crash-after' });
    gateway.loseStartAnswer = true;
    await expect(
      service.submit({
        tenant: tenantA,
        request,
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(ServiceUnavailableError);
    expect(emr.jobCount(VC_A)).toBe(1);

    // The sync finds it by its submission tag and attaches it to the record...
    await sync.syncTenant(tenantA);
    const runs = (
      await service.listRuns({ tenantUids: [tenantA.uid], limit: 10 })
    ).items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      state: 'PENDING',
      source: 'backstage',
      emrJobRunId: expect.any(String),
    });

    // ...and a retry with the same key is answered from the record.
    gateway.loseStartAnswer = false;
    const retried = await service.submit({
      tenant: tenantA,
      request,
      actor: 'x',
      credentials: CALLER,
    });
    expect(retried).toMatchObject({ created: false, run: { id: runs[0].id } });
    expect(emr.jobCount(VC_A)).toBe(1);
  });

  it('lets EMR’s clientToken deduplicate a retry that races the sync', async () => {
    const { service, gateway, tenantA } = await setup();
    const request = jobRequest({ ...FITS, idempotencyKey: 'crash-after-2' });
    gateway.loseStartAnswer = true;
    await expect(
      service.submit({
        tenant: tenantA,
        request,
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(ServiceUnavailableError);
    gateway.loseStartAnswer = false;
    const retried = await service.submit({
      tenant: tenantA,
      request,
      actor: 'x',
      credentials: CALLER,
    });
    expect(retried.run!.state).toBe('PENDING');
    expect(callsOf('StartJobRun')).toHaveLength(2);
    expect(callsOf('StartJobRun')[0].body.clientToken).toBe(
      callsOf('StartJobRun')[1].body.clientToken,
    );
    expect(emr.jobCount(VC_A)).toBe(1);
  });

  it('marks a submission that never reached EMR as FAILED after a grace period', async () => {
    const { service, gateway, knex, tenantA, sync } = await setup();
    gateway.failBeforeStart = true;
    await expect(
      service.submit({
        tenant: tenantA,
        request: jobRequest(FITS),
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow();
    await sync.syncTenant(tenantA);
    expect(
      (await service.listRuns({ tenantUids: [tenantA.uid], limit: 1 })).items[0]
        .state,
    ).toBe('SUBMITTING');
    await knex('emr_job_runs').update({
      created_at: new Date(Date.now() - 20 * 60_000),
    });
    await sync.syncTenant(tenantA);
    expect(
      (await service.listRuns({ tenantUids: [tenantA.uid], limit: 1 }))
        .items[0],
    ).toMatchObject({
      state: 'FAILED',
      stateDetails: expect.stringContaining('never reached EMR'),
    });
  });

  it('records an EMR refusal as FAILED and answers 400', async () => {
    const { service, tenantA } = await setup();
    emr.failNext(
      1,
      {
        status: 400,
        code: 'ValidationException',
        message: 'Release label is not supported',
      },
      'StartJobRun',
    );
    await expect(
      service.submit({
        tenant: tenantA,
        request: jobRequest(FITS),
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(
      new InputError('EMR refused the job run: Release label is not supported'),
    );
    expect(
      (await service.listRuns({ tenantUids: [tenantA.uid], limit: 1 }))
        .items[0],
    ).toMatchObject({
      state: 'FAILED',
      failureReason: 'VALIDATION_ERROR',
    });
  });

  it('refuses a request over the tenant limits, or for a tenant that is not Ready, without calling EMR', async () => {
    const { service, tenants, tenantA } = await setup();
    await expect(
      service.submit({
        tenant: tenantA,
        request: jobRequest({
          executor: { cores: 7, memory: '8g', maxExecutors: 2 },
        }),
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(
      'executor.cores: 7 exceeds the LimitRange max cpu 6 of tenant team-a',
    );
    await tenants.setPhase('team-a', 'Failed');
    await expect(
      service.submit({
        tenant: await tenants.getTenant('team-a'),
        request: jobRequest(FITS),
        actor: 'x',
        credentials: CALLER,
      }),
    ).rejects.toThrow(ConflictError);
    expect(callsOf('StartJobRun')).toEqual([]);
    expect(
      (await service.listRuns({ tenantUids: [tenantA.uid], limit: 10 })).items,
    ).toEqual([]);
  });

  it('returns the composed input on a dry run, with no call and nothing stored', async () => {
    const { service, tenantA } = await setup();
    const result = await service.submit({
      tenant: tenantA,
      request: jobRequest(FITS),
      actor: 'x',
      credentials: CALLER,
      dryRun: true,
    });
    expect(result.startJobRun.virtualClusterId).toBe(VC_A);
    expect(result.run).toBeUndefined();
    expect(emr.calls).toEqual([]);
    expect(
      (await service.listRuns({ tenantUids: [tenantA.uid], limit: 10 })).items,
    ).toEqual([]);
  });

  describe('sync', () => {
    it('pages through runs started outside Backstage, attributing them by tag', async () => {
      const { service, tenantA, sync } = await setup();
      const now = Date.now();
      for (let i = 0; i < 120; i++) {
        emr.addJob(VC_A, {
          name: `airflow-${i}`,
          createdAt: new Date(now - (i + 1) * 60_000),
          tags:
            i % 2 === 0
              ? { [JOB_TAGS.entityRef]: 'component:default/nightly-etl' }
              : {},
          script: [{ state: 'RUNNING' }],
        });
      }
      const result = await sync.syncTenant(tenantA);
      expect(result).toMatchObject({ listed: 120, written: 120, described: 0 });
      expect(callsOf('ListJobRuns').length).toBeGreaterThanOrEqual(3);
      const attributed = await service.listRuns({
        entityRef: 'component:default/nightly-etl',
        tenantUids: [tenantA.uid],
        limit: 200,
      });
      expect(attributed.items).toHaveLength(60);
      expect(attributed.items.every(r => r.source === 'external')).toBe(true);
    });

    it('makes exactly one List call when nothing is new', async () => {
      const { service, tenantA, sync } = await setup();
      await service.submit({
        tenant: tenantA,
        request: jobRequest(FITS),
        actor: 'x',
        credentials: CALLER,
      });
      await sync.syncTenant(tenantA);
      emr.clearCalls();
      const result = await sync.syncTenant(tenantA);
      expect(emr.calls.map(c => c.operation)).toEqual(['ListJobRuns']);
      expect(result).toMatchObject({ written: 0, described: 0 });
    });

    it('lists from the watermark minus the safety margin', async () => {
      const { tenantA, sync } = await setup();
      const createdAt = new Date(Date.now() - 3_600_000);
      emr.addJob(VC_A, { createdAt, script: [{ state: 'RUNNING' }] });
      await sync.syncTenant(tenantA);
      emr.clearCalls();
      await sync.syncTenant(tenantA);
      const after = String(callsOf('ListJobRuns')[0].query.createdAfter);
      expect(Date.parse(after)).toBe(createdAt.getTime() - 300_000);
    });

    it('describes unfinished runs older than the list window', async () => {
      const { service, tenantA, knex, sync } = await setup();
      const { run } = await service.submit({
        tenant: tenantA,
        request: jobRequest(FITS),
        actor: 'x',
        credentials: CALLER,
      });
      await sync.syncTenant(tenantA);
      // Much newer runs move the watermark past the first run.
      emr.addJob(VC_A, {
        createdAt: new Date(Date.now() + 3_600_000),
        script: [{ state: 'RUNNING' }],
      });
      await sync.syncTenant(tenantA);
      await knex('emr_job_sync').update({
        watermark: new Date(Date.now() + 3_600_000),
      });
      emr.advance(run!.emrJobRunId);
      emr.clearCalls();
      const result = await sync.syncTenant(tenantA);
      expect(emr.calls.map(c => c.operation).sort()).toEqual([
        'DescribeJobRun',
        'ListJobRuns',
      ]);
      expect(result.described).toBe(1);
      expect((await service.getRun(run!.id)).state).toBe('SUBMITTED');
    });

    it('closes a run EMR no longer knows once it has not changed for an hour, and not before', async () => {
      const { service, tenantA, knex, sync } = await setup();
      const { run } = await service.submit({
        tenant: tenantA,
        request: jobRequest(FITS),
        actor: 'x',
        credentials: CALLER,
      });
      await sync.syncTenant(tenantA);
      // Out of the list window, so the sync describes it; EMR has forgotten it.
      await knex('emr_job_sync').update({
        watermark: new Date(Date.now() + 3_600_000),
      });
      await knex('emr_job_runs')
        .where({ id: run!.id })
        .update({ created_at: new Date(Date.now() - 2 * 3_600_000) });
      emr.forgetJob(run!.emrJobRunId!);
      await sync.syncTenant(tenantA);
      expect((await service.getRun(run!.id)).state).toBe('PENDING');

      await knex('emr_job_runs')
        .where({ id: run!.id })
        .update({ updated_at: new Date(Date.now() - 61 * 60_000) });
      await sync.syncTenant(tenantA);
      expect(await service.getRun(run!.id)).toMatchObject({
        state: 'FAILED',
        failureReason: 'UNKNOWN_TO_EMR',
        stateDetails: expect.stringContaining('EMR no longer knows'),
      });
    });

    it('rides out throttling with the SDK’s retries', async () => {
      const { tenantA, sync } = await setup();
      emr.addJob(VC_A, {
        createdAt: new Date(Date.now() - 60_000),
        script: [{ state: 'RUNNING' }],
      });
      emr.failNext(
        2,
        { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
        'ListJobRuns',
      );
      const result = await sync.syncTenant(tenantA);
      expect(result).toMatchObject({ listed: 1, written: 1 });
      expect(result.error).toBeUndefined();
      expect(callsOf('ListJobRuns')).toHaveLength(3);
    });

    it('follows runs of a replaced virtual cluster with their own cluster, and closes them once it is gone', async () => {
      const { service, tenants, tenantA, sync } = await setup();
      const { run } = await service.submit({
        tenant: tenantA,
        request: jobRequest({ ...FITS, idempotencyKey: 'old-vc' }),
        actor: 'x',
        credentials: CALLER,
      });
      // A reconcile replaced team-a's virtual cluster.
      const replacement = newClusterId();
      emr.addVirtualCluster({ id: replacement, namespace: 'team-a' });
      await tenants.mergeOutputs('team-a', { virtualClusterId: replacement });
      const moved = await tenants.getTenant('team-a');

      emr.advance(run!.emrJobRunId);
      emr.advance(run!.emrJobRunId);
      emr.clearCalls();
      await sync.syncTenant(moved);
      expect((await service.getRun(run!.id)).state).toBe(
        emr.state(run!.emrJobRunId!),
      );
      expect(callsOf('DescribeJobRun').map(c => c.virtualClusterId)).toEqual([
        VC_A,
      ]);

      emr.removeVirtualCluster(VC_A);
      const result = await sync.syncTenant(moved);
      expect(result.error).toBeUndefined();
      expect(await service.getRun(run!.id)).toMatchObject({
        state: 'FAILED',
        failureReason: 'VIRTUAL_CLUSTER_GONE',
      });
    });

    it('reports a tenant whose virtual cluster is gone and carries on with the others', async () => {
      const { syncStates, sync } = await setup();
      emr.addJob(VC_B, {
        createdAt: new Date(Date.now() - 60_000),
        script: [{ state: 'RUNNING' }],
      });
      emr.removeVirtualCluster(VC_A);
      const results = await sync.syncAll();
      expect(results.find(r => r.tenant === 'team-a')!.error).toBe(
        `virtual cluster ${VC_A} no longer exists; reconcile tenant team-a`,
      );
      expect(results.find(r => r.tenant === 'team-b')).toMatchObject({
        listed: 1,
        written: 1,
      });
      expect((await syncStates.getSyncState('team-a'))!.lastError).toContain(
        'no longer exists',
      );
    });
  });
});
