import {
  DescribeJobRunCommand,
  ListJobRunsCommand,
  StartJobRunCommand,
} from '@aws-sdk/client-emr-containers';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import {
  ADMIN,
  as,
  BASE,
  onboard,
  useIntegrationHarness,
} from './__testUtils__/harness';
import { startEmrOnEksBackend, USERS } from './__testUtils__/testBackend';
import { JOB_TAGS } from './domain/jobRun';

/*
 * Job runs end to end: the real backend and permission framework, AWS through
 * a recording proxy to a real moto_server.
 */

jest.setTimeout(60_000);

const harness = useIntegrationHarness();
/** The example, at 10 executors so that it fits the example tenant's quota. */
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

async function backendWithTenants() {
  const backend = await startEmrOnEksBackend(harness.directConfig());
  const teamA = await onboard(backend.server, TEAM_A, USERS.alice);
  const teamB = await onboard(
    backend.server,
    {
      ...TEAM_A,
      name: 'team-b',
      owner: 'group:default/team-b',
      dataAccess: [],
    },
    USERS.bob,
  );
  expect([teamA.status.phase, teamB.status.phase]).toEqual(['Ready', 'Ready']);
  harness.proxy.clear();
  return { ...backend, teamA, teamB };
}

const startJobRunCalls = () =>
  harness.proxy.calls.filter(
    c =>
      c.service === 'emr-containers' &&
      c.write &&
      /\/jobruns$/.test(c.operation),
  );

describe('job runs (moto)', () => {
  it('submits, lists per tenant and per entity, and cancels', async () => {
    const { server, teamA } = await backendWithTenants();

    const submitted = await request(server)
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send(SALES);
    expect(submitted.status).toBe(201);
    const run = submitted.body;
    expect(run).toMatchObject({
      tenant: 'team-a',
      name: 'daily-sales',
      state: 'PENDING',
      entityRef: 'component:default/daily-sales',
      submittedBy: USERS.alice,
      spot: true,
      releaseLabel: 'emr-7.5.0-latest',
      idempotencyKey: 'daily-sales-2026-11-20',
      virtualClusterId: teamA.status.virtualClusterId,
      requested: { maxExecutors: 10, maxCores: 42 },
    });
    expect(startJobRunCalls()).toHaveLength(1);

    // The run exists in moto as composed.
    const { jobRun } = await harness.aws.emr.send(
      new DescribeJobRunCommand({
        virtualClusterId: run.virtualClusterId,
        id: run.emrJobRunId,
      }),
    );
    expect(jobRun).toMatchObject({
      name: 'daily-sales',
      executionRoleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
      releaseLabel: 'emr-7.5.0-latest',
      state: 'RUNNING',
    });
    const sparkDefaults =
      jobRun!.configurationOverrides!.applicationConfiguration!.find(
        c => c.classification === 'spark-defaults',
      )!.properties!;
    expect(sparkDefaults['spark.kubernetes.executor.podTemplateFile']).toBe(
      `s3://shared-data-emr-assets/tenants/team-a/${teamA.uid}/pod-templates/standard/executor-spot.yaml`,
    );

    // The same idempotency key returns the same run and submits nothing.
    harness.proxy.clear();
    const again = await request(server)
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send(SALES);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(run.id);
    expect(startJobRunCalls()).toEqual([]);

    const perTenant = await request(server)
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.carol));
    expect(perTenant.status).toBe(200);
    expect(perTenant.body.items.map((r: any) => r.id)).toEqual([run.id]);
    const perEntity = await request(server)
      .get(`${BASE}/job-runs`)
      .query({ entityRef: 'component:default/daily-sales' })
      .set('Authorization', as(USERS.alice));
    expect(perEntity.body.items.map((r: any) => r.id)).toEqual([run.id]);
    const one = await request(server)
      .get(`${BASE}/job-runs/${run.id}`)
      .set('Authorization', as(USERS.alice));
    expect(one.body).toMatchObject({
      id: run.id,
      emrJobRunId: run.emrJobRunId,
    });

    const cancelled = await request(server)
      .post(`${BASE}/job-runs/${run.id}/cancel`)
      .set('Authorization', as(USERS.alice));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('CANCELLED');
    const { jobRun: afterCancel } = await harness.aws.emr.send(
      new DescribeJobRunCommand({
        virtualClusterId: run.virtualClusterId,
        id: run.emrJobRunId,
      }),
    );
    expect(afterCancel!.state).toBe('CANCELLED');
    const twice = await request(server)
      .post(`${BASE}/job-runs/${run.id}/cancel`)
      .set('Authorization', as(USERS.alice));
    expect(twice.status).toBe(409);
  });

  it('returns the composed StartJobRun on a dry run without submitting or storing', async () => {
    const { server } = await backendWithTenants();
    const res = await request(server)
      .post(`${BASE}/tenants/team-a/job-runs`)
      .query({ dryRun: 'true' })
      .set('Authorization', as(USERS.alice))
      .send(SALES);
    expect(res.status).toBe(200);
    expect(res.body.startJobRun).toMatchObject({
      name: 'daily-sales',
      releaseLabel: 'emr-7.5.0-latest',
      jobDriver: {
        sparkSubmitJobDriver: {
          entryPoint: 's3://data-lake/team-a/jobs/sales.py',
        },
      },
    });
    expect(harness.proxy.calls).toEqual([]);
    const list = await request(server)
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', ADMIN);
    expect(list.body.items).toEqual([]);
  });

  it.each([true, false])(
    'answers a dry run (spot: %s) with the pod templates it points at, as onboarding uploaded them',
    async spot => {
      const { server } = await backendWithTenants();
      const res = await request(server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .query({ dryRun: 'true' })
        .set('Authorization', as(USERS.alice))
        .send({ ...SALES, spot });
      expect(res.status).toBe(200);
      const sparkDefaults =
        res.body.startJobRun.configurationOverrides.applicationConfiguration.find(
          (c: any) => c.classification === 'spark-defaults',
        ).properties;
      const { driver, executor } = res.body.podTemplates;
      expect(driver.uri).toBe(
        sparkDefaults['spark.kubernetes.driver.podTemplateFile'],
      );
      expect(executor.uri).toBe(
        sparkDefaults['spark.kubernetes.executor.podTemplateFile'],
      );
      expect(executor.uri).toMatch(
        spot ? /executor-spot\.yaml$/ : /executor-on-demand\.yaml$/,
      );
      for (const template of [driver, executor]) {
        const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(template.uri)!;
        const object = await harness.aws.s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: key }),
        );
        expect(await object.Body!.transformToString()).toBe(template.body);
      }
    },
  );

  it('syncs runs started outside Backstage and attributes them by tag', async () => {
    const { server, teamA, scheduledTasks } = await backendWithTenants();
    const { id } = await harness.aws.emr.send(
      new StartJobRunCommand({
        name: 'airflow-nightly',
        virtualClusterId: teamA.status.virtualClusterId,
        executionRoleArn: teamA.status.executionRoleArn,
        releaseLabel: 'emr-7.5.0-latest',
        clientToken: 'airflow-1',
        jobDriver: {
          sparkSubmitJobDriver: {
            entryPoint: 's3://data-lake/team-a/nightly.py',
          },
        },
        tags: { [JOB_TAGS.entityRef]: 'component:default/nightly' },
      }),
    );
    const sync = scheduledTasks.find(t => t.id === 'emr-on-eks-sync-job-runs')!;
    await sync.fn(new AbortController().signal);

    const res = await request(server)
      .get(`${BASE}/job-runs`)
      .query({ entityRef: 'component:default/nightly' })
      .set('Authorization', as(USERS.alice));
    expect(res.body.items).toEqual([
      expect.objectContaining({
        emrJobRunId: id,
        name: 'airflow-nightly',
        source: 'external',
        state: 'RUNNING',
        tenant: 'team-a',
      }),
    ]);
    // One List call per tenant; nothing new on the second pass writes nothing.
    harness.proxy.clear();
    await sync.fn(new AbortController().signal);
    const lists = harness.proxy.calls.filter(
      c => c.service === 'emr-containers',
    );
    expect(lists.map(c => c.operation)).toEqual([
      expect.stringMatching(/^GET \/virtualclusters\/[a-z0-9]+\/jobruns$/),
      expect.stringMatching(/^GET \/virtualclusters\/[a-z0-9]+\/jobruns$/),
    ]);
    const { jobRuns } = await harness.aws.emr.send(
      new ListJobRunsCommand({
        virtualClusterId: teamA.status.virtualClusterId,
      }),
    );
    expect(jobRuns).toHaveLength(1);
  });

  describe('bad input', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a name with a space', { name: 'daily sales' }, 'name:'],
      [
        'an entry point that is not S3 or local',
        { entryPoint: 'https://example.com/x.py' },
        'entryPoint:',
      ],
      [
        'an entry point outside the tenant prefixes',
        { entryPoint: 's3://data-lake/team-b/x.py' },
        "entryPoint: s3://data-lake/team-b/x.py is outside tenant team-a's S3 prefixes",
      ],
      [
        'an argument outside the tenant prefixes',
        { entryPointArguments: ['--out', 's3://elsewhere/out/'] },
        'entryPointArguments.1:',
      ],
      [
        'executor.cores over the LimitRange max',
        { executor: { cores: 7, memory: '8g', maxExecutors: 2 } },
        'executor.cores: 7 exceeds the LimitRange max cpu 6 of tenant team-a',
      ],
      [
        'a job that cannot fit the quota',
        { executor: DAILY_SALES.executor },
        'executor.maxExecutors: with 20 executors the job needs',
      ],
      [
        'a bad memory size',
        { driver: { cores: 1, memory: '4 GB' } },
        'driver.memory:',
      ],
      [
        'a forbidden Spark key',
        { sparkConf: { 'spark.kubernetes.namespace': 'team-b' } },
        'sparkConf.spark.kubernetes.namespace:',
      ],
      [
        'a service-account override',
        {
          sparkConf: {
            'spark.kubernetes.authenticate.driver.serviceAccountName': 'admin',
          },
        },
        'sparkConf.spark.kubernetes.authenticate.driver.serviceAccountName:',
      ],
      [
        'a tier above the tenant',
        { priorityTier: 'high' },
        "priorityTier: high is above tenant team-a's tier standard",
      ],
      [
        'a release label in the wrong format',
        { releaseLabel: '7.5.0' },
        'releaseLabel:',
      ],
      [
        'both instances and a range',
        { executor: { cores: 2, memory: '4g', instances: 2, maxExecutors: 4 } },
        'executor.instances:',
      ],
      ['an unknown field', { colour: 'blue' }, 'unknown field(s) "colour"'],
    ];

    it.each(cases)(
      'rejects %s with 400 naming the field, calling and storing nothing',
      async (_what, patch, message) => {
        const { server } = await backendWithTenants();
        const res = await request(server)
          .post(`${BASE}/tenants/team-a/job-runs`)
          .set('Authorization', as(USERS.alice))
          .send({ ...SALES, ...patch });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(message);
        expect(harness.proxy.calls).toEqual([]);
        const list = await request(server)
          .get(`${BASE}/tenants/team-a/job-runs`)
          .set('Authorization', ADMIN);
        expect(list.body.items).toEqual([]);
      },
    );

    it('answers 404 for an unknown tenant and 409 for a tenant that is not Ready', async () => {
      const { server } = await backendWithTenants();
      const unknown = await request(server)
        .post(`${BASE}/tenants/team-z/job-runs`)
        .set('Authorization', ADMIN)
        .send(SALES);
      expect(unknown.status).toBe(404);

      harness.proxy.failWhen(call => call.service === 's3' && call.write, {
        status: 503,
        code: 'SlowDown',
        message: 'injected',
      });
      const failed = await onboard(
        server,
        {
          ...TEAM_A,
          name: 'team-f',
          owner: 'group:default/team-a',
          dataAccess: [],
        },
        USERS.alice,
      );
      expect(failed.status.phase).toBe('Failed');
      harness.proxy.clear();
      const notReady = await request(server)
        .post(`${BASE}/tenants/team-f/job-runs`)
        .set('Authorization', as(USERS.alice))
        .send({ ...SALES, entryPoint: 'local:///app.py' });
      expect(notReady.status).toBe(409);
      expect(notReady.body.error.message).toContain(
        'tenant team-f is Failed, not Ready',
      );
      expect(startJobRunCalls()).toEqual([]);
    });

    it('rejects bad list queries', async () => {
      const { server } = await backendWithTenants();
      for (const query of [
        { state: 'SLEEPING' },
        { limit: '0' },
        { createdAfter: 'yesterday' },
        { cursor: 'nope' },
        { sort: 'asc' },
      ]) {
        const res = await request(server)
          .get(`${BASE}/tenants/team-a/job-runs`)
          .query(query)
          .set('Authorization', ADMIN);
        expect([JSON.stringify(query), res.status]).toEqual([
          JSON.stringify(query),
          400,
        ]);
      }
    });
  });

  describe('permissions', () => {
    it('keeps team B out of team A’s runs: 404 to submit or cancel, absent from lists', async () => {
      const { server } = await backendWithTenants();
      const submitted = await request(server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', as(USERS.alice))
        .send(SALES);
      const run = submitted.body;
      harness.proxy.clear();

      const asBob = as(USERS.bob);
      const submit = await request(server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', asBob)
        .send(SALES);
      expect(submit.status).toBe(404);
      const cancel = await request(server)
        .post(`${BASE}/job-runs/${run.id}/cancel`)
        .set('Authorization', asBob);
      expect(cancel.status).toBe(404);
      expect(harness.proxy.calls.filter(c => c.write)).toEqual([]);

      expect(
        (
          await request(server)
            .get(`${BASE}/job-runs/${run.id}`)
            .set('Authorization', asBob)
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server)
            .get(`${BASE}/tenants/team-a/job-runs`)
            .set('Authorization', asBob)
        ).status,
      ).toBe(404);
      const bobsView = await request(server)
        .get(`${BASE}/job-runs`)
        .set('Authorization', asBob);
      expect(bobsView.body.items).toEqual([]);
      const byEntity = await request(server)
        .get(`${BASE}/job-runs`)
        .query({ entityRef: 'component:default/daily-sales' })
        .set('Authorization', asBob);
      expect(byEntity.body.items).toEqual([]);

      // Team B's own work is theirs to see; the admin sees everything.
      await request(server)
        .post(`${BASE}/tenants/team-b/job-runs`)
        .set('Authorization', asBob)
        .send({
          ...SALES,
          entryPoint: 'local:///app.py',
          idempotencyKey: 'b-1',
          entityRef: 'component:default/hourly-clicks',
        })
        .expect(201);
      expect(
        (
          await request(server)
            .get(`${BASE}/job-runs`)
            .set('Authorization', asBob)
        ).body.items.map((r: any) => r.tenant),
      ).toEqual(['team-b']);
      expect(
        (
          await request(server)
            .get(`${BASE}/job-runs`)
            .set('Authorization', ADMIN)
        ).body.items
          .map((r: any) => r.tenant)
          .sort(),
      ).toEqual(['team-a', 'team-b']);
    });
  });
});
