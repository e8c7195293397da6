import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { DAILY_SALES, TEAM_A, testConfig } from './__testUtils__/fixtures';
import { MemoryCluster } from './__testUtils__/memoryGateways';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { createEmrOnEksPlugin } from './plugin';
import { BASE, as, startApiWorld } from './__testUtils__/apiWorld';

/*
 * The fast tier: the real plugin, router, services and permission framework
 * on an in-memory SQLite database, with in-memory gateways instead of moto
 * and a Kubernetes API server. It covers what the API answers (400, 401, 403,
 * 404, 409) and who may see what; the *.moto.test.ts suites cover the same
 * flows against real AWS APIs.
 */

jest.setTimeout(30_000);

const ADMIN = as(USERS.admin);
/** The example job, at 10 executors so that it fits the example tenant's quota. */
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
const TEAM_B = {
  ...TEAM_A,
  name: 'team-b',
  owner: 'group:default/team-b',
  dataAccess: [],
};

function start(guardrails?: JsonObject) {
  return startApiWorld({ config: testConfig({ guardrails }) });
}

type Backend = Awaited<ReturnType<typeof start>>;
type Api = Backend['api'];

async function onboard(
  { api, server }: Pick<Backend, 'api' | 'server'>,
  body: object,
  user: string,
  query = '',
) {
  await api()
    .post(`${BASE}/tenants${query}`)
    .set('Authorization', as(user))
    .send(body)
    .expect(202);
  return waitForTenant(
    server,
    (body as { name: string }).name,
    ['Ready', 'Failed'],
    ADMIN,
  );
}

async function tenantNames(api: Api, user: string): Promise<string[]> {
  const res = await api().get(`${BASE}/tenants`).set('Authorization', as(user));
  expect(res.status).toBe(200);
  return res.body.items.map((t: { name: string }) => t.name);
}

describe('tenants API (fast tier)', () => {
  it.each([
    ['an uppercase name', { name: 'Team-A' }, 'name:'],
    ['the reserved name default', { name: 'default' }, 'reserved'],
    ['an unparseable quota', { quota: { pods: 'many' } }, 'quota.pods'],
    ['an unknown cluster', { cluster: 'nowhere' }, 'unknown cluster'],
    ['an owner that is no entity ref', { owner: 'team-a' }, 'owner:'],
  ])(
    'answers 400 for %s, naming the field, and stores and calls nothing',
    async (_what, patch, message) => {
      const { api, cluster } = await start();
      const res = await api()
        .post(`${BASE}/tenants`)
        .set('Authorization', as(USERS.alice))
        .send({ ...TEAM_A, ...patch });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(message);
      expect(await tenantNames(api, USERS.admin)).toEqual([]);
      expect(cluster.calls).toEqual([]);
    },
  );

  it('onboards a tenant on the in-memory gateways, resource by resource', async () => {
    const backend = await start();
    const { cluster } = backend;
    const tenant = await onboard(backend, TEAM_A, USERS.alice);
    expect(tenant.status.phase).toBe('Ready');
    expect(
      tenant.status.steps.map((s: { name: string; state: string }) => [
        s.name,
        s.state,
      ]),
    ).toEqual([
      ['kubernetes-objects', 'Succeeded'],
      ['iam-role', 'Succeeded'],
      ['pod-identity', 'Succeeded'],
      ['pod-templates', 'Succeeded'],
      ['log-group', 'Succeeded'],
      ['virtual-cluster', 'Succeeded'],
    ]);
    expect([...cluster.roles]).toEqual(['emr-tenant-team-a']);
    // An IRSA cluster: the Pod Identity step did nothing, not even a call.
    expect(
      cluster.calls.filter(call => call.startsWith('podIdentity.')),
    ).toEqual([]);
    expect([...cluster.logGroupNames]).toEqual([tenant.status.logGroupName]);
    expect([...cluster.virtualClusterNamespaces]).toEqual([
      [tenant.status.virtualClusterId, 'team-a'],
    ]);
  });

  it('refuses to onboard without the create permission, and anonymous callers', async () => {
    const { api, cluster } = await start();
    const denied = await api()
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.carol))
      .send(TEAM_A);
    expect(denied.status).toBe(403);
    expect(denied.body.error.name).toBe('NotAllowedError');
    const anonymous = await api()
      .get(`${BASE}/tenants`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    expect(await tenantNames(api, USERS.admin)).toEqual([]);
    expect(cluster.calls).toEqual([]);
  });

  it('lets a user onboard only a tenant owned by them or their group, unless they hold the guardrails', async () => {
    const backend = await start();
    const { api, cluster } = backend;
    // bob may onboard (team-b), but not hand team-a a tenant.
    const foreign = await api()
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.bob))
      .send(TEAM_A);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toBe(
      'owner: you may onboard only a tenant owned by you or one of your groups (user:default/bob, group:default/team-b), not group:default/team-a; a platform admin onboards tenants for other teams',
    );
    expect(await tenantNames(api, USERS.admin)).toEqual([]);
    expect(cluster.calls).toEqual([]);
    // A tenant he owns himself is his to onboard; the admin onboards any.
    await onboard(
      backend,
      { ...TEAM_B, name: 'bobs', owner: USERS.bob, dataAccess: [] },
      USERS.bob,
    );
    await onboard(backend, TEAM_A, USERS.admin);
    expect(await tenantNames(api, USERS.admin)).toEqual(['bobs', 'team-a']);
  });

  it('shows each team only its own tenants, and answers 404 alike for hidden and missing ones', async () => {
    const backend = await start();
    const { api, cluster } = backend;
    await onboard(backend, TEAM_A, USERS.alice);
    await onboard(backend, TEAM_B, USERS.bob);
    expect(await tenantNames(api, USERS.alice)).toEqual(['team-a']);
    expect(await tenantNames(api, USERS.carol)).toEqual(['team-a']);
    expect(await tenantNames(api, USERS.bob)).toEqual(['team-b']);
    expect(await tenantNames(api, USERS.admin)).toEqual(['team-a', 'team-b']);
    const callsBefore = cluster.calls.length;

    const asBob = as(USERS.bob);
    for (const [method, path] of [
      ['get', '/tenants/NAME'],
      ['get', '/tenants/NAME/audit'],
      ['put', '/tenants/NAME'],
      ['delete', '/tenants/NAME'],
      ['post', '/tenants/NAME/reconcile'],
      ['get', '/tenants/NAME/job-runs'],
    ] as const) {
      const hidden = await api()
        [method](`${BASE}${path.replace('NAME', 'team-a')}`)
        .set('Authorization', asBob)
        .send(TEAM_A);
      const missing = await api()
        [method](`${BASE}${path.replace('NAME', 'team-z')}`)
        .set('Authorization', asBob)
        .send({ ...TEAM_A, name: 'team-z' });
      expect([method, path, hidden.status, missing.status]).toEqual([
        method,
        path,
        404,
        404,
      ]);
      // The answer for a hidden tenant says no more than for a missing one.
      expect(hidden.body.error.message.replace('team-a', 'X')).toBe(
        missing.body.error.message.replace('team-z', 'X'),
      );
    }
    expect(cluster.calls.length).toBe(callsBefore);
    const teamA = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN);
    expect(teamA.body).toMatchObject({
      generation: 1,
      status: { phase: 'Ready' },
    });
  });

  it('answers 400 to an update that renames or breaks the tenant, keeping its generation', async () => {
    const backend = await start();
    const { api } = backend;
    await onboard(backend, TEAM_A, USERS.alice);
    for (const body of [
      { ...TEAM_A, name: 'team-z' },
      { ...TEAM_A, namespace: 'elsewhere' },
      { ...TEAM_A, logRetentionDays: 2 },
    ]) {
      const res = await api()
        .put(`${BASE}/tenants/team-a`)
        .set('Authorization', as(USERS.alice))
        .send(body);
      expect(res.status).toBe(400);
    }
    const stored = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', as(USERS.alice));
    expect(stored.body.generation).toBe(1);
  });
});

describe('concurrent tenant updates (fast tier)', () => {
  it('turns a stale update into a 409 instead of losing a change', async () => {
    const backend = await start();
    const { api } = backend;
    await onboard(backend, TEAM_A, USERS.alice);
    const read = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', as(USERS.alice));
    expect(read.headers.etag).toBe('"1"');
    const put = (retention: number, ifMatch?: string) => {
      const req = api()
        .put(`${BASE}/tenants/team-a`)
        .set('Authorization', as(USERS.alice));
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send({
        ...TEAM_A,
        logRetentionDays: retention,
      });
    };

    const first = await put(60, read.headers.etag);
    expect([first.status, first.headers.etag]).toEqual([202, '"2"']);
    const stale = await put(90, '"1"');
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain('read it again and retry');

    // Two writers that both read generation 2: one wins, one is told.
    const racing = await Promise.all([put(90, '"2"'), put(120, '"2"')]);
    expect(racing.map(r => r.status).sort()).toEqual([202, 409]);
    const after = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN);
    const winner = racing.find(r => r.status === 202)!;
    expect(after.body.generation).toBe(3);
    expect(after.body.spec.logRetentionDays).toBe(
      winner.body.spec.logRetentionDays,
    );

    for (const [ifMatch, body] of [
      ['yesterday', {}],
      ['"3"', { generation: 2 }],
      [undefined, { generation: 'three' }],
    ] as const) {
      const req = api()
        .put(`${BASE}/tenants/team-a`)
        .set('Authorization', as(USERS.alice));
      const res = await (ifMatch ? req.set('If-Match', ifMatch) : req).send({
        ...TEAM_A,
        ...body,
      });
      expect([ifMatch, body, res.status]).toEqual([ifMatch, body, 400]);
    }
    const withBodyGeneration = await api()
      .put(`${BASE}/tenants/team-a`)
      .set('Authorization', as(USERS.alice))
      .send({ ...TEAM_A, logRetentionDays: 14, generation: 3 });
    expect(withBodyGeneration.status).toBe(202);
  });
});

describe('job-runs API (fast tier)', () => {
  async function withTenants() {
    const backend = await start();
    await onboard(backend, TEAM_A, USERS.alice);
    await onboard(backend, TEAM_B, USERS.bob);
    return backend;
  }

  it('submits once per idempotency key, dry-runs without submitting, and cancels', async () => {
    const { api, cluster } = await withTenants();
    const first = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send(SALES);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      tenant: 'team-a',
      state: 'PENDING',
      submittedBy: USERS.alice,
      entityRef: SALES.entityRef,
    });
    expect(first.body.emrJobRunId).toEqual(expect.any(String));
    expect(first.body).not.toHaveProperty('jobRunId');

    const again = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.carol))
      .send(SALES);
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);

    // The run's page has the request as submitted and the StartJobRun sent;
    // lists leave both out.
    const detail = await api()
      .get(`${BASE}/job-runs/${first.body.id}`)
      .set('Authorization', as(USERS.alice))
      .expect(200);
    expect(detail.body.request).toMatchObject({
      name: SALES.name,
      entryPoint: SALES.entryPoint,
      idempotencyKey: SALES.idempotencyKey,
    });
    expect(detail.body.startJobRun).toEqual(
      JSON.parse(JSON.stringify(cluster.started[0])),
    );
    const listed = await api()
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .expect(200);
    expect(listed.body.items[0]).not.toHaveProperty('request');
    expect(listed.body.items[0]).not.toHaveProperty('startJobRun');

    const dryRun = await api()
      .post(`${BASE}/tenants/team-a/job-runs?dryRun=true`)
      .set('Authorization', as(USERS.alice))
      .send({ ...SALES, idempotencyKey: 'dry' });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.startJobRun.virtualClusterId).toBe(
      first.body.virtualClusterId,
    );
    expect(cluster.started).toHaveLength(1);

    const cancelled = await api()
      .post(`${BASE}/job-runs/${first.body.id}/cancel`)
      .set('Authorization', as(USERS.carol));
    expect([cancelled.status, cancelled.body.state]).toEqual([
      200,
      'CANCELLED',
    ]);
    const twice = await api()
      .post(`${BASE}/job-runs/${first.body.id}/cancel`)
      .set('Authorization', as(USERS.alice));
    expect(twice.status).toBe(409);
  });

  it.each([
    ['no name', { name: undefined }, 'name'],
    [
      'more cores than the LimitRange allows',
      { executor: { ...SALES.executor, cores: 7 } },
      'executor.cores: 7 exceeds the LimitRange max cpu 6',
    ],
    [
      'an entry point in another team’s bucket',
      { entryPoint: 's3://other-team/jobs/x.py' },
      'entryPoint',
    ],
    [
      'a forbidden Spark key',
      { sparkConf: { 'spark.kubernetes.namespace': 'team-b' } },
      'spark.kubernetes.namespace',
    ],
  ])(
    'answers 400 to a job run with %s, and submits nothing',
    async (_what, patch, message) => {
      const { api, cluster } = await withTenants();
      const res = await api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', as(USERS.alice))
        .send({ ...SALES, ...patch });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect(cluster.started).toEqual([]);
      const list = await api()
        .get(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', ADMIN);
      expect(list.body.items).toEqual([]);
    },
  );

  it('answers 400 to bad list queries, 404 to unknown tenants and runs, 409 to a tenant that is not Ready', async () => {
    const backend = await withTenants();
    const { api, cluster } = backend;
    for (const query of [
      { state: 'SLEEPING' },
      { limit: '0' },
      { limit: '201' },
      { createdAfter: 'yesterday' },
      { cursor: 'nope' },
      { sort: 'asc' },
    ]) {
      const res = await api()
        .get(`${BASE}/tenants/team-a/job-runs`)
        .query(query)
        .set('Authorization', ADMIN);
      expect([query, res.status]).toEqual([query, 400]);
    }
    expect(
      (
        await api()
          .post(`${BASE}/tenants/team-z/job-runs`)
          .set('Authorization', ADMIN)
          .send(SALES)
      ).status,
    ).toBe(404);
    expect(
      (
        await api()
          .get(`${BASE}/job-runs/no-such-run`)
          .set('Authorization', ADMIN)
      ).status,
    ).toBe(404);

    cluster.failing.add('podTemplates.ensureFiles');
    const failed = await onboard(
      backend,
      { ...TEAM_A, name: 'team-f', dataAccess: [] },
      USERS.alice,
    );
    expect(failed.status.phase).toBe('Failed');
    const notReady = await api()
      .post(`${BASE}/tenants/team-f/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send({ ...SALES, entryPoint: 'local:///app.py' });
    expect(notReady.status).toBe(409);
    expect(cluster.started).toEqual([]);
  });

  it('keeps team B out of team A’s runs: 404 to submit, cancel or read, absent from lists', async () => {
    const { api, cluster } = await withTenants();
    const run = (
      await api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', as(USERS.alice))
        .send(SALES)
        .expect(201)
    ).body;
    const asBob = as(USERS.bob);

    const submit = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', asBob)
      .send({ ...SALES, idempotencyKey: 'bob' });
    expect(submit.status).toBe(404);
    const cancel = await api()
      .post(`${BASE}/job-runs/${run.id}/cancel`)
      .set('Authorization', asBob);
    expect(cancel.status).toBe(404);
    // The same answer as for a run that does not exist.
    const missing = await api()
      .post(`${BASE}/job-runs/no-such-run/cancel`)
      .set('Authorization', asBob);
    expect(missing.status).toBe(404);
    expect(cancel.body.error.message.replace(run.id, 'X')).toBe(
      missing.body.error.message.replace('no-such-run', 'X'),
    );
    expect(cluster.started).toHaveLength(1);
    expect(cluster.calls).not.toContain('jobRuns.cancel');

    expect(
      (
        await api()
          .get(`${BASE}/job-runs/${run.id}`)
          .set('Authorization', asBob)
      ).status,
    ).toBe(404);
    for (const query of [
      {},
      { entityRef: SALES.entityRef },
      { tenant: 'team-a' },
    ]) {
      const res = await api()
        .get(`${BASE}/job-runs`)
        .query(query)
        .set('Authorization', asBob);
      expect([query, res.status, res.body.items]).toEqual([query, 200, []]);
    }

    await api()
      .post(`${BASE}/tenants/team-b/job-runs`)
      .set('Authorization', asBob)
      .send({
        ...SALES,
        entryPoint: 'local:///app.py',
        idempotencyKey: 'b-1',
        entityRef: 'component:default/hourly-clicks',
      })
      .expect(201);
    const tenantsOf = async (user: string) =>
      (
        await api().get(`${BASE}/job-runs`).set('Authorization', as(user))
      ).body.items
        .map((r: { tenant: string }) => r.tenant)
        .sort();
    expect(await tenantsOf(USERS.bob)).toEqual(['team-b']);
    expect(await tenantsOf(USERS.alice)).toEqual(['team-a']);
    expect(await tenantsOf(USERS.admin)).toEqual(['team-a', 'team-b']);
  });
});

describe('job-run entity refs (fast tier)', () => {
  it.each([
    [
      'another team’s component',
      'component:default/hourly-clicks',
      'its annotation emr-on-eks.spot-spark.io/tenant must be team-a',
    ],
    [
      'a component without the tenant annotation',
      'component:default/unannotated',
      'its annotation emr-on-eks.spot-spark.io/tenant must be team-a',
    ],
    [
      'an entity that does not exist',
      'component:default/nowhere',
      'no such entity is visible to you',
    ],
  ])(
    'refuses to attribute a run to %s: 400 naming entityRef, nothing submitted',
    async (_what, entityRef, reason) => {
      const backend = await start();
      await onboard(backend, TEAM_A, USERS.alice);
      const res = await backend
        .api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', as(USERS.alice))
        .send({ ...SALES, entityRef });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        `entityRef: ${entityRef} is not a catalog entity of tenant team-a: ${reason}`,
      );
      expect(backend.cluster.started).toEqual([]);
    },
  );
});

describe('job-run entity refs in a dry run (fast tier)', () => {
  it('composes for an entity not in the catalog yet, and still refuses another tenant’s', async () => {
    const backend = await start();
    await onboard(backend, TEAM_A, USERS.alice);
    const dryRun = (entityRef: string) =>
      backend
        .api()
        .post(`${BASE}/tenants/team-a/job-runs`)
        .query({ dryRun: 'true' })
        .set('Authorization', as(USERS.alice))
        .send({ ...SALES, entityRef });
    // A project the Spark template registers after writing its config.
    const fresh = await dryRun('component:default/not-registered-yet');
    expect(fresh.status).toBe(200);
    expect(fresh.body.startJobRun.tags).toMatchObject({
      'emr-on-eks.spot-spark.io/entity-ref':
        'component:default/not-registered-yet',
    });
    const foreign = await dryRun('component:default/hourly-clicks');
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toContain(
      'its annotation emr-on-eks.spot-spark.io/tenant must be team-a',
    );
    expect(backend.cluster.started).toEqual([]);
  });
});

describe('guardrails through the API (fast tier)', () => {
  it.each([
    [
      'write access to another team’s pod templates in the assets bucket',
      {
        dataAccess: [
          {
            s3: 's3://shared-data-emr-assets/tenants/team-b/pod-templates/',
            access: 'read-write',
          },
        ],
      },
      "dataAccess.0.s3: s3://shared-data-emr-assets/tenants/team-b/pod-templates/ is in the cluster's assets bucket",
    ],
    [
      'another team’s data',
      { dataAccess: [{ s3: 's3://data-lake/team-b/', access: 'read' }] },
      'dataAccess.0.s3: s3://data-lake/team-b/ is outside the locations this cluster grants',
    ],
    [
      'a quota of 1e300 CPUs',
      { quota: { 'requests.cpu': '1e300' } },
      'quota.requests.cpu',
    ],
    [
      'egress to the whole internet',
      { network: { egressCidrs: ['0.0.0.0/0'] } },
      "network.egressCidrs.0: 0.0.0.0/0 is not inside this cluster's allowed egress",
    ],
    [
      'an add-on’s namespace',
      { namespace: 'monitoring' },
      'namespace: "monitoring" is reserved',
    ],
    ['the high priority tier', { priorityTier: 'high' }, 'priorityTier'],
  ])(
    'refuses a tenant asking for %s: 400, nothing stored, nothing called',
    async (_what, patch, message) => {
      const { api, cluster } = await start({
        dataAccess: [{ s3: 's3://data-lake/{tenant}/', access: 'read-write' }],
        allowedEgressCidrs: ['10.0.0.0/8'],
      });
      const res = await api()
        .post(`${BASE}/tenants`)
        .set('Authorization', as(USERS.alice))
        .send({ ...TEAM_A, dataAccess: [], ...patch });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect(await tenantNames(api, USERS.admin)).toEqual([]);
      expect(cluster.calls).toEqual([]);
    },
  );

  it('refuses an update past the guardrails even from an admin, keeping the tenant as it was', async () => {
    const backend = await start();
    const { api } = backend;
    await onboard(backend, TEAM_A, USERS.alice);
    for (const patch of [
      { quota: { ...TEAM_A.quota, 'requests.cpu': '100000' } },
      { network: { egressCidrs: ['0.0.0.0/0'] } },
      { dataAccess: [{ s3: 's3://data-lake/', access: 'read-write' }] },
    ]) {
      const res = await api()
        .put(`${BASE}/tenants/team-a`)
        .set('Authorization', ADMIN)
        .send({ ...TEAM_A, ...patch });
      expect([patch, res.status]).toEqual([patch, 400]);
    }
    const stored = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN);
    expect(stored.body.generation).toBe(1);
    expect(stored.body.spec.network.egressCidrs).toEqual(['10.0.0.0/8']);
  });

  it('lets the owning team change its own settings but not its guardrails (403 naming them); an admin can', async () => {
    const backend = await start();
    const { api } = backend;
    await onboard(backend, TEAM_A, USERS.alice);
    const put = (user: string, patch: object) =>
      api()
        .put(`${BASE}/tenants/team-a`)
        .set('Authorization', user)
        .send({ ...TEAM_A, ...patch });

    const own = await put(as(USERS.carol), {
      description: 'sales analytics',
      logRetentionDays: 90,
      releaseLabel: 'emr-7.2.0-latest',
    });
    expect([own.status, own.body.generation]).toEqual([202, 2]);

    const guarded = await put(as(USERS.carol), {
      owner: 'group:default/team-b',
      quota: { ...TEAM_A.quota, pods: '300' },
      priorityTier: 'low',
    });
    expect(guarded.status).toBe(403);
    expect(guarded.body.error.message).toBe(
      'not allowed: emr-on-eks.tenant.guardrails.update on tenant team-a (needed to change owner, quota, priorityTier)',
    );
    const after = await api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN);
    expect(after.body).toMatchObject({
      generation: 2,
      spec: { owner: 'group:default/team-a', priorityTier: 'standard' },
    });

    const admin = await put(ADMIN, { quota: { ...TEAM_A.quota, pods: '300' } });
    expect([admin.status, admin.body.spec.quota.pods]).toEqual([202, '300']);
  });

  it('refuses a grant overlapping another tenant’s write grant without saying whose', async () => {
    const backend = await start({
      dataAccess: [{ s3: 's3://common/', access: 'read-write' }],
      allowedEgressCidrs: ['10.0.0.0/8'],
    });
    await onboard(
      backend,
      {
        ...TEAM_A,
        dataAccess: [
          { s3: 's3://common/team-a-project/', access: 'read-write' },
        ],
      },
      USERS.alice,
    );
    const res = await backend
      .api()
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.bob))
      .send({
        ...TEAM_B,
        dataAccess: [{ s3: 's3://common/', access: 'read' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("overlaps another tenant's grant");
    expect(res.body.error.message).not.toContain('team-a');
  });
});

describe('tenant identity and history (fast tier)', () => {
  it('starts a re-created name with an empty history; the old one stays readable to admins by uid', async () => {
    const backend = await start();
    const { api, cluster } = backend;
    const first = await onboard(backend, TEAM_A, USERS.alice);
    const run = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send(SALES)
      .expect(201);
    await api()
      .delete(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN)
      .expect(202);
    await waitForTenant(backend.server, 'team-a', ['gone'], ADMIN);

    // Another team takes the name: only when the platform gives it.
    const taken = { ...TEAM_B, name: 'team-a', namespace: 'team-a-2' };
    await api()
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.bob))
      .send(taken)
      .expect(409);
    const second = await onboard(
      backend,
      taken,
      USERS.admin,
      '?reassignReason=team-a%20left%3B%20team-b%20took%20the%20name',
    );
    expect(second.uid).not.toBe(first.uid);
    expect(second.status.assetsPrefix).toContain(
      `/tenants/team-a/${second.uid}/`,
    );
    expect(first.status.assetsPrefix).toContain(
      `/tenants/team-a/${first.uid}/`,
    );
    const audit = await api()
      .get(`${BASE}/tenants/team-a/audit`)
      .set('Authorization', as(USERS.bob))
      .expect(200);
    expect(audit.body.items.map((e: any) => e.tenantUid)).toEqual(
      audit.body.items.map(() => second.uid),
    );
    expect(audit.body.items.map((e: any) => e.action)).not.toContain(
      'tenant.offboard',
    );
    // The old team's run is not the new team's, by list or by id...
    const runs = await api()
      .get(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.bob))
      .expect(200);
    expect(runs.body.items).toEqual([]);
    for (const user of [USERS.bob, USERS.alice]) {
      await api()
        .get(`${BASE}/job-runs/${run.body.id}`)
        .set('Authorization', as(user))
        .expect(404);
    }
    // ...and a key used by the old team is a new submission for the new one.
    expect(cluster.started).toHaveLength(1);

    // Admins read the history by uid; others get the same 404 as for nothing.
    const history = await api()
      .get(`${BASE}/tenant-history?name=team-a`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({
        uid: first.uid,
        name: 'team-a',
        owner: 'group:default/team-a',
      }),
    ]);
    const oldAudit = await api()
      .get(`${BASE}/tenant-history/${first.uid}/audit`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(oldAudit.body.items.map((e: any) => e.action)).toContain(
      'tenant.offboard',
    );
    const oldRuns = await api()
      .get(`${BASE}/tenant-history/${first.uid}/job-runs`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(oldRuns.body.items.map((r: any) => r.id)).toEqual([run.body.id]);
    await api()
      .get(`${BASE}/job-runs/${run.body.id}`)
      .set('Authorization', ADMIN)
      .expect(200);
    for (const path of [
      `tenant-history/${first.uid}`,
      `tenant-history/${first.uid}/audit`,
      `tenant-history/${first.uid}/job-runs`,
      `tenant-history/00000000-0000-4000-8000-000000000000`,
      `tenant-history/not-a-uid`,
    ]) {
      const res = await api()
        .get(`${BASE}/${path}`)
        .set('Authorization', as(USERS.alice));
      expect([path, res.status]).toEqual([path, 404]);
    }
    await api()
      .get(`${BASE}/tenant-history`)
      .set('Authorization', as(USERS.alice))
      .expect(403);
  });

  it('answers 409 naming the key when an idempotency key comes back with another request', async () => {
    const backend = await start();
    await onboard(backend, TEAM_A, USERS.alice);
    const body = { ...SALES, idempotencyKey: 'nightly-2026-11-22' };
    await backend
      .api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send(body)
      .expect(201);
    const res = await backend
      .api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send({ ...body, entryPointArguments: ['--day=2026-11-23'] });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'idempotencyKey "nightly-2026-11-22" was already used for a different request',
    );
    expect(backend.cluster.started).toHaveLength(1);
  });
});

describe('paging (fast tier)', () => {
  it('pages GET /tenants by name with full pages for every caller, and the audit trail', async () => {
    const backend = await start();
    const { api } = backend;
    const names = Array.from({ length: 7 }, (_, i) => `t${i}`);
    for (const [i, name] of names.entries()) {
      await onboard(
        backend,
        {
          ...TEAM_B,
          name,
          namespace: name,
          owner: i % 2 ? 'group:default/team-a' : 'group:default/team-b',
        },
        USERS.admin,
      );
    }
    const walk = async (user: string, limit: number) => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const res = await api()
          .get(`${BASE}/tenants`)
          .query({ limit, ...(cursor ? { cursor } : {}) })
          .set('Authorization', as(user))
          .expect(200);
        sizes.push(res.body.items.length);
        seen.push(...res.body.items.map((t: any) => t.name));
        cursor = res.body.nextCursor;
      } while (cursor);
      // Filtered in SQL: a page is short only at the end.
      expect(sizes.slice(0, -1).every(size => size === limit)).toBe(true);
      return seen;
    };
    expect(await walk(USERS.admin, 3)).toEqual(names);
    expect(await walk(USERS.alice, 2)).toEqual(['t1', 't3', 't5']);
    expect(await walk(USERS.bob, 2)).toEqual(['t0', 't2', 't4', 't6']);

    for (const query of [
      { limit: 0 },
      { limit: 501 },
      { cursor: 'forged' },
      { sort: 'name' },
    ]) {
      const res = await api()
        .get(`${BASE}/tenants`)
        .query(query)
        .set('Authorization', ADMIN);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.error.message).toMatch(/limit|cursor|sort/);
    }

    for (let i = 0; i < 3; i++) {
      await api()
        .post(`${BASE}/tenants/t1/reconcile`)
        .set('Authorization', ADMIN)
        .expect(200);
      await api()
        .put(`${BASE}/tenants/t1`)
        .set('Authorization', ADMIN)
        .send({
          ...TEAM_B,
          name: 't1',
          namespace: 't1',
          owner: 'group:default/team-a',
          description: `v${i}`,
        })
        .expect(202);
      await waitForTenant(backend.server, 't1', ['Ready'], ADMIN);
    }
    const audit: any[] = [];
    let cursor: string | undefined;
    do {
      const res = await api()
        .get(`${BASE}/tenants/t1/audit`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', as(USERS.alice))
        .expect(200);
      audit.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    const ids = audit.map(e => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    expect(audit.filter(e => e.action === 'tenant.update')).toHaveLength(3);
  });
});

describe('start-up (fast tier)', () => {
  it('warns when the permission framework is off and when no catalog answers', async () => {
    const warnings: string[] = [];
    const logger = mockServices.logger.mock({
      warn: (message: string) => {
        warnings.push(message);
      },
    });
    logger.child.mockImplementation(() => logger);
    await startTestBackend({
      features: [
        createEmrOnEksPlugin({ createGateways: () => new MemoryCluster() }),
        mockServices.rootConfig.factory({ data: testConfig() }),
        logger.factory,
      ],
    });
    expect(warnings).toContainEqual(
      expect.stringContaining('permission.enabled is not true'),
    );
    // No catalog plugin runs here (its API answers 404): entity refs cannot
    // be checked, and it says so.
    expect(warnings).toContainEqual(
      expect.stringContaining(
        'No software catalog is installed (its API answered 404)',
      ),
    );
  });
});
