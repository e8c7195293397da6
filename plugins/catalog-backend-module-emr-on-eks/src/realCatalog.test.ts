import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  EventParams,
  EventsService,
  eventsServiceFactory,
} from '@backstage/plugin-events-node';
import catalogBackend from '@backstage/plugin-catalog-backend';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import {
  EmrOnEksClient,
  isTenantEntityFromEmrOnEks,
} from '@spot-spark/plugin-emr-on-eks-common';
/* eslint-disable @backstage/no-relative-monorepo-imports --
 * The backend plugin's own test world (the real plugin, permission backend
 * and policy, in-memory cloud): its package exports only the plugin. */
import {
  TEAM_A,
  testConfig,
} from '../../emr-on-eks-backend/src/__testUtils__/fixtures';
import { MemoryCluster } from '../../emr-on-eks-backend/src/__testUtils__/memoryGateways';
import {
  startEmrOnEksBackendWith,
  USERS,
} from '../../emr-on-eks-backend/src/__testUtils__/testBackend';
import { createEmrOnEksPlugin } from '../../emr-on-eks-backend/src/plugin';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import catalogModuleEmrOnEksTenants from './index';
import { PROVIDER_NAME } from './EmrOnEksTenantEntityProvider';
import {
  eventsHandle,
  fileLocationsModule,
  LogLines,
  recordingRootLogger,
  until,
} from './__testUtils__/testCatalog';

/*
 * The module in Backstage's real catalog: the catalog connects the provider,
 * processes the tenant's Resource (validation, the ownedBy relation) and
 * deletes it on offboarding, all from the tenant's events; and a Resource a
 * user registers under a tenant's name never keeps it.
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

async function start() {
  const cluster = new MemoryCluster();
  const logLines: LogLines = [];
  let events: EventsService | undefined;
  const backend = await startEmrOnEksBackendWith(
    {
      ...testConfig(),
      app: { baseUrl: 'http://app.example.com' },
      catalog: {
        processingInterval: { seconds: 1 },
        // An adopter's catalog whose locations may hold Resources
        // (databases, buckets), as many do.
        rules: [{ allow: ['Component', 'API', 'Location', 'Resource'] }],
      },
    },
    {
      plugin: createEmrOnEksPlugin({ createGateways: () => cluster }),
      // The module reads and writes the real catalog through its REST API.
      catalogService: 'default',
      extraFeatures: [
        eventsServiceFactory,
        catalogBackend,
        catalogModuleEmrOnEksTenants,
        fileLocationsModule,
        recordingRootLogger(logLines),
        eventsHandle(e => (events = e)),
      ],
    },
  );
  const conflicts: ConflictPayload[] = [];
  await events!.subscribe({
    id: 'test-conflicts',
    topics: [CATALOG_CONFLICTS_TOPIC],
    onEvent: async (params: EventParams) => {
      conflicts.push(params.eventPayload as ConflictPayload);
    },
  });
  const api = `http://localhost:${backend.server.port()}/api`;
  const asAdmin = {
    Authorization: mockCredentials.user.header(USERS.admin),
    'Content-Type': 'application/json',
  };
  const alice = new EmrOnEksClient({
    discoveryApi: { getBaseUrl: async () => `${api}/emr-on-eks` },
    fetchApi: {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            Authorization: mockCredentials.user.header(USERS.alice),
          },
        }),
    },
  });
  return {
    backend,
    alice,
    logLines,
    conflicts,
    async readEntity(ref = 'resource/default/team-a') {
      const res = await fetch(`${api}/catalog/entities/by-name/${ref}`, {
        headers: asAdmin,
      });
      return res.status === 200 ? ((await res.json()) as Entity) : undefined;
    },
    /** Registers a catalog file, as a user of the catalog's API may; its Location entity's ref. */
    async register(target: string) {
      const res = await fetch(`${api}/catalog/locations`, {
        method: 'POST',
        headers: asAdmin,
        body: JSON.stringify({ type: 'file', target }),
      });
      expect(res.status).toBe(201);
      return `location:default/${locationSpecToMetadataName({
        type: 'file',
        target,
      })}`;
    },
    /** Asks the catalog to read a location again now. */
    async refresh(entityRef: string) {
      const res = await fetch(`${api}/catalog/refresh`, {
        method: 'POST',
        headers: asAdmin,
        body: JSON.stringify({ entityRef }),
      });
      expect(res.status).toBe(200);
    },
  };
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
