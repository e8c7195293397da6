import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import catalogBackend from '@backstage/plugin-catalog-backend';
import { EmrOnEksClient } from '@spot-spark/plugin-emr-on-eks-common';
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
import { until } from './__testUtils__/testCatalog';

/*
 * The module in Backstage's real catalog: the catalog connects the provider,
 * processes the tenant's Resource (validation, the ownedBy relation) and
 * deletes it on offboarding, all from the tenant's events.
 */

jest.setTimeout(30_000);

describe("the module in Backstage's catalog", () => {
  it('shows an onboarded tenant as a processed Resource and deletes it on offboarding', async () => {
    const cluster = new MemoryCluster();
    const backend = await startEmrOnEksBackendWith(
      {
        ...testConfig(),
        app: { baseUrl: 'http://app.example.com' },
        catalog: { processingInterval: { seconds: 1 } },
      },
      {
        plugin: createEmrOnEksPlugin({ createGateways: () => cluster }),
        extraFeatures: [
          eventsServiceFactory,
          catalogBackend,
          catalogModuleEmrOnEksTenants,
        ],
      },
    );
    const api = `http://localhost:${backend.server.port()}/api`;
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
    const readEntity = async () => {
      const res = await fetch(
        `${api}/catalog/entities/by-name/resource/default/team-a`,
        {
          headers: { Authorization: mockCredentials.user.header(USERS.admin) },
        },
      );
      return res.status === 200 ? ((await res.json()) as Entity) : undefined;
    };

    await alice.createTenant({ ...TEAM_A, description: 'Sales analytics' });
    let entity: Entity | undefined;
    await until(
      'the catalog has the Resource of the onboarded tenant',
      async () => {
        entity = await readEntity();
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

    await alice.deleteTenant('team-a');
    await until(
      'the catalog has no Resource of the offboarded tenant',
      async () => (await readEntity()) === undefined,
    );
  });
});
