import { mockCredentials } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { EmrOnEksClient } from '@spot-spark/plugin-emr-on-eks-common';
import type { AddressInfo } from 'node:net';
import { DAILY_SALES, TEAM_A, testConfig } from './__testUtils__/fixtures';
import { MemoryCluster } from './__testUtils__/memoryGateways';
import {
  startEmrOnEksBackend,
  USERS,
  waitForTenant,
} from './__testUtils__/testBackend';
import { createEmrOnEksPlugin } from './plugin';

/*
 * The common typed client against the real backend plugin, started
 * in-process and reached over HTTP, as the frontend and the scaffolder
 * module reach it.
 */

jest.setTimeout(30_000);

const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

async function start() {
  const cluster = new MemoryCluster();
  const backend = await startEmrOnEksBackend(
    testConfig(),
    [],
    createEmrOnEksPlugin({ createGateways: () => cluster }),
  );
  const { port } = backend.server.address() as AddressInfo;
  const clientAs = (user: string) =>
    new EmrOnEksClient({
      discoveryApi: {
        getBaseUrl: async pluginId =>
          `http://localhost:${port}/api/${pluginId}`,
      },
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: {
              ...(init?.headers as Record<string, string>),
              Authorization: mockCredentials.user.header(user),
            },
          }),
      },
    });
  return { backend, cluster, clientAs };
}

describe('EmrOnEksClient against the backend', () => {
  it('onboards, pages, submits, lists, cancels and reads the audit trail', async () => {
    const { backend, cluster, clientAs } = await start();
    const alice = clientAs(USERS.alice);
    const admin = clientAs(USERS.admin);

    const created = await alice.createTenant(TEAM_A);
    expect(created).toMatchObject({ name: 'team-a', generation: 1 });
    await waitForTenant(
      backend.server,
      'team-a',
      ['Ready'],
      mockCredentials.user.header(USERS.admin),
    );
    expect((await alice.getTenant('team-a')).status.phase).toBe('Ready');
    const page = await alice.listTenants({ limit: 10 });
    expect(page.items.map(t => t.name)).toEqual(['team-a']);

    const first = await alice.submitJobRun('team-a', {
      ...SALES,
      idempotencyKey: 'client-1',
    });
    expect(first.created).toBe(true);
    const again = await alice.submitJobRun('team-a', {
      ...SALES,
      idempotencyKey: 'client-1',
    });
    expect(again).toEqual({ run: first.run, created: false });
    expect(cluster.started).toHaveLength(1);

    const dry = await alice.dryRunJobRun('team-a', SALES);
    expect(dry.startJobRun.virtualClusterId).toBe(first.run.virtualClusterId);
    expect(cluster.started).toHaveLength(1);

    const byEntity = await alice.listJobRuns({ entityRef: SALES.entityRef });
    expect(byEntity.items.map(r => r.id)).toEqual([first.run.id]);
    const byTenant = await alice.listTenantJobRuns('team-a', {
      state: ['PENDING', 'RUNNING'],
      limit: 5,
    });
    expect(byTenant.items.map(r => r.id)).toEqual([first.run.id]);
    expect((await alice.getJobRun(first.run.id)).id).toBe(first.run.id);
    expect((await alice.cancelJobRun(first.run.id)).state).toBe('CANCELLED');

    const updated = await admin.updateTenant(
      'team-a',
      { ...TEAM_A, description: 'changed' },
      { generation: 1 },
    );
    expect(updated.generation).toBe(2);
    const audit = await alice.listTenantAudit('team-a', { limit: 2 });
    expect(audit.items).toHaveLength(2);
    expect(audit.nextCursor).toEqual(expect.any(String));
  });

  it('throws ResponseError with the backend’s status and message', async () => {
    const { clientAs } = await start();
    const bob = clientAs(USERS.bob);
    await expect(bob.getTenant('team-a')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: { error: { message: 'tenant team-a not found' } },
    });
    const refused = await bob
      .createTenant({ ...TEAM_A, name: 'Team-A' })
      .catch(error => error);
    expect(refused).toBeInstanceOf(ResponseError);
    expect(refused.statusCode).toBe(400);
    expect(refused.body.error.message).toContain('name');
    // A name with path characters stays one path segment.
    await expect(bob.getTenant('../job-runs')).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(
      clientAs(USERS.carol).listOffboardedTenants(),
    ).rejects.toMatchObject({ statusCode: 403 });
  });
});
