import {
  DescribeJobRunCommand,
  EMRContainersClient,
  StartJobRunCommand,
} from '@aws-sdk/client-emr-containers';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:net';
import request from 'supertest';
import yaml from 'yaml';
import {
  actionContext,
  BASE,
  FAST,
  LINKS,
  USERS,
  useActionsWorld,
} from '../__testUtils__/world';
import { createJobSubmitAction, taskIdempotencyKey } from './jobSubmit';
import { createSparkConfigAction } from './sparkConfig';
import { createTenantGetAction } from './tenantGet';
import { createTenantOnboardAction } from './tenantOnboard';

jest.setTimeout(60_000);

const world = useActionsWorld();

const TEAM_A = {
  name: 'team-a',
  owner: 'group:default/team-a',
  cluster: 'shared',
  dataAccess: [{ s3: 's3://data-lake/team-a/', access: 'read-write' as const }],
  network: { egressCidrs: ['10.0.0.0/8'] },
};

const onboardAction = () =>
  createTenantOnboardAction({ ...world.deps, links: LINKS, settings: FAST });

async function onboardTeamA(user = USERS.alice) {
  const run = actionContext({ input: TEAM_A, user });
  await onboardAction().handler(run.ctx);
  return run;
}

const job = (input: Record<string, unknown> = {}) => ({
  name: 'daily-sales',
  entryPoint: 's3://data-lake/team-a/jobs/daily_sales.py',
  entityRef: 'component:default/daily-sales',
  ...input,
});

describe('emr-on-eks:tenant:onboard', () => {
  it('onboards a tenant as the user, logs its steps and outputs its ids once Ready', async () => {
    const { outputs, logs } = await onboardTeamA();
    expect(outputs).toMatchObject({
      name: 'team-a',
      namespace: 'team-a',
      virtualClusterId: expect.stringMatching(/^[a-z0-9]+$/),
      executionRoleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
      logGroupName: '/emr-on-eks/shared/team-a',
      assetsPrefix: expect.stringMatching(
        /^s3:\/\/shared-data-emr-assets\/tenants\/team-a\/[0-9a-f-]+\/$/,
      ),
      podTemplates: {
        driver: expect.stringMatching(/driver\.yaml$/),
        executor: expect.stringMatching(/executor-spot\.yaml$/),
        executorOnDemand: expect.stringMatching(/executor-on-demand\.yaml$/),
      },
      entityRef: 'resource:default/team-a',
      tenantUrl: 'http://localhost:3000/emr-on-eks?tenant=team-a',
    });
    expect(logs).toContain('Onboarding tenant team-a');
    expect(logs[logs.length - 1]).toBe('tenant team-a is Ready');
    expect(world.writes()).toEqual(['POST /api/emr-on-eks/tenants']);
    // The backend saw the user, not the scaffolder.
    const tenant = await request(world.server)
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', mockCredentials.user.header(USERS.admin));
    expect(tenant.body.createdBy).toBe(USERS.alice);
  });

  it("logs the backend's warnings when the cluster's preflight fails and onboarding goes on", async () => {
    // moto has no EKS cluster named like the test cluster: its preflight
    // fails; with `warn` everyone is let through with the failed checks.
    const config = world.harness.directConfig() as any;
    config.emrOnEks.clusterPreflight = { onboarding: 'warn' };
    await world.restart(config);
    const { outputs, warnings } = await onboardTeamA();
    expect(outputs).toMatchObject({ name: 'team-a' });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Cluster shared failed its preflight \(.*EKS.*\): the tenant is onboarded/,
      ),
    ]);
  });

  it('updates an existing tenant to the new spec and waits for that generation', async () => {
    await onboardTeamA();
    const again = actionContext({
      input: { ...TEAM_A, description: 'Sales analytics' },
      user: USERS.alice,
    });
    await onboardAction().handler(again.ctx);
    expect(again.logs).toContain('Updating tenant team-a to generation 2');
    const res = await request(world.server)
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', mockCredentials.user.header(USERS.alice));
    expect(res.body).toMatchObject({
      generation: 2,
      spec: { description: 'Sales analytics' },
      status: { phase: 'Ready', observedGeneration: 2 },
    });
  });

  it("fails with the backend's 400 naming the field, and creates nothing", async () => {
    const run = actionContext({
      input: { ...TEAM_A, quota: { 'requests.cpu': 'lots' } },
      user: USERS.alice,
    });
    await expect(onboardAction().handler(run.ctx)).rejects.toThrow(
      /^Onboarding tenant team-a failed \(400\): .*quota\.requests\.cpu.*\(fix the input named above\)$/,
    );
    const res = await request(world.server)
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', mockCredentials.user.header(USERS.admin));
    expect(res.status).toBe(404);
  });

  it('fails with 403 for a user the policy does not let onboard', async () => {
    // carol is in team-a but may not onboard tenants.
    const run = actionContext({ input: TEAM_A, user: USERS.carol });
    await expect(onboardAction().handler(run.ctx)).rejects.toThrow(
      /^Onboarding tenant team-a failed \(403\): .*ask a platform admin\)$/,
    );
  });

  it('fails with the failed step and its message when onboarding fails', async () => {
    world.harness.proxy.failWhen(call => call.service === 'iam' && call.write, {
      status: 403,
      code: 'AccessDenied',
      message: 'not allowed to create roles',
    });
    const run = actionContext({ input: TEAM_A, user: USERS.alice });
    await expect(onboardAction().handler(run.ctx)).rejects.toThrow(
      /^Onboarding tenant team-a failed at step iam-role: .*not allowed to create roles/,
    );
  });

  describe('against a Kubernetes API that never answers', () => {
    let silent: Server;
    beforeEach(async () => {
      silent = createServer(() => {});
      await new Promise<void>(resolve =>
        silent.listen(0, '127.0.0.1', resolve),
      );
      const { port } = silent.address() as { port: number };
      const config = world.harness.directConfig() as any;
      config.emrOnEks.clusters[0].kubernetes = {
        mode: 'direct',
        url: `https://127.0.0.1:${port}`,
        token: 'test-token',
        skipTLSVerify: true,
        requestTimeoutSeconds: 5,
      };
      await world.restart(config);
    });
    afterEach(async () => {
      silent.close();
    });

    it('gives up after the wait timeout, naming the step the tenant is at', async () => {
      const run = actionContext({
        input: { ...TEAM_A, waitTimeoutMinutes: 0.01 },
        user: USERS.alice,
      });
      await expect(onboardAction().handler(run.ctx)).rejects.toThrow(
        /^Tenant team-a did not become Ready within 1 s: tenant team-a is (Pending|Reconciling), step kubernetes-objects (Pending|Running).*Onboarding goes on in the background/,
      );
    });
  });

  it('makes no call in a dry run, and checks the spec with the backend rules', async () => {
    const run = actionContext({
      input: TEAM_A,
      user: USERS.alice,
      isDryRun: true,
    });
    await onboardAction().handler(run.ctx);
    expect(run.outputs).toMatchObject({
      name: 'team-a',
      entityRef: 'resource:default/team-a',
    });
    const bad = actionContext({
      input: { ...TEAM_A, name: 'Team_A' },
      user: USERS.alice,
      isDryRun: true,
    });
    await expect(onboardAction().handler(bad.ctx)).rejects.toThrow(
      /^Invalid tenant: name: must be lowercase letters/,
    );
    expect(world.backendCalls).toEqual([]);
  });

  it('onboards once when the task is retried with its checkpoints', async () => {
    const first = await onboardTeamA();
    const retry = actionContext({
      input: TEAM_A,
      user: USERS.alice,
      checkpoints: first.checkpoints,
    });
    await onboardAction().handler(retry.ctx);
    expect(retry.outputs.virtualClusterId).toBe(first.outputs.virtualClusterId);
    expect(world.writes()).toEqual(['POST /api/emr-on-eks/tenants']);
  });
});

describe('emr-on-eks:tenant:get', () => {
  it("outputs a tenant's ids to a member, and 404s for someone else", async () => {
    const onboarded = await onboardTeamA();
    const action = createTenantGetAction({ ...world.deps, links: LINKS });
    const alice = actionContext({
      input: { name: 'team-a' },
      user: USERS.alice,
    });
    await action.handler(alice.ctx);
    expect(alice.outputs).toEqual(onboarded.outputs);

    // A dry run reads too (it changes nothing), so later steps see real ids.
    const dry = actionContext({
      input: { name: 'team-a' },
      user: USERS.alice,
      isDryRun: true,
    });
    await action.handler(dry.ctx);
    expect(dry.outputs).toEqual(onboarded.outputs);

    const bob = actionContext({ input: { name: 'team-a' }, user: USERS.bob });
    await expect(action.handler(bob.ctx)).rejects.toThrow(
      /^Reading tenant team-a failed \(404\): .*\(it does not exist, or you may not see it\)$/,
    );
  });
});

describe('emr-on-eks:job:submit', () => {
  /** The catalog as the action sees it: the entity shows up after `lookups`. */
  const lateCatalog = (lookups: number) => {
    const seen: string[] = [];
    const catalog = {
      async getEntityByRef(ref: string) {
        seen.push(ref);
        return seen.length > lookups ? { kind: 'Component' } : undefined;
      },
    } as unknown as CatalogService;
    return { catalog, seen };
  };
  const submitAction = (catalog = lateCatalog(0).catalog) =>
    createJobSubmitAction({
      ...world.deps,
      links: LINKS,
      catalog,
      pollIntervalSeconds: FAST.pollIntervalSeconds,
    });

  it('submits a run as the user and links its drawer on the entity page', async () => {
    await onboardTeamA();
    const run = actionContext({
      input: { tenant: 'team-a', job: job() },
      user: USERS.alice,
    });
    await submitAction().handler(run.ctx);
    const id = run.outputs.jobRunId as string;
    expect(run.outputs.runUrl).toBe(
      `http://localhost:3000/catalog/default/component/daily-sales/emr-job-runs?run=${id}`,
    );
    const res = await request(world.server)
      .get(`${BASE}/job-runs/${id}`)
      .set('Authorization', mockCredentials.user.header(USERS.alice));
    expect(res.body).toMatchObject({
      tenant: 'team-a',
      submittedBy: USERS.alice,
      emrJobRunId: run.outputs.emrJobRunId,
      spot: true,
    });
  });

  it('waits for an entity registered a moment ago before submitting, when asked to', async () => {
    await onboardTeamA();
    const { catalog, seen } = lateCatalog(3);
    const run = actionContext({
      input: { tenant: 'team-a', job: job(), waitForEntityMinutes: 1 },
      user: USERS.alice,
    });
    await submitAction(catalog).handler(run.ctx);
    expect(seen).toEqual(Array(4).fill('component:default/daily-sales'));
    expect(run.logs).toContain(
      'Waiting for component:default/daily-sales to appear in the catalog',
    );
    expect(run.outputs.jobRunId).toBeDefined();

    // Without the wait, no lookup: the backend checks the ref itself.
    const { catalog: unused, seen: none } = lateCatalog(0);
    const again = actionContext({
      input: { tenant: 'team-a', job: job({ name: 'again' }) },
      user: USERS.alice,
      taskId: 'task-2',
    });
    await submitAction(unused).handler(again.ctx);
    expect(none).toEqual([]);
  });

  it('gives up waiting for an entity that never shows, and the backend names the ref', async () => {
    await onboardTeamA();
    const { catalog } = lateCatalog(Infinity);
    const run = actionContext({
      input: {
        tenant: 'team-a',
        job: job({ entityRef: 'component:default/nowhere' }),
        waitForEntityMinutes: 0.002,
      },
      user: USERS.alice,
    });
    await expect(submitAction(catalog).handler(run.ctx)).rejects.toThrow(
      /failed \(400\): .*entityRef: component:default\/nowhere is not a catalog entity of tenant team-a/,
    );
  });

  it('fails with 400 naming the field for a request outside the tenant limits', async () => {
    await onboardTeamA();
    const run = actionContext({
      input: {
        tenant: 'team-a',
        job: job({ entryPoint: 's3://elsewhere/x.py' }),
      },
      user: USERS.alice,
    });
    await expect(submitAction().handler(run.ctx)).rejects.toThrow(
      /^Submitting daily-sales to tenant team-a failed \(400\): .*entryPoint: s3:\/\/elsewhere\/x\.py is outside tenant team-a's S3 prefixes/,
    );
  });

  it('answers 404 to a user outside the owner group, submitting nothing', async () => {
    await onboardTeamA();
    world.harness.proxy.clear();
    const run = actionContext({
      input: { tenant: 'team-a', job: job() },
      user: USERS.bob,
    });
    await expect(submitAction().handler(run.ctx)).rejects.toThrow(
      /failed \(404\)/,
    );
    expect(world.harness.proxy.calls.filter(c => c.write)).toEqual([]);
  });

  it('submits once when the task is retried, and makes no call in a dry run', async () => {
    await onboardTeamA();
    const dry = actionContext({
      input: { tenant: 'team-a', job: job() },
      user: USERS.alice,
      isDryRun: true,
    });
    world.backendCalls.length = 0;
    await submitAction().handler(dry.ctx);
    expect(world.backendCalls).toEqual([]);

    const first = actionContext({
      input: { tenant: 'team-a', job: job() },
      user: USERS.alice,
    });
    await submitAction().handler(first.ctx);
    const retry = actionContext({
      input: { tenant: 'team-a', job: job() },
      user: USERS.alice,
      checkpoints: first.checkpoints,
    });
    world.backendCalls.length = 0;
    await submitAction().handler(retry.ctx);
    expect(retry.outputs.jobRunId).toBe(first.outputs.jobRunId);
    expect(world.backendCalls).toEqual([]);
    const runs = await request(world.server)
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', mockCredentials.user.header(USERS.alice));
    expect(runs.body.items.map((r: any) => r.id)).toEqual([
      first.outputs.jobRunId,
    ]);
  });

  it('derives one idempotency key per task step, in the backend alphabet', () => {
    const key = taskIdempotencyKey(
      '6f1c3a52-0b7e-4a8e-9d0a-1c2b3d4e5f60',
      'submit',
    );
    expect(key).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    expect(
      taskIdempotencyKey('6f1c3a52-0b7e-4a8e-9d0a-1c2b3d4e5f60', 'submit'),
    ).toBe(key);
    expect(
      taskIdempotencyKey('6f1c3a52-0b7e-4a8e-9d0a-1c2b3d4e5f60', 'again'),
    ).not.toBe(key);
    expect(taskIdempotencyKey(`${'x'.repeat(300)}/../\n`, 's')).toMatch(
      /^[A-Za-z0-9._:-]{1,64}$/,
    );
  });
});

describe('emr-on-eks:spark:config', () => {
  const configAction = () => createSparkConfigAction(world.deps);

  it.each([true, false])(
    'writes the StartJobRun the platform composes (spot: %s) and the pod templates it names',
    async spot => {
      const tenant = await onboardTeamA();
      const workspace = createMockDirectory();
      const run = actionContext({
        input: { tenant: 'team-a', job: job({ spot }), targetPath: 'deploy' },
        user: USERS.alice,
        workspacePath: workspace.path,
      });
      await configAction().handler(run.ctx);
      expect(run.outputs).toEqual({
        jobConfigPath: 'deploy/emr-job.json',
        podTemplatesPath: 'deploy/pod-templates',
      });
      const config = JSON.parse(
        await readFile(workspace.resolve('deploy/emr-job.json'), 'utf8'),
      );
      // Exactly what a dry run composes, minus what each submission sets.
      const dry = await request(world.server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .query({ dryRun: 'true' })
        .set('Authorization', mockCredentials.user.header(USERS.alice))
        .send(job({ spot }));
      expect(config).toEqual(dry.body.startJobRun);
      expect(config.clientToken).toBeUndefined();
      expect(Object.keys(config.tags)).not.toContain(
        'emr-on-eks.spot-spark.io/submitted-by',
      );
      expect(config).toMatchObject({
        virtualClusterId: tenant.outputs.virtualClusterId,
        executionRoleArn: tenant.outputs.executionRoleArn,
      });
      // The AWS SDK takes it as StartJobRun input and drops nothing (what it
      // serialises is the file), and EMR (moto) runs it.
      const emr = new EMRContainersClient({
        region: 'us-east-1',
        endpoint: world.harness.moto.endpoint,
      });
      let sent: unknown;
      let sentPath = '';
      emr.middlewareStack.add(
        next => async args => {
          const { method, body, path } = args.request as any;
          if (method === 'POST') {
            sent = JSON.parse(body);
            sentPath = path;
          }
          return next(args);
        },
        { step: 'finalizeRequest' },
      );
      const started = await emr.send(
        new StartJobRunCommand({ ...config, clientToken: 'cli-1' }),
      );
      const { virtualClusterId, ...body } = config;
      expect(sent).toEqual({ ...body, clientToken: 'cli-1' });
      expect(sentPath).toBe(`/virtualclusters/${virtualClusterId}/jobruns`);
      const { jobRun } = await emr.send(
        new DescribeJobRunCommand({
          id: started.id,
          virtualClusterId: config.virtualClusterId,
        }),
      );
      expect(jobRun?.name).toBe('daily-sales');
      emr.destroy();
      const executor = yaml.parse(
        await readFile(
          workspace.resolve('deploy/pod-templates/executor.yaml'),
          'utf8',
        ),
      );
      const onDemand = yaml.parse(
        await readFile(
          workspace.resolve('deploy/pod-templates/executor-on-demand.yaml'),
          'utf8',
        ),
      );
      const driver = yaml.parse(
        await readFile(
          workspace.resolve('deploy/pod-templates/driver.yaml'),
          'utf8',
        ),
      );
      expect(driver.kind).toBe('Pod');
      expect(JSON.stringify(executor)).toMatch(/SPOT/i);
      expect(JSON.stringify(onDemand)).toMatch(/ON_DEMAND/i);
      expect(JSON.stringify(driver)).toMatch(/ON_DEMAND/i);
    },
  );

  it('refuses a target path outside the workspace and writes nothing', async () => {
    const workspace = createMockDirectory();
    const run = actionContext({
      input: { tenant: 'team-a', job: job(), targetPath: '../outside' },
      user: USERS.alice,
      workspacePath: workspace.resolve('ws'),
    });
    await expect(configAction().handler(run.ctx)).rejects.toThrow(
      /outside|not allowed/i,
    );
    expect(world.backendCalls).toEqual([]);
    expect(workspace.content()).toEqual({});
  });

  it('makes no call and writes nothing in a dry run', async () => {
    const workspace = createMockDirectory();
    const run = actionContext({
      input: { tenant: 'team-a', job: job() },
      user: USERS.alice,
      isDryRun: true,
      workspacePath: workspace.path,
    });
    await configAction().handler(run.ctx);
    expect(world.backendCalls).toEqual([]);
    expect(workspace.content()).toEqual({});
  });
});
