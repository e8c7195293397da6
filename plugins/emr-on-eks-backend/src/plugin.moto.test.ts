import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateVirtualClusterCommand,
  ListVirtualClustersCommand,
} from '@aws-sdk/client-emr-containers';
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { mockCredentials } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  identified,
  spec,
  TEAM_A,
  testConfig,
  testSettings,
} from './__testUtils__/fixtures';
import {
  ADMIN,
  as,
  BASE,
  BUCKET,
  onboard,
  useIntegrationHarness,
} from './__testUtils__/harness';
import {
  startEmrOnEksBackend,
  USERS,
  waitForTenant,
} from './__testUtils__/testBackend';
import { parsePolicyDocument } from './domain/iam';
import { buildTenantPlan } from './domain/plan';

jest.setTimeout(60_000);

const harness = useIntegrationHarness();
const directConfig = () => harness.directConfig();

async function virtualClustersOn(namespace: string) {
  const { virtualClusters = [] } = await harness.aws.emr.send(
    new ListVirtualClustersCommand({}),
  );
  return virtualClusters.filter(
    vc => vc.containerProvider?.info?.eksInfo?.namespace === namespace,
  );
}

/** Polls a tenant being offboarded until its offboarding failed (or it is gone). */
async function offboardingStopped(server: any, name: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(server)
      .get(`${BASE}/tenants/${name}`)
      .set('Authorization', ADMIN);
    if (
      res.status !== 200 ||
      (res.body.status.phase === 'Deleting' &&
        res.body.status.message !== 'offboarding')
    ) {
      return res.body;
    }
    if (Date.now() > deadline) {
      throw new Error(`offboarding of ${name} did not stop: ${res.text}`);
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

async function templateKeys() {
  const listed = await harness.aws.s3.send(
    new ListObjectsV2Command({ Bucket: BUCKET }),
  );
  return (listed.Contents ?? []).map(o => o.Key).sort();
}

describe('onboarding through the API (direct Kubernetes mode, moto)', () => {
  it('creates every resource exactly as planned, then a second reconcile writes nothing', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());

    const accepted = await request(server)
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.alice))
      .send(TEAM_A);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe('tenants/team-a');
    expect(accepted.body).toMatchObject({
      name: 'team-a',
      generation: 1,
      createdBy: USERS.alice,
    });
    expect(['Pending', 'Reconciling']).toContain(accepted.body.status.phase);

    const tenant = await waitForTenant(
      server,
      'team-a',
      ['Ready', 'Failed'],
      ADMIN,
    );
    const plan = buildTenantPlan(
      identified(spec(), tenant.uid),
      testSettings().clusters[0],
      testSettings(),
    );
    const assets = `s3://${BUCKET}/tenants/team-a/${tenant.uid}/`;
    expect(tenant.status).toMatchObject({
      phase: 'Ready',
      observedGeneration: 1,
      namespace: 'team-a',
      executionRoleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
      logGroupName: '/emr-on-eks/shared/team-a',
      assetsPrefix: assets,
      podTemplates: {
        driver: `${assets}pod-templates/standard/driver.yaml`,
        executor: `${assets}pod-templates/standard/executor-spot.yaml`,
        executorOnDemand: `${assets}pod-templates/standard/executor-on-demand.yaml`,
      },
    });
    expect(tenant.status.steps.map((s: any) => [s.name, s.state])).toEqual([
      ['kubernetes-objects', 'Succeeded'],
      ['iam-role', 'Succeeded'],
      ['pod-identity', 'Succeeded'],
      ['pod-templates', 'Succeeded'],
      ['log-group', 'Succeeded'],
      ['virtual-cluster', 'Succeeded'],
    ]);

    // IAM: the role with the exact trust policy and the inline policy.
    const { Role } = await harness.aws.iam.send(
      new GetRoleCommand({ RoleName: 'emr-tenant-team-a' }),
    );
    expect(parsePolicyDocument(Role!.AssumeRolePolicyDocument)).toEqual(
      plan.iam.trustPolicy,
    );
    const inline = await harness.aws.iam.send(
      new GetRolePolicyCommand({
        RoleName: 'emr-tenant-team-a',
        PolicyName: 'emr-on-eks-tenant-access',
      }),
    );
    expect(parsePolicyDocument(inline.PolicyDocument)).toEqual(
      plan.iam.permissionsPolicy,
    );
    expect(Role!.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'emr-on-eks.spot-spark.io/tenant', Value: 'team-a' },
      ]),
    );

    // S3: three pod templates for each tier up to the tenant's, Spot only for executors.
    expect(await templateKeys()).toEqual([
      `tenants/team-a/${tenant.uid}/pod-templates/low/driver.yaml`,
      `tenants/team-a/${tenant.uid}/pod-templates/low/executor-on-demand.yaml`,
      `tenants/team-a/${tenant.uid}/pod-templates/low/executor-spot.yaml`,
      `tenants/team-a/${tenant.uid}/pod-templates/standard/driver.yaml`,
      `tenants/team-a/${tenant.uid}/pod-templates/standard/executor-on-demand.yaml`,
      `tenants/team-a/${tenant.uid}/pod-templates/standard/executor-spot.yaml`,
    ]);
    const executor = await harness.aws.s3.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `tenants/team-a/${tenant.uid}/pod-templates/standard/executor-spot.yaml`,
      }),
    );
    const executorTemplate = parse(await executor.Body!.transformToString());
    expect(
      executorTemplate.spec.affinity.nodeAffinity
        .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions[0],
    ).toEqual({
      key: 'eks.amazonaws.com/capacityType',
      operator: 'In',
      values: ['SPOT'],
    });

    // CloudWatch Logs: the group with its retention.
    const { logGroups } = await harness.aws.logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: '/emr-on-eks/shared/team-a',
      }),
    );
    expect(logGroups?.map(g => [g.logGroupName, g.retentionInDays])).toEqual([
      ['/emr-on-eks/shared/team-a', 30],
    ]);

    // EMR: one RUNNING virtual cluster on the namespace, the one in the status.
    const clusters = await virtualClustersOn('team-a');
    expect(
      clusters.map(vc => [vc.id, vc.state, vc.containerProvider?.id]),
    ).toEqual([[tenant.status.virtualClusterId, 'RUNNING', 'shared-data']]);

    // Kubernetes: the namespace and its objects, applied by our field manager.
    expect(
      harness.kube.objects.get('/api/v1/namespaces/team-a').metadata.labels,
    ).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    expect(
      harness.kube.objects.has(
        '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/emr-containers',
      ),
    ).toBe(true);
    expect(
      harness.kube.objects.has(
        '/apis/scheduling.k8s.io/v1/priorityclasses/emr-on-eks-standard-driver',
      ),
    ).toBe(true);

    // A reconcile with nothing to change reads, and writes nothing anywhere.
    harness.proxy.clear();
    harness.kube.clear();
    const again = await request(server)
      .post(`${BASE}/tenants/team-a/reconcile`)
      .set('Authorization', as(USERS.alice));
    expect(again.status).toBe(200);
    expect(again.body.status.phase).toBe('Ready');
    expect(harness.proxy.calls.length).toBeGreaterThan(0);
    expect(harness.proxy.writes()).toEqual([]);
    expect(harness.kube.objectRequests().length).toBeGreaterThan(0);
    expect(
      harness.kube.objectRequests().filter(r => r.method !== 'GET'),
    ).toEqual([]);
    expect(
      again.body.status.steps.every((s: any) => s.message === 'up to date'),
    ).toBe(true);

    // Onboarding the same tenant again is refused and creates nothing.
    const twice = await request(server)
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.alice))
      .send(TEAM_A);
    expect(twice.status).toBe(409);
    expect(await virtualClustersOn('team-a')).toHaveLength(1);
    const roles = await harness.aws.iam.send(new ListRolesCommand({}));
    expect(
      roles.Roles?.filter(r => r.RoleName === 'emr-tenant-team-a'),
    ).toHaveLength(1);
    expect(await templateKeys()).toHaveLength(6);
  });

  it('adopts the resources of a tenant whose record was lost, never creating a second virtual cluster', async () => {
    // The new record is a new tenant (another uid): its own assets prefix,
    // so the role's policy and the pod templates are rewritten; the role,
    // log group and virtual cluster are this plugin's for the tenant and
    // adopted as they are.
    const first = await startEmrOnEksBackend(directConfig());
    const original = await onboard(first.server);
    await first.stop();

    // A new backend with an empty database, onboarding the same tenant.
    const { server } = await startEmrOnEksBackend(directConfig());
    harness.proxy.clear();
    const again = await onboard(server);
    expect(again.status.phase).toBe('Ready');
    expect(again.status.virtualClusterId).toBe(
      original.status.virtualClusterId,
    );
    expect(
      again.status.steps.find((s: any) => s.name === 'virtual-cluster').message,
    ).toBe(
      `adopted virtual cluster ${original.status.virtualClusterId} of namespace team-a`,
    );
    expect(again.uid).not.toBe(original.uid);
    const writes = harness.proxy.writes().map(w => w.operation);
    expect(writes).toContain('PutRolePolicy');
    expect(
      writes.filter(
        w => !w.startsWith(`PUT /${BUCKET}/tenants/team-a/${again.uid}/`),
      ),
    ).toEqual(['PutRolePolicy']);
    expect(await virtualClustersOn('team-a')).toHaveLength(1);
  });

  it('refuses to adopt an IAM role it did not create', async () => {
    await harness.aws.iam.send(
      new CreateRoleCommand({
        RoleName: 'emr-tenant-team-a',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    const { server } = await startEmrOnEksBackend(directConfig());
    const tenant = await onboard(server);
    expect(tenant.status.phase).toBe('Failed');
    expect(tenant.status.message).toContain(
      'IAM role emr-tenant-team-a exists but is not managed by this plugin for tenant team-a',
    );
    const { Role } = await harness.aws.iam.send(
      new GetRoleCommand({ RoleName: 'emr-tenant-team-a' }),
    );
    expect(parsePolicyDocument(Role!.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }],
    });
    expect(await virtualClustersOn('team-a')).toEqual([]);
  });

  it('refuses to adopt a virtual cluster it did not create, and leaves it running', async () => {
    const { id } = await harness.aws.emr.send(
      new CreateVirtualClusterCommand({
        name: 'made-by-hand',
        containerProvider: {
          type: 'EKS',
          id: 'shared-data',
          info: { eksInfo: { namespace: 'team-a' } },
        },
      }),
    );
    const { server } = await startEmrOnEksBackend(directConfig());
    const tenant = await onboard(server);
    expect(tenant.status.phase).toBe('Failed');
    expect(tenant.status.message).toContain(
      `EMR virtual cluster ${id} (made-by-hand) on namespace team-a of EKS cluster shared-data exists but is not managed by this plugin for tenant team-a (tag app.kubernetes.io/managed-by is missing, tag emr-on-eks.spot-spark.io/tenant is missing)`,
    );
    expect(
      tenant.status.steps.find((s: any) => s.name === 'virtual-cluster').state,
    ).toBe('Failed');
    expect(tenant.status.virtualClusterId).toBeUndefined();
    expect(
      (await virtualClustersOn('team-a')).map(vc => [vc.id, vc.state]),
    ).toEqual([[id, 'RUNNING']]);
  });

  it('refuses to adopt a log group it did not create, and leaves it as it was', async () => {
    await harness.aws.logs.send(
      new CreateLogGroupCommand({
        logGroupName: '/emr-on-eks/shared/team-a',
        tags: { team: 'observability' },
      }),
    );
    await harness.aws.logs.send(
      new PutRetentionPolicyCommand({
        logGroupName: '/emr-on-eks/shared/team-a',
        retentionInDays: 7,
      }),
    );
    const { server } = await startEmrOnEksBackend(directConfig());
    const tenant = await onboard(server);
    expect(tenant.status.phase).toBe('Failed');
    expect(tenant.status.message).toContain(
      'CloudWatch log group /emr-on-eks/shared/team-a exists but is not managed by this plugin for tenant team-a (tag app.kubernetes.io/managed-by is missing, tag emr-on-eks.spot-spark.io/tenant is missing)',
    );
    expect(
      harness.proxy
        .writes()
        .filter(c => c.service === 'logs')
        .map(c => c.operation),
    ).toEqual([]);
    const { logGroups } = await harness.aws.logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: '/emr-on-eks/shared/team-a',
      }),
    );
    expect(logGroups?.map(g => g.retentionInDays)).toEqual([7]);
    expect(await virtualClustersOn('team-a')).toEqual([]);
  });

  it('refuses to onboard into an existing namespace it did not create, sending only GETs', async () => {
    harness.kube.put('/api/v1/namespaces/analytics-shared', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'analytics-shared', labels: { team: 'observability' } },
    });
    const { server } = await startEmrOnEksBackend(directConfig());
    const tenant = await onboard(server, {
      ...TEAM_A,
      namespace: 'analytics-shared',
    });
    expect(tenant.status.phase).toBe('Failed');
    expect(tenant.status.message).toContain(
      'Namespace analytics-shared exists but is not managed by this plugin for tenant team-a (label app.kubernetes.io/managed-by is missing, label emr-on-eks.spot-spark.io/tenant is missing); nothing was applied.',
    );
    expect(
      harness.kube.objectRequests().filter(r => r.method !== 'GET'),
    ).toEqual([]);
    expect(
      harness.kube.objects.get('/api/v1/namespaces/analytics-shared').metadata
        .labels,
    ).toEqual({ team: 'observability' });
    // The first step failed: nothing was created in AWS either.
    expect(harness.proxy.writes()).toEqual([]);
  });

  it('stops offboarding at a log group whose tags no longer name the tenant, deleting it not', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());
    await onboard(server);
    const { logGroups } = await harness.aws.logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: '/emr-on-eks/shared/team-a',
      }),
    );
    await harness.aws.logs.send(
      new UntagResourceCommand({
        resourceArn: logGroups![0].logGroupArn,
        tagKeys: ['emr-on-eks.spot-spark.io/tenant'],
      }),
    );
    const res = await request(server)
      .delete(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN);
    expect(res.status).toBe(202);
    const stuck = await offboardingStopped(server, 'team-a');
    expect(stuck.status.message).toContain(
      'CloudWatch log group /emr-on-eks/shared/team-a was not deleted: it is not managed by this plugin for tenant team-a (tag emr-on-eks.spot-spark.io/tenant is missing)',
    );
    expect(stuck.status.steps.map((s: any) => [s.name, s.state])).toEqual(
      expect.arrayContaining([
        ['virtual-cluster', 'Deleted'],
        // Still the tenant's own step: every pass stops here until a person acts.
        ['log-group', 'Succeeded'],
      ]),
    );
    const after = await harness.aws.logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: '/emr-on-eks/shared/team-a',
      }),
    );
    expect(after.logGroups).toHaveLength(1);
    // The steps after it did not run: the namespace is still there.
    expect(harness.kube.objects.has('/api/v1/namespaces/team-a')).toBe(true);
  });

  it('applies a spec update as a new generation, changing only what differs', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());
    await onboard(server);
    harness.proxy.clear();
    harness.kube.clear();

    // The quota is a guardrail: a platform admin changes it.
    const res = await request(server)
      .put(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN)
      .send({
        ...TEAM_A,
        quota: { ...TEAM_A.quota, pods: '300' },
        logRetentionDays: 90,
      });
    expect(res.status).toBe(202);
    expect(res.body.generation).toBe(2);
    const tenant = await waitForTenant(
      server,
      'team-a',
      ['Ready', 'Failed'],
      ADMIN,
    );
    expect(tenant.status).toMatchObject({
      phase: 'Ready',
      observedGeneration: 2,
    });

    expect(harness.proxy.writes().map(c => c.operation)).toEqual([
      'PutRetentionPolicy',
    ]);
    expect(
      harness.kube
        .objectRequests()
        .filter(r => r.method === 'PATCH')
        .map(r => r.path),
    ).toEqual(['/api/v1/namespaces/team-a/resourcequotas/emr-on-eks-quota']);
    expect(
      harness.kube.objects.get(
        '/api/v1/namespaces/team-a/resourcequotas/emr-on-eks-quota',
      ).spec.hard.pods,
    ).toBe('300');
  });

  it('resumes a failed onboarding from the step that failed', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());
    harness.proxy.failWhen(call => call.service === 's3' && call.write, {
      status: 503,
      code: 'SlowDown',
      message: 'injected S3 failure',
    });
    const failed = await onboard(server);
    expect(failed.status.phase).toBe('Failed');
    expect(failed.status.message).toContain('pod-templates');
    expect(failed.status.steps.map((s: any) => [s.name, s.state])).toEqual([
      ['kubernetes-objects', 'Succeeded'],
      ['iam-role', 'Succeeded'],
      ['pod-identity', 'Succeeded'],
      ['pod-templates', 'Failed'],
      ['log-group', 'Pending'],
      ['virtual-cluster', 'Pending'],
    ]);
    expect(await virtualClustersOn('team-a')).toEqual([]);

    harness.proxy.clear(); // the failure goes away
    harness.kube.clear();
    const resumed = await request(server)
      .post(`${BASE}/tenants/team-a/reconcile`)
      .set('Authorization', ADMIN);
    expect(resumed.body.status.phase).toBe('Ready');
    // The steps that had succeeded were not run again.
    expect(harness.proxy.calls.filter(c => c.service === 'iam')).toEqual([]);
    expect(harness.kube.objectRequests()).toEqual([]);
    expect(new Set(harness.proxy.calls.map(c => c.service))).toEqual(
      new Set(['s3', 'logs', 'emr-containers']),
    );
    expect(await virtualClustersOn('team-a')).toHaveLength(1);
    expect(await templateKeys()).toHaveLength(6);
  });

  it('repairs drift when the scheduled reconcile runs', async () => {
    const { server, scheduledTasks } = await startEmrOnEksBackend(
      directConfig(),
    );
    expect(scheduledTasks.map(t => [t.id, t.frequency])).toEqual([
      ['emr-on-eks-reconcile-tenants', { minutes: 10 }],
      ['emr-on-eks-sync-job-runs', { minutes: 1 }],
    ]);
    await onboard(server);

    await harness.aws.logs.send(
      new DeleteLogGroupCommand({ logGroupName: '/emr-on-eks/shared/team-a' }),
    );
    harness.kube.objects.get(
      '/api/v1/namespaces/team-a/limitranges/emr-on-eks-limits',
    ).spec.limits[0].max.cpu = '64';
    harness.proxy.clear();

    await scheduledTasks[0].fn(new AbortController().signal);

    expect(harness.proxy.writes().map(c => c.operation)).toEqual([
      'CreateLogGroup',
      'PutRetentionPolicy',
    ]);
    expect(
      harness.kube.objects.get(
        '/api/v1/namespaces/team-a/limitranges/emr-on-eks-limits',
      ).spec.limits[0].max.cpu,
    ).toBe('6');
    const tenant = await waitForTenant(server, 'team-a', ['Ready'], ADMIN);
    expect(
      tenant.status.steps.find((s: any) => s.name === 'log-group').message,
    ).toContain('created log group /emr-on-eks/shared/team-a');
  });

  it('offboards in reverse order, removes every resource and keeps the audit trail', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());
    const onboarded = await onboard(server);
    // What the tenant's jobs leave in the assets bucket, and a neighbour's.
    const mine = `tenants/team-a/${onboarded.uid}`;
    const left = [
      `${mine}/logs/daily-sales/spark-events/eventlog-1`,
      `${mine}/logs/daily-sales/driver/stderr.gz`,
      `${mine}/spark/fallback/shuffle_0_0.data`,
    ];
    const neighbour = 'tenants/team-a-other/logs/keep.gz';
    // An earlier tenant named team-a left this: not this tenant's.
    const earlier = 'tenants/team-a/0ffee000-0000-4000-8000-000000000000/x.gz';
    for (const Key of [...left, neighbour, earlier]) {
      await harness.aws.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }),
      );
    }
    harness.proxy.clear();

    const res = await request(server)
      .delete(`${BASE}/tenants/team-a`)
      .set('Authorization', as(USERS.alice));
    expect(res.status).toBe(202);
    expect(res.body.status.phase).toBe('Deleting');
    await waitForTenant(server, 'team-a', ['gone'], ADMIN);

    const deletes = harness.proxy
      .writes()
      .map(c => `${c.service}:${c.operation}`);
    const order = ['emr-containers', 'logs', 's3', 'iam'].map(service =>
      deletes.findIndex(d => d.startsWith(service)),
    );
    expect(order.every(index => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The assets go only once the virtual cluster (and its jobs) is gone.
    const virtualClusterDeleted = deletes.indexOf(
      `emr-containers:DELETE /virtualclusters/${onboarded.status.virtualClusterId}`,
    );
    expect(virtualClusterDeleted).toBeGreaterThanOrEqual(0);
    expect(deletes.indexOf(`s3:POST /${BUCKET}/`)).toBeGreaterThan(
      virtualClusterDeleted,
    );

    await expect(
      harness.aws.iam.send(
        new GetRoleCommand({ RoleName: 'emr-tenant-team-a' }),
      ),
    ).rejects.toThrow();
    expect(await templateKeys()).toEqual([earlier, neighbour].sort());
    const { logGroups } = await harness.aws.logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: '/emr-on-eks/shared/team-a',
      }),
    );
    expect(logGroups).toEqual([]);
    const { virtualClusters } = await harness.aws.emr.send(
      new ListVirtualClustersCommand({}),
    );
    expect(
      virtualClusters?.find(vc => vc.id === onboarded.status.virtualClusterId)
        ?.state,
    ).toBe('TERMINATED');
    expect(harness.kube.objects.has('/api/v1/namespaces/team-a')).toBe(false);

    // The trail outlives the tenant, under its uid (admins only).
    const audit = await request(server)
      .get(`${BASE}/tenant-history/${onboarded.uid}/audit`)
      .set('Authorization', ADMIN);
    expect(audit.status).toBe(200);
    expect(
      audit.body.items.map((e: any) => [e.action, e.result, e.actor]).reverse(),
    ).toEqual([
      ['tenant.create', 'accepted', USERS.alice],
      ['tenant.reconcile', 'succeeded', USERS.alice],
      ['tenant.delete', 'accepted', USERS.alice],
      ['tenant.offboard', 'succeeded', USERS.alice],
    ]);
    // Team members cannot read the trail of a tenant that no longer exists.
    for (const url of [
      'tenants/team-a/audit',
      `tenant-history/${onboarded.uid}/audit`,
    ]) {
      const denied = await request(server)
        .get(`${BASE}/${url}`)
        .set('Authorization', as(USERS.alice));
      expect(denied.status).toBe(404);
    }
  });
});

describe('onboarding in direct mode with EKS tokens from the AWS credentials', () => {
  it('authenticates to the API server with presigned STS tokens for the cluster', async () => {
    const { server } = await startEmrOnEksBackend(
      testConfig({
        endpoint: harness.proxy.endpoint,
        kubernetes: {
          mode: 'direct',
          authProvider: 'aws',
          url: harness.kube.url,
          caData: harness.kube.caData,
        },
      }),
    );
    const tenant = await onboard(server);
    expect(tenant.status.phase).toBe('Ready');
    const tokens = new Set(harness.kube.requests.map(r => r.authorization));
    expect(tokens.size).toBe(1);
    const [header] = [...tokens];
    expect(header).toMatch(/^Bearer k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = new URL(
      Buffer.from(
        header!.slice('Bearer k8s-aws-v1.'.length),
        'base64url',
      ).toString(),
    );
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    // Signed with the backend's own AWS credentials (moto's in this test).
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^testing\/\d{8}\/us-east-1\/sts\/aws4_request$/,
    );
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'host;x-k8s-aws-id',
    );
  });
});

describe('onboarding in GitOps mode', () => {
  it('writes the kustomization and creates the AWS resources', async () => {
    const directory = await fs.mkdtemp(
      path.join(os.tmpdir(), 'emr-gitops-it-'),
    );
    const { server } = await startEmrOnEksBackend(
      testConfig({
        endpoint: harness.proxy.endpoint,
        kubernetes: { mode: 'gitops', directory },
      }),
    );
    const tenant = await onboard(server);
    expect(tenant.status.phase).toBe('Ready');
    const root = parse(
      await fs.readFile(path.join(directory, 'kustomization.yaml'), 'utf8'),
    );
    expect(root.resources).toEqual(['cluster', 'tenants/team-a']);
    expect(await virtualClustersOn('team-a')).toHaveLength(1);
  });
});

describe('bad input', () => {
  const cases: Array<[string, object, string]> = [
    ['uppercase name', { name: 'Team-A' }, 'name:'],
    ['dots in the name', { name: 'team.a' }, 'name:'],
    ['underscores in the name', { name: 'team_a' }, 'name:'],
    [
      'a name too long for the IAM role',
      { name: `t${'x'.repeat(53)}` },
      'IAM allows 64',
    ],
    [
      'a name over 63 characters',
      { name: `t${'x'.repeat(63)}` },
      'at most 63 characters',
    ],
    ['the reserved name default', { name: 'default' }, 'reserved'],
    ['a kube- name', { name: 'kube-system' }, 'reserved'],
    [
      'a quantity that does not parse',
      { quota: { 'requests.cpu': 'lots' } },
      'quota.requests.cpu',
    ],
    [
      'a negative quantity',
      { limitRange: { min: { cpu: '-1' } } },
      'limitRange.min.cpu',
    ],
    [
      'a LimitRange max below min',
      { limitRange: { max: { cpu: '50m' } } },
      'limitRange.max.cpu',
    ],
    [
      'an S3 path that is not s3://bucket/prefix/',
      { dataAccess: [{ s3: 's3://data-lake/team-a', access: 'read' }] },
      'dataAccess.0.s3',
    ],
    ['an unknown cluster', { cluster: 'nowhere' }, 'unknown cluster "nowhere"'],
    ['an owner that is not an entity ref', { owner: 'team-a' }, 'owner:'],
    // Isolation attacks: each is a guardrail violation, refused before any call.
    [
      'write access to another team’s pod templates',
      {
        dataAccess: [
          {
            s3: 's3://shared-data-emr-assets/tenants/team-b/pod-templates/',
            access: 'read-write',
          },
        ],
      },
      "is in the cluster's assets bucket",
    ],
    [
      'another team’s data prefix',
      { dataAccess: [{ s3: 's3://data-lake/team-b/', access: 'read' }] },
      'is outside the locations this cluster grants',
    ],
    [
      'a quota of 1e300 CPUs',
      { quota: { 'requests.cpu': '1e300' } },
      'quota.requests.cpu',
    ],
    [
      'egress to the whole internet',
      { network: { egressCidrs: ['0.0.0.0/0'] } },
      "is not inside this cluster's allowed egress",
    ],
    [
      'an add-on’s namespace',
      { namespace: 'monitoring' },
      'namespace: "monitoring" is reserved',
    ],
  ];

  it.each(cases)(
    'rejects %s with 400, naming the field, and changes nothing',
    async (_what, patch, message) => {
      const { server } = await startEmrOnEksBackend(directConfig());
      harness.proxy.clear();
      harness.kube.clear();
      const res = await request(server)
        .post(`${BASE}/tenants`)
        .set('Authorization', as(USERS.alice))
        .send({ ...TEAM_A, ...patch });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      const list = await request(server)
        .get(`${BASE}/tenants`)
        .set('Authorization', ADMIN);
      expect(list.body.items).toEqual([]);
      expect(harness.proxy.calls).toEqual([]);
      expect(harness.kube.requests).toEqual([]);
    },
  );

  it('rejects malformed JSON, renames and moves, and answers 404 for unknown tenants', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());
    const malformed = await request(server)
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.alice))
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(malformed.status).toBe(400);

    await onboard(server);
    harness.proxy.clear();
    harness.kube.clear();
    const rename = await request(server)
      .put(`${BASE}/tenants/team-a`)
      .set('Authorization', as(USERS.alice))
      .send({ ...TEAM_A, name: 'team-z' });
    expect(rename.status).toBe(400);
    expect(rename.body.error.message).toContain('tenants cannot be renamed');
    const move = await request(server)
      .put(`${BASE}/tenants/team-a`)
      .set('Authorization', as(USERS.alice))
      .send({ ...TEAM_A, namespace: 'elsewhere' });
    expect(move.status).toBe(400);
    expect(move.body.error.message).toContain('namespace: cannot change');
    const stored = await request(server)
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN);
    expect(stored.body.generation).toBe(1);
    expect(harness.proxy.calls).toEqual([]);

    for (const [method, url] of [
      ['get', '/tenants/nobody'],
      ['put', '/tenants/nobody'],
      ['delete', '/tenants/nobody'],
      ['post', '/tenants/nobody/reconcile'],
      ['get', '/tenants/NOT_A_NAME'],
    ] as const) {
      const res = await (request(server) as any)
        [method](`${BASE}${url}`)
        .set('Authorization', ADMIN)
        .send(TEAM_A);
      expect([method, url, res.status]).toEqual([method, url, 404]);
    }
  });
});

describe('permissions', () => {
  it('lets only permitted users onboard, and members see and change only their tenants', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());

    // carol may not onboard tenants: 403 and nothing stored or called.
    const denied = await request(server)
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.carol))
      .send(TEAM_A);
    expect(denied.status).toBe(403);
    expect(harness.proxy.calls).toEqual([]);
    expect(
      (await request(server).get(`${BASE}/tenants`).set('Authorization', ADMIN))
        .body.items,
    ).toEqual([]);

    await onboard(server, TEAM_A, USERS.alice);
    await onboard(
      server,
      {
        ...TEAM_A,
        name: 'team-b',
        owner: 'group:default/team-b',
        dataAccess: [{ s3: 's3://data-lake/team-b/', access: 'read-write' }],
      },
      USERS.bob,
    );

    const names = async (user: string) =>
      (
        await request(server)
          .get(`${BASE}/tenants`)
          .set('Authorization', as(user))
      ).body.items.map((t: any) => t.name);
    expect(await names(USERS.alice)).toEqual(['team-a']);
    expect(await names(USERS.carol)).toEqual(['team-a']);
    expect(await names(USERS.bob)).toEqual(['team-b']);
    expect(await names(USERS.admin)).toEqual(['team-a', 'team-b']);

    // bob cannot see, change, reconcile or offboard team-a.
    const asBob = as(USERS.bob);
    expect(
      (
        await request(server)
          .get(`${BASE}/tenants/team-a`)
          .set('Authorization', asBob)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .put(`${BASE}/tenants/team-a`)
          .set('Authorization', asBob)
          .send(TEAM_A)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .delete(`${BASE}/tenants/team-a`)
          .set('Authorization', asBob)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .post(`${BASE}/tenants/team-a/reconcile`)
          .set('Authorization', asBob)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .get(`${BASE}/tenants/team-a`)
          .set('Authorization', ADMIN)
      ).body.status.phase,
    ).toBe('Ready');

    // Denied attempts are audited as failures by the auditor, and change nothing.
    const audit = await request(server)
      .get(`${BASE}/tenants/team-a/audit`)
      .set('Authorization', as(USERS.alice));
    expect(audit.body.items.map((e: any) => e.action)).not.toContain(
      'tenant.delete',
    );
  });

  it('accepts service principals, refuses anonymous callers, and serves /health to anyone', async () => {
    const { server } = await startEmrOnEksBackend(directConfig());
    const service = await request(server)
      .get(`${BASE}/tenants`)
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(200);
    const anonymous = await request(server)
      .get(`${BASE}/tenants`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    const health = await request(server)
      .get(`${BASE}/health`)
      .set('Authorization', mockCredentials.none.header());
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });
});
