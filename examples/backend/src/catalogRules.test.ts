import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  CatalogService,
  catalogServiceRef,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { parse as parseYaml } from 'yaml';
import { localFileLocationsCatalogModule } from './localPublish';

/*
 * The catalog rules of the app-config.yaml that adopters copy, in
 * Backstage's real catalog: who may register a location must not be able to
 * add users or groups (group membership is what the permission policy
 * trusts), nor Resources (the tenants' names belong to the EMR on EKS
 * module). As in the example, registered locations may be files
 * (localPublish.enabled), and every signed-in user may register one.
 */

jest.setTimeout(60_000);

/** examples/backend: the working directory the config's paths are relative to. */
const BACKEND_DIR = resolve(__dirname, '..');
const MALLORY = mockCredentials.user('user:default/mallory');

/** The `catalog` section of the root app-config.yaml, file paths made absolute. */
async function exampleCatalogConfig() {
  const appConfig = parseYaml(
    await readFile(join(BACKEND_DIR, '../../app-config.yaml'), 'utf8'),
  );
  const catalog = appConfig.catalog;
  return {
    localPublishEnabled: appConfig.localPublish.enabled as boolean,
    catalog: {
      ...catalog,
      // Resolved here as the backend resolves them from its working
      // directory, whatever directory the tests run from.
      locations: catalog.locations.map(
        (location: { type: string; target: string }) =>
          location.type === 'file'
            ? { ...location, target: resolve(BACKEND_DIR, location.target) }
            : location,
      ),
    },
  };
}

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'catalog-rules-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The real catalog on the example's rules, processing every second. */
async function startCatalog() {
  const { catalog, localPublishEnabled } = await exampleCatalogConfig();
  let service: CatalogService | undefined;
  const probe = createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { catalogService: catalogServiceRef },
        async init({ catalogService }) {
          service = catalogService;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      localFileLocationsCatalogModule,
      probe,
      mockServices.rootConfig.factory({
        data: {
          localPublish: {
            enabled: localPublishEnabled,
            directory: join(base, 'git'),
          },
          catalog: { ...catalog, processingInterval: { seconds: 1 } },
        },
      }),
    ],
  });
  return { backend, catalog: service! };
}

/** A YAML file of entities in the temporary directory. */
async function entitiesFile(name: string, entities: object[]) {
  const path = join(base, name);
  await writeFile(
    path,
    entities.map(entity => JSON.stringify(entity)).join('\n---\n'),
  );
  return path;
}

const component = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: { 'emr-on-eks.spot-spark.io/tenant': 'team-a' },
  },
  spec: {
    type: 'spark-job',
    lifecycle: 'experimental',
    owner: 'group:default/team-a',
    dependsOn: ['resource:default/team-a'],
  },
});
const platformUser = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'mallory' },
  spec: { memberOf: ['platform'] },
};
const platformGroup = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'platform' },
  spec: { type: 'team', children: [], members: ['mallory'] },
};
const tenantResource = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'team-a' },
  spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-b' },
};

/** Polls until `condition` holds; bounded, so that a miss fails the test. */
async function until(what: string, condition: () => Promise<boolean>) {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise(resolvePoll => setTimeout(resolvePoll, 50));
  }
}

describe("the example's catalog rules", () => {
  it.each([
    [
      'a User who is a member of platform',
      [platformUser],
      'user:default/mallory',
    ],
    [
      'a Group platform with mallory in it',
      [platformGroup],
      'group:default/platform',
    ],
    [
      "a Resource with a tenant's name",
      [tenantResource],
      'resource:default/team-a',
    ],
  ])('refuses a registered location with %s', async (_what, entities, ref) => {
    const { backend, catalog } = await startCatalog();
    try {
      const target = await entitiesFile('catalog-info.yaml', entities);
      await expect(
        catalog.addLocation(
          { type: 'file', target, dryRun: true },
          { credentials: MALLORY },
        ),
      ).rejects.toMatchObject({
        body: {
          error: {
            name: 'InputError',
            message: expect.stringContaining(
              `Entity ${ref} at file:${target}, originated at file:${target}, is not of an allowed kind for that location`,
            ),
          },
        },
      });
    } finally {
      await backend.stop();
    }
  });

  it('refuses a User behind a Location in a registered location: the rules look at where it started', async () => {
    const { backend, catalog } = await startCatalog();
    try {
      const users = await entitiesFile('users.yaml', [platformUser]);
      const target = await entitiesFile('catalog-info.yaml', [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Location',
          metadata: { name: 'more' },
          spec: { type: 'file', target: users },
        },
      ]);
      await expect(
        catalog.addLocation(
          { type: 'file', target, dryRun: true },
          { credentials: MALLORY },
        ),
      ).rejects.toMatchObject({
        body: {
          error: {
            message: expect.stringContaining(
              `Entity user:default/mallory at file:${target}, originated at file:${target}, is not of an allowed kind`,
            ),
          },
        },
      });
    } finally {
      await backend.stop();
    }
  });

  it("accepts the Spark template's catalog-info.yaml, a Component", async () => {
    const { backend, catalog } = await startCatalog();
    try {
      const target = await entitiesFile('catalog-info.yaml', [
        component('daily-sales-v2'),
      ]);
      const preview = await catalog.addLocation(
        { type: 'file', target, dryRun: true },
        { credentials: MALLORY },
      );
      expect(
        preview.entities.map(
          entity => `${entity.kind}:${entity.metadata.name}`,
        ),
      ).toContain('Component:daily-sales-v2');
    } finally {
      await backend.stop();
    }
  });

  it('keeps users and groups of org.yaml, and no User a registered location adds ever becomes a member', async () => {
    const { backend, catalog } = await startCatalog();
    const read = (ref: string) =>
      catalog.getEntityByRef(ref, { credentials: MALLORY });
    try {
      // The organisation of the config: users and their groups.
      let alice: Entity | undefined;
      await until('alice of org.yaml is in the catalog', async () => {
        alice = await read('user:default/alice');
        return alice !== undefined;
      });
      expect(alice!.relations).toEqual(
        expect.arrayContaining([
          { type: 'memberOf', targetRef: 'group:default/team-a' },
        ]),
      );

      // Registered, and read: a Component is accepted.
      const target = await entitiesFile('catalog-info.yaml', [
        component('mallorys-job'),
      ]);
      await catalog.addLocation(
        { type: 'file', target },
        { credentials: MALLORY },
      );
      await until(
        'the registered Component is in the catalog',
        async () =>
          (await read('component:default/mallorys-job')) !== undefined,
      );

      // The same location now also says mallory is in platform.
      await entitiesFile('catalog-info.yaml', [
        component('mallorys-job'),
        platformUser,
      ]);
      const locationRef = `location:default/${locationSpecToMetadataName({
        type: 'file',
        target,
      })}`;
      await catalog.refreshEntity(locationRef, { credentials: MALLORY });
      await until(
        'the catalog reports the refused User on the location',
        async () =>
          (
            ((await read(locationRef)) as AlphaEntity | undefined)?.status
              ?.items ?? []
          ).some(
            item =>
              item.message.includes('user:default/mallory at file:') &&
              item.message.includes('is not of an allowed kind'),
          ),
      );
      expect(await read('user:default/mallory')).toBeUndefined();
      const platform = await read('group:default/platform');
      expect(platform?.relations ?? []).not.toContainEqual({
        type: 'hasMember',
        targetRef: 'user:default/mallory',
      });
      expect(platform?.relations).toEqual(
        expect.arrayContaining([
          { type: 'hasMember', targetRef: 'user:default/admin' },
        ]),
      );
    } finally {
      await backend.stop();
    }
  });
});
