import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  Tenant,
  TenantSpecInput,
} from '@spot-spark/plugin-emr-on-eks-common';
import {
  APP_URL,
  RecordingCatalogWorld,
  startCatalogWorld,
  TEAM_A,
} from './__testUtils__/catalogWorld';
import { until } from './__testUtils__/testCatalog';

/*
 * The module in a backend with the real emr-on-eks plugin and Backstage's
 * events service (see catalogWorld.ts): a tenant changed through the REST API
 * reaches the catalog through the plugin's events, with the schedule never
 * run unless a test runs it. The catalog is a stand-in that keeps what the
 * provider's mutations leave, by the catalog's rules (a full mutation
 * replaces the provider's entities, a delta adds and removes by ref).
 */

jest.setTimeout(30_000);

function start() {
  return startCatalogWorld({
    catalog: 'stand-in',
    // Two tenants a page, so that a few tenants take several pages.
    provider: { pageSize: 2 },
  });
}

type World = RecordingCatalogWorld;

/** A tenant of team-a (or `owner`) with a data location of its own. */
function tenantBody(
  name: string,
  owner = 'group:default/team-a',
): TenantSpecInput {
  return {
    ...TEAM_A,
    name,
    owner,
    dataAccess: [{ s3: `s3://data-lake/${name}/`, access: 'read-write' }],
  };
}

/** Onboards through the API and waits until the catalog has the finished tenant's entity. */
async function onboard(
  world: World,
  body: TenantSpecInput,
  client = world.alice,
): Promise<Tenant> {
  await client.createTenant(body);
  await until(`tenant ${body.name} is Ready in the catalog`, () => {
    const entity = world.catalog.entity(body.name);
    return Boolean(
      entity?.metadata.annotations?.[
        'emr-on-eks.spot-spark.io/virtual-cluster-id'
      ],
    );
  });
  let ready: Tenant | undefined;
  await until(`tenant ${body.name} is Ready`, async () => {
    ready = await world.admin.getTenant(body.name);
    return ready.status.phase === 'Ready';
  });
  return ready!;
}

/** Entity refs removed by the mutations from index `from` on. */
function removedRefs(world: World, from = 0): string[] {
  return world.catalog.mutations
    .slice(from)
    .flatMap(m =>
      m.type === 'delta'
        ? m.removed.map(r =>
            'entityRef' in r ? r.entityRef : stringifyEntityRef(r.entity),
          )
        : [],
    );
}

/** The entity names of the last full mutation. */
function lastFull(world: World): string[] | undefined {
  const full = world.catalog.mutations.filter(m => m.type === 'full').at(-1);
  return full?.type === 'full'
    ? full.entities.map(e => e.entity.metadata.name).sort()
    : undefined;
}

async function isGone(world: World, name: string): Promise<boolean> {
  try {
    await world.admin.getTenant(name);
    return false;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode === 404;
  }
}

describe('catalog module emr-on-eks-tenants', () => {
  it("adds an onboarded tenant's Resource from the tenant's events, without the schedule", async () => {
    const world = await start();
    const tenant = await onboard(world, tenantBody('team-a'));

    expect(world.catalog.entity('team-a')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-a',
        namespace: 'default',
        title: 'EMR on EKS tenant team-a',
        annotations: {
          'backstage.io/managed-by-location': `emr-on-eks:${world.apiBaseUrl}/tenants/team-a`,
          'backstage.io/managed-by-origin-location': `emr-on-eks:${world.apiBaseUrl}/tenants/team-a`,
          'emr-on-eks.spot-spark.io/tenant': 'team-a',
          'emr-on-eks.spot-spark.io/namespace': 'team-a',
          'emr-on-eks.spot-spark.io/cluster': 'shared',
          'emr-on-eks.spot-spark.io/region': 'us-east-1',
          'emr-on-eks.spot-spark.io/virtual-cluster-id':
            tenant.status.virtualClusterId,
        },
        links: [
          {
            url: `${APP_URL}/emr-on-eks?tenant=team-a`,
            title: 'EMR on EKS tenant page',
            type: 'emr-on-eks-tenant',
          },
        ],
      },
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
    });
    expect(tenant.status.virtualClusterId).toEqual(
      [...world.cluster.virtualClusterNamespaces.keys()][0],
    );
    // The schedule is there, global, with its defaults; it never ran here.
    expect(world.catalog.mutations.map(m => m.type)).not.toContain('full');
    const task: SchedulerServiceTaskScheduleDefinition & { scope?: string } =
      world.refreshTask();
    expect(task).toMatchObject({
      frequency: { minutes: 30 },
      timeout: { minutes: 3 },
      scope: 'global',
    });
  });

  it('changes the Resource when the description and the owner change', async () => {
    const world = await start();
    const tenant = await onboard(world, tenantBody('team-a'));

    await world.admin.updateTenant('team-a', {
      ...tenantBody('team-a', 'group:default/team-b'),
      description: 'Sales analytics, moved to team-b',
    });
    await until('the entity has the new description and owner', () => {
      const entity = world.catalog.entity('team-a');
      return (
        entity?.metadata.description === 'Sales analytics, moved to team-b' &&
        (entity.spec as { owner?: string }).owner === 'group:default/team-b'
      );
    });
    const after = await world.admin.getTenant('team-a');
    expect(after.generation).toBe(tenant.generation + 1);
    expect(
      world.catalog.entity('team-a')?.metadata.annotations?.[
        'emr-on-eks.spot-spark.io/virtual-cluster-id'
      ],
    ).toBe(tenant.status.virtualClusterId);
  });

  it("removes an offboarded tenant's Resource and leaves the other tenants'", async () => {
    const world = await start();
    await onboard(world, tenantBody('team-a'));
    await onboard(
      world,
      tenantBody('team-b', 'group:default/team-b'),
      world.bob,
    );
    const teamB = world.catalog.entity('team-b');

    await world.admin.deleteTenant('team-a');
    await until('team-a has no entity', () => !world.catalog.entity('team-a'));
    await until('team-a is gone', () => isGone(world, 'team-a'));

    expect(world.catalog.names()).toEqual(['team-b']);
    expect(world.catalog.entity('team-b')).toEqual(teamB);
    // Every removal named team-a's entity and nothing else.
    expect(new Set(removedRefs(world))).toEqual(
      new Set(['resource:default/team-a']),
    );
  });

  it('removes the Resource of a tenant whose offboarding is stuck, and a full refresh leaves it out', async () => {
    const world = await start();
    await onboard(world, tenantBody('team-a'));
    await onboard(world, tenantBody('team-g'));
    world.cluster.failing.add('virtualClusters.deleteVirtualCluster');

    await world.admin.deleteTenant('team-a');
    await until('team-a has no entity', () => !world.catalog.entity('team-a'));
    await until('the offboarding failed', () =>
      world.cluster.calls.includes('virtualClusters.deleteVirtualCluster'),
    );
    const stuck = await world.admin.getTenant('team-a');
    expect(stuck.status.phase).toBe('Deleting');

    await world.runRefresh();
    expect(lastFull(world)).toEqual(['team-g']);
    expect(world.catalog.names()).toEqual(['team-g']);
  });

  it('replaces every entity with every tenant, page by page, on the schedule', async () => {
    const world = await start();
    const names = ['team-a', 'team-d', 'team-e', 'team-f', 'team-g'];
    for (const name of names) {
      await onboard(world, tenantBody(name));
    }
    // What a catalog that missed the events would hold: one stale entity of
    // a tenant that does not exist, and none of the real ones.
    world.catalog.entities.clear();
    world.catalog.entities.set('resource:default/old-tenant', {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'old-tenant', namespace: 'default' },
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
    });

    await world.runRefresh();

    // Five tenants at two a page: all three pages were read.
    expect(lastFull(world)).toEqual(names);
    expect(world.catalog.names()).toEqual(names);
    for (const name of names) {
      const tenant = await world.admin.getTenant(name);
      expect(
        world.catalog.entity(name)?.metadata.annotations?.[
          'emr-on-eks.spot-spark.io/virtual-cluster-id'
        ],
      ).toBe(tenant.status.virtualClusterId);
    }
  });

  it('touches only the tenant an event names, as the backend has it, and ignores events naming no valid tenant', async () => {
    const world = await start();
    await onboard(world, tenantBody('team-a'));
    await onboard(
      world,
      tenantBody('team-b', 'group:default/team-b'),
      world.bob,
    );
    const before = new Map(world.catalog.entities);
    const publish = (eventPayload: unknown) =>
      world.events.publish({
        topic: EMR_ON_EKS_TENANT_EVENTS_TOPIC,
        eventPayload,
      });
    // Publishing delivers to this process's subscribers before it resolves.
    // (The tenants' own last events may still arrive meanwhile: they upsert
    // the same entities and remove nothing.)
    const count = world.catalog.mutations.length;

    // A tenant that does not exist: only its own (absent) entity is removed.
    await publish({ tenant: 'ghost', uid: 'x', change: 'removed' });
    expect(world.catalog.mutations.slice(count)).toContainEqual({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'resource:default/ghost',
          locationKey: 'emr-on-eks-tenants',
        },
      ],
    });
    expect(removedRefs(world, count)).toEqual(['resource:default/ghost']);
    // "removed" for a tenant that exists: the backend's word wins, it stays.
    await publish({ tenant: 'team-b', uid: 'x', change: 'removed' });
    expect(world.catalog.entities).toEqual(before);

    // Nothing for payloads that name no valid tenant: no entity removed or
    // changed.
    const valid = world.catalog.mutations.length;
    for (const payload of [
      undefined,
      'team-a',
      { tenant: 42 },
      { tenant: 'Team-A' },
      { tenant: '../team-a' },
      { tenant: 'team-a/../team-b' },
      { tenant: 'default' },
      { tenant: 'x'.repeat(64) },
    ]) {
      await publish(payload);
    }
    expect(removedRefs(world, valid)).toEqual([]);
    expect(world.catalog.entities).toEqual(before);
  });
});
