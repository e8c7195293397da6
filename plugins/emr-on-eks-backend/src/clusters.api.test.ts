import { mockServices } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { ClusterList } from '@spot-spark/plugin-emr-on-eks-common';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { BASE, as } from './__testUtils__/apiWorld';
import { TEAM_A, testConfig, testSettings } from './__testUtils__/fixtures';
import { MemoryCluster } from './__testUtils__/memoryGateways';
import { startEmrOnEksBackend, USERS } from './__testUtils__/testBackend';
import type { ClusterSettings } from './config';
import { renderBootstrapBundle } from './domain/clusters/bootstrap';
import { DirectKubernetesGateway } from './gateways/kubernetes/DirectKubernetesGateway';
import { DirectoryKubernetesGateway } from './gateways/kubernetes/DirectoryKubernetesGateway';
import { GitRepositoryKubernetesGateway } from './gateways/kubernetes/GitRepositoryKubernetesGateway';
import type { KubernetesGateway } from './gateways/kubernetes/KubernetesGateway';
import { createEmrOnEksPlugin } from './plugin';

/*
 * The Clusters page's API: each configured cluster's preflight for platform
 * admins (404 for anyone else), the bootstrap bundle rendered, and written
 * into the GitOps output; and onboarding onto a cluster that failed its
 * preflight (admins warned, everyone else refused, nothing written).
 */

jest.setTimeout(60_000);

const run = promisify(execFile);
const ADMIN = as(USERS.admin);
const ALICE = as(USERS.alice);
const BOB = as(USERS.bob);

/** The test config with a second cluster `analytics` and the given extras. */
function twoClusters(
  extra: JsonObject = {},
  kubernetes?: JsonObject,
): JsonObject {
  const config = testConfig(kubernetes ? { kubernetes } : {}) as {
    emrOnEks: { clusters: JsonObject[] } & JsonObject;
  };
  const [shared] = config.emrOnEks.clusters;
  config.emrOnEks.clusters.push({
    ...shared,
    name: 'analytics',
    eksClusterName: 'analytics',
    accountId: '210987654321',
    aws: { roleArn: 'arn:aws:iam::210987654321:role/backstage-emr' },
  });
  Object.assign(config.emrOnEks, extra);
  return config;
}

/** A backend whose clusters' gateways are the given ones, by cluster name. */
async function start(
  config: JsonObject,
  gateways: Record<string, MemoryCluster>,
  kubernetesFor?: (cluster: ClusterSettings) => KubernetesGateway,
) {
  const backend = await startEmrOnEksBackend(
    config,
    [],
    createEmrOnEksPlugin({
      createGateways: ({ cluster }) => {
        const memory = gateways[cluster.name];
        return kubernetesFor
          ? Object.assign(memory, { kubernetes: kubernetesFor(cluster) })
          : memory;
      },
    }),
  );
  return Object.assign(backend, { api: () => request(backend.server) });
}

/** A cluster whose role cannot be assumed (as ClusterGateways.identity reports it). */
function unassumable(): MemoryCluster {
  return Object.assign(new MemoryCluster(), {
    identity: async () => {
      throw new Error(
        'cluster analytics: could not assume role arn:aws:iam::210987654321:role/backstage-emr (AccessDenied)',
      );
    },
  });
}

describe('GET /clusters', () => {
  it('shows platform admins each cluster with its checks, one failing cluster not stopping the other', async () => {
    const shared = new MemoryCluster();
    const world = await start(twoClusters(), {
      shared,
      analytics: unassumable(),
    });
    const res = await world
      .api()
      .get(`${BASE}/clusters`)
      .set('Authorization', ADMIN)
      .expect(200);
    const body = res.body as ClusterList;
    expect(body.items.map(c => [c.name, c.ready])).toEqual([
      ['shared', true],
      ['analytics', false],
    ]);
    const [ready, broken] = body.items;
    expect(ready).toMatchObject({
      accountId: '123456789012',
      region: 'us-east-1',
      eksClusterName: 'shared-data',
      identity: 'irsa',
      kubernetesMode: 'gitops',
    });
    expect(ready.checks.map(c => c.status)).not.toContain('fail');
    expect(broken.roleArn).toBe('arn:aws:iam::210987654321:role/backstage-emr');
    expect(broken.checks[0]).toMatchObject({
      id: 'credentials',
      status: 'fail',
      detail: expect.stringContaining(
        'cluster analytics: could not assume role arn:aws:iam::210987654321:role/backstage-emr',
      ),
      advice: expect.stringContaining(
        'aws sts assume-role --role-arn arn:aws:iam::210987654321:role/backstage-emr',
      ),
    });
    expect(
      broken.checks
        .filter(c => ['eks-cluster', 'assets-bucket'].includes(c.id))
        .map(c => c.status),
    ).toEqual(['skipped', 'skipped']);
  });

  it('hides the clusters and their bundles from everyone else (404)', async () => {
    const world = await start(testConfig(), { shared: new MemoryCluster() });
    for (const user of [ALICE, BOB]) {
      const res = await world
        .api()
        .get(`${BASE}/clusters`)
        .set('Authorization', user)
        .expect(404);
      expect(res.body.error.message).toBe('clusters not found');
      await world
        .api()
        .get(`${BASE}/clusters/shared/bootstrap`)
        .set('Authorization', user)
        .expect(404);
      await world
        .api()
        .post(`${BASE}/clusters/shared/bootstrap`)
        .set('Authorization', user)
        .expect(404);
    }
  });

  it('reuses a recent preflight until asked to refresh', async () => {
    const shared = new MemoryCluster();
    const world = await start(testConfig(), { shared });
    const list = (query = '') =>
      world
        .api()
        .get(`${BASE}/clusters${query}`)
        .set('Authorization', ADMIN)
        .expect(200);
    expect((await list()).body.items[0].ready).toBe(true);
    shared.awsFacts.serviceLinkedRole = { value: false };
    expect((await list()).body.items[0].ready).toBe(true);
    const refreshed = (await list('?refresh=true')).body as ClusterList;
    expect(refreshed.items[0].ready).toBe(false);
    expect(
      refreshed.items[0].checks.find(c => c.id === 'emr-service-linked-role'),
    ).toMatchObject({
      status: 'fail',
      advice:
        'aws iam create-service-linked-role --aws-service-name emr-containers.amazonaws.com',
    });
    expect(
      shared.calls.filter(call => call === 'inspection.inspect'),
    ).toHaveLength(2);
    await world
      .api()
      .get(`${BASE}/clusters?refresh=yes`)
      .set('Authorization', ADMIN)
      .expect(400);
  });
});

describe('the bootstrap bundle', () => {
  it('renders the bundle of a cluster, and 404 for one that is not configured', async () => {
    const world = await start(testConfig(), { shared: new MemoryCluster() });
    const res = await world
      .api()
      .get(`${BASE}/clusters/shared/bootstrap`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(res.body.cluster).toBe('shared');
    expect(res.body.files.map((f: { path: string }) => f.path)).toContain(
      'kustomization.yaml',
    );
    expect(res.body.writtenTo).toBeUndefined();
    await world
      .api()
      .get(`${BASE}/clusters/elsewhere/bootstrap`)
      .set('Authorization', ADMIN)
      .expect(404);
  });

  it('writes the bundle under bootstrap/ of a GitOps directory, and again changes nothing', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'emr-bundle-'));
    const config = testConfig({ kubernetes: { mode: 'gitops', directory } });
    const world = await start(config, { shared: new MemoryCluster() }, () =>
      DirectoryKubernetesGateway.create({ directory }),
    );
    const write = () =>
      world
        .api()
        .post(`${BASE}/clusters/shared/bootstrap`)
        .set('Authorization', ADMIN)
        .expect(200);
    const res = await write();
    expect(res.body.writtenTo).toBe('bootstrap/');
    const cluster = testSettings({
      kubernetes: { mode: 'gitops', directory },
    });
    const files = renderBootstrapBundle(cluster.clusters[0], cluster.jobs);
    for (const file of files) {
      await expect(
        fs.readFile(path.join(directory, 'bootstrap', file.path), 'utf8'),
      ).resolves.toBe(file.content);
    }
    const before = await fs.stat(path.join(directory, 'bootstrap'));
    await write();
    expect((await fs.stat(path.join(directory, 'bootstrap'))).mtimeMs).toBe(
      before.mtimeMs,
    );
    // The top-level kustomization does not list it (its PriorityClasses
    // would clash with cluster/'s).
    await expect(
      fs.readFile(path.join(directory, 'kustomization.yaml'), 'utf8'),
    ).rejects.toThrow();
  });

  it('commits and pushes the bundle in repository mode', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'emr-bundle-git-'));
    const bare = path.join(root, 'remote.git');
    await run('git', [
      'init',
      '--quiet',
      '--bare',
      '--initial-branch=main',
      bare,
    ]);
    const repository = {
      url: `file://${bare}`,
      branch: 'main',
      path: 'clusters/shared',
      workdir: path.join(root, 'clone'),
    };
    const config = testConfig({ kubernetes: { mode: 'gitops', repository } });
    const world = await start(config, { shared: new MemoryCluster() }, () =>
      GitRepositoryKubernetesGateway.create({
        repository: {
          ...repository,
          author: { name: 'Backstage EMR on EKS', email: 'emr@example.com' },
          maxPushAttempts: 3,
          timeoutSeconds: 30,
        },
      }),
    );
    const res = await world
      .api()
      .post(`${BASE}/clusters/shared/bootstrap`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(res.body.writtenTo).toBe('clusters/shared/bootstrap/');
    const log = await run('git', ['log', '--format=%s', 'main'], { cwd: bare });
    expect(log.stdout.trim()).toBe(
      'emr-on-eks: write the cluster bootstrap bundle (asked by user:default/admin)',
    );
    const tree = await run(
      'git',
      ['ls-tree', '-r', '--name-only', 'main', 'clusters/shared/bootstrap/'],
      { cwd: bare },
    );
    expect(tree.stdout).toContain(
      'clusters/shared/bootstrap/kustomization.yaml',
    );
  });

  it('refuses to write in direct mode (409), saying to apply the downloaded bundle', async () => {
    const kubernetes = {
      mode: 'direct',
      url: 'https://kubernetes.example.com',
      token: 'test-token',
    };
    const config = testConfig({ kubernetes });
    const world = await start(
      config,
      { shared: new MemoryCluster() },
      cluster =>
        DirectKubernetesGateway.create({
          settings: cluster.kubernetes as never,
          clusterName: cluster.name,
          logger: mockServices.logger.mock(),
        }),
    );
    const res = await world
      .api()
      .post(`${BASE}/clusters/shared/bootstrap`)
      .set('Authorization', ADMIN)
      .expect(409);
    expect(res.body.error.message).toContain('kubectl apply -k');
  });
});

/** POST /tenants of team-a's tenant as `user`. */
function onboard(
  world: { api: () => ReturnType<typeof request> },
  user: string,
) {
  return world
    .api()
    .post(`${BASE}/tenants`)
    .set('Authorization', user)
    .send(TEAM_A);
}

describe('onboarding onto a cluster that failed its preflight', () => {
  const refusing = () => testConfig() as { emrOnEks: JsonObject } & JsonObject;
  const withGate = (mode: string) => {
    const config = refusing();
    (config.emrOnEks as JsonObject).clusterPreflight = { onboarding: mode };
    return config;
  };

  it('refuses a team member with the failed checks and writes nothing; warns an admin and onboards', async () => {
    const shared = new MemoryCluster();
    shared.awsFacts.serviceLinkedRole = { value: false };
    const world = await start(withGate('refuse'), { shared });
    const refused = await onboard(world, ALICE).expect(409);
    expect(refused.body.error.message).toMatch(
      /Cluster shared is not ready for Spark jobs \(preflight failed: EMR on EKS's service-linked role exists\); nothing was created\. Ask a platform admin/,
    );
    await world
      .api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN)
      .expect(404);
    expect(shared.writeCalls).toEqual([]);

    const accepted = await onboard(world, ADMIN).expect(202);
    expect(accepted.body.warnings).toEqual([
      expect.stringContaining(
        "Cluster shared failed its preflight (EMR on EKS's service-linked role exists)",
      ),
    ]);
    // Stored, not answered again: a read has no warnings.
    const read = await world
      .api()
      .get(`${BASE}/tenants/team-a`)
      .set('Authorization', ADMIN)
      .expect(200);
    expect(read.body.warnings).toBeUndefined();
  });

  it('lets a team member onboard onto a ready cluster, without warnings', async () => {
    const world = await start(withGate('refuse'), {
      shared: new MemoryCluster(),
    });
    const res = await onboard(world, ALICE).expect(202);
    expect(res.body.warnings).toBeUndefined();
  });

  it('does not block when the preflight cannot run at all', async () => {
    const shared = new MemoryCluster();
    const world = await startEmrOnEksBackend(
      withGate('refuse'),
      [],
      createEmrOnEksPlugin({
        createGateways: () =>
          Object.assign(shared, {
            inspection: {
              inspect: async () => {
                throw new Error('the inspection broke');
              },
            },
          }),
      }),
    );
    const res = await onboard(
      { api: () => request(world.server) },
      ALICE,
    ).expect(202);
    expect(res.body).toMatchObject({ name: 'team-a' });
    expect(res.body.warnings).toBeUndefined();
  });

  it('only warns, also team members, in warn mode', async () => {
    const shared = new MemoryCluster();
    shared.awsFacts.assetsBucket = { value: undefined };
    const world = await start(withGate('warn'), { shared });
    const res = await onboard(world, ALICE).expect(202);
    expect(res.body.warnings).toEqual([
      expect.stringContaining(
        'The assets bucket exists and blocks public access',
      ),
    ]);
  });
});
