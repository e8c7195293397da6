import type { JsonObject } from '@backstage/types';
import {
  DAILY_SALES,
  TEAM_A,
  TEST_ACCOUNT_ID,
  testConfig,
} from './__testUtils__/fixtures';
import { BASE, as, startApiWorld } from './__testUtils__/apiWorld';
import { USERS, waitForTenant } from './__testUtils__/testBackend';
import { base36 } from './domain/base36';

/*
 * A cluster with `identity: podIdentity`, through the real plugin, routes,
 * services and reconcile engine on the in-memory gateways (fast tier): the
 * associations appear with onboarding and go with offboarding, before the
 * role, and releases older than 7.3.0 are refused. What goes over the wire to
 * EKS is in services/reconcile/podIdentity.moto.test.ts.
 */

jest.setTimeout(30_000);

const ADMIN = as(USERS.admin);
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};
const SERVICE_ACCOUNTS = ['client', 'driver', 'executor'].map(
  component =>
    `shared-data/team-a/emr-containers-sa-spark-${component}-${TEST_ACCOUNT_ID}-${base36(
      'emr-tenant-team-a',
    )}`,
);

function podIdentityConfig(): JsonObject {
  const config = testConfig() as any;
  config.emrOnEks.clusters[0].identity = 'podIdentity';
  return config;
}

/** The plugin on a Pod Identity cluster, with team-a onboarded (Ready or Failed). */
async function withTeamA() {
  const world = await startApiWorld({ config: podIdentityConfig() });
  await world
    .api()
    .post(`${BASE}/tenants`)
    .set('Authorization', as(USERS.alice))
    .send(TEAM_A)
    .expect(202);
  const tenant = await waitForTenant(
    world.server,
    'team-a',
    ['Ready', 'Failed'],
    ADMIN,
  );
  return Object.assign(world, { tenant });
}

describe('a Pod Identity cluster (fast tier)', () => {
  it('associates the role with EMR’s service accounts on onboarding, and removes them before the role on offboarding', async () => {
    const { api, server, cluster, tenant } = await withTeamA();
    expect(tenant.status.phase).toBe('Ready');
    expect(
      tenant.status.steps.find((s: any) => s.name === 'pod-identity'),
    ).toMatchObject({
      state: 'Succeeded',
      message: SERVICE_ACCOUNTS.map(sa => `associated ${sa}`).join('; '),
    });
    expect([...cluster.podIdentityAssociations]).toEqual(SERVICE_ACCOUNTS);
    expect(cluster.calls.indexOf('iamRoles.ensureRole')).toBeLessThan(
      cluster.calls.indexOf('podIdentity.ensureAssociations'),
    );

    cluster.calls.length = 0;
    await api()
      .delete(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN)
      .expect(202);
    await waitForTenant(server, 'team-a', ['gone'], ADMIN);
    expect([...cluster.podIdentityAssociations]).toEqual([]);
    expect(
      cluster.calls.indexOf('podIdentity.deleteAssociations'),
    ).toBeLessThan(cluster.calls.indexOf('iamRoles.deleteRole'));
    expect(cluster.calls.indexOf('podIdentity.deleteAssociations')).not.toBe(
      -1,
    );
  });

  it('refuses a tenant whose release is older than 7.3.0, naming the minimum, and creates nothing', async () => {
    const { api, cluster } = await startApiWorld({
      config: podIdentityConfig(),
    });
    const res = await api()
      .post(`${BASE}/tenants`)
      .set('Authorization', as(USERS.alice))
      .send({ ...TEAM_A, releaseLabel: 'emr-6.15.0-latest' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'emr-6.15.0-latest is older than 7.3.0, the first EMR release that supports EKS Pod Identity, which cluster shared uses; choose emr-7.3.0-latest or newer',
    );
    expect(cluster.calls).toEqual([]);
  });

  it('refuses a job run on a release older than 7.3.0, and starts nothing', async () => {
    const { api, cluster, tenant } = await withTeamA();
    expect(tenant.status.phase).toBe('Ready');

    const res = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send({ ...SALES, releaseLabel: 'emr-7.2.0-latest' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'emr-7.2.0-latest is older than 7.3.0',
    );
    expect(cluster.started).toEqual([]);

    const ok = await api()
      .post(`${BASE}/tenants/team-a/job-runs`)
      .set('Authorization', as(USERS.alice))
      .send({ ...SALES, releaseLabel: 'emr-7.3.0-latest' });
    expect(ok.status).toBe(201);
    expect(cluster.started.map(s => s.releaseLabel)).toEqual([
      'emr-7.3.0-latest',
    ]);
  });
});
