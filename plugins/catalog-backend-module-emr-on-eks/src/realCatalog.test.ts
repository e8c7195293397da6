import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import type { EventParams } from '@backstage/plugin-events-node';
import { isTenantEntityFromEmrOnEks } from '@spot-spark/plugin-emr-on-eks-common';
import { PROVIDER_NAME } from './EmrOnEksTenantEntityProvider';
import { startCatalogWorld, TEAM_A } from './__testUtils__/catalogWorld';
import { until } from './__testUtils__/testCatalog';

/*
 * The module in Backstage's real catalog (see catalogWorld.ts): the catalog
 * connects the provider, processes the tenant's Resource (validation, the
 * ownedBy relation) and deletes it on offboarding, all from the tenant's
 * events; and a Resource a user registers under a tenant's name never keeps
 * it.
 */

jest.setTimeout(60_000);

/** What the catalog publishes when a location's entity finds its ref taken. */
const CATALOG_CONFLICTS_TOPIC = 'experimental.catalog.conflict';
interface ConflictPayload {
  entityRef: string;
  newLocationKey: string;
  existingLocationKey: string;
}

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'real-catalog-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The world with Backstage's catalog, and the conflicts the catalog reports. */
async function start() {
  const world = await startCatalogWorld({ catalog: 'backstage' });
  const conflicts: ConflictPayload[] = [];
  await world.events.subscribe({
    id: 'test-conflicts',
    topics: [CATALOG_CONFLICTS_TOPIC],
    onEvent: async (params: EventParams) => {
      conflicts.push(params.eventPayload as ConflictPayload);
    },
  });
  return { ...world, ...world.catalogApi, conflicts };
}

type World = Awaited<ReturnType<typeof start>>;

/** The tenant's Resource as the module publishes it, owned by the tenant's owner. */
const isTenantsOwn = (entity: Entity | undefined) =>
  entity !== undefined &&
  isTenantEntityFromEmrOnEks(entity) &&
  entity.spec?.owner === TEAM_A.owner &&
  (entity.relations ?? []).some(
    r => r.type === 'ownedBy' && r.targetRef === TEAM_A.owner,
  );

async function onboardTeamA(world: World) {
  await world.alice.createTenant(TEAM_A);
  await until("the catalog has tenant team-a's own Resource", async () =>
    isTenantsOwn(await world.readEntity()),
  );
}

/** A catalog file with a Resource named like tenant team-a, claimed by team-b. */
async function impostorFile() {
  const target = join(base, 'catalog-info.yaml');
  await writeFile(
    target,
    JSON.stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-a',
        annotations: { 'emr-on-eks.spot-spark.io/tenant': 'team-a' },
      },
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-b' },
    }),
  );
  return target;
}

/** Waits until the catalog refuses the file's Resource because the tenant's holds the ref. */
async function untilRefused(world: World, target: string) {
  await until(
    'the catalog reports the conflict of the registered Resource',
    async () =>
      world.conflicts.some(
        c =>
          c.entityRef === 'resource:default/team-a' &&
          c.existingLocationKey === PROVIDER_NAME &&
          c.newLocationKey === `file:${target}`,
      ),
  );
}

describe("the module in Backstage's catalog", () => {
  it('shows an onboarded tenant as a processed Resource and deletes it on offboarding', async () => {
    const world = await start();
    await world.alice.createTenant({
      ...TEAM_A,
      description: 'Sales analytics',
    });
    let entity: Entity | undefined;
    await until(
      'the catalog has the Resource of the onboarded tenant',
      async () => {
        entity = await world.readEntity();
        return Boolean(
          entity?.metadata.annotations?.[
            'emr-on-eks.spot-spark.io/virtual-cluster-id'
          ],
        );
      },
    );
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: { name: 'team-a', description: 'Sales analytics' },
      spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
    });

    await world.alice.deleteTenant('team-a');
    await until(
      'the catalog has no Resource of the offboarded tenant',
      async () => (await world.readEntity()) === undefined,
    );
  });

  it("replaces a Resource registered under a tenant's name before the tenant existed, and says so", async () => {
    const world = await start();
    const target = await impostorFile();
    const locationRef = await world.register(target);
    await until(
      'the registered Resource holds the name',
      async () =>
        (
          await world.readEntity()
        )?.metadata.annotations?.['backstage.io/managed-by-location'] ===
        `file:${target}`,
    );

    await onboardTeamA(world);
    expect(world.logLines).toContainEqual(
      expect.stringContaining(
        `warn Catalog entity resource:default/team-a came from file:${target}, not from EMR on EKS: removed it so that tenant team-a's own Resource takes its place. Remove it from file:${target}`,
      ),
    );

    // The registered location read again: refused, the tenant's stays.
    await world.refresh(locationRef);
    await untilRefused(world, target);
    expect(isTenantsOwn(await world.readEntity())).toBe(true);
  });

  it('refuses a Resource registered under the name of a tenant that exists, and the catalog logs it', async () => {
    const world = await start();
    await onboardTeamA(world);

    const target = await impostorFile();
    await world.register(target);
    await untilRefused(world, target);
    expect(world.logLines).toContainEqual(
      `warn Detected conflicting entityRef resource:default/team-a already referenced by ${PROVIDER_NAME} and now also file:${target}`,
    );
    expect(isTenantsOwn(await world.readEntity())).toBe(true);
  });
});
