import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  EventsService,
  eventsServiceFactory,
} from '@backstage/plugin-events-node';
import {
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  EmrOnEksClient,
} from '@spot-spark/plugin-emr-on-eks-common';
import eventsBackend from '@backstage/plugin-events-backend';
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
import {
  catalogStandIn,
  eventsHandle,
  RecordingCatalog,
  until,
} from './__testUtils__/testCatalog';

/*
 * The catalog in one backend, the emr-on-eks plugin in another: tenant
 * events cross from one process to the other through the event bus of
 * `@backstage/plugin-events-backend` (installed in the plugin's backend, in
 * its in-memory store on SQLite), as the README tells adopters who split
 * their backends.
 */

jest.setTimeout(30_000);

describe('catalog and emr-on-eks in separate backends', () => {
  it('gets every change through the events backend', async () => {
    const cluster = new MemoryCluster();
    let pluginSideEvents: EventsService | undefined;
    const pluginBackend = await startEmrOnEksBackendWith(
      // Long polls of the bus end after a second, so that stopping is quick.
      { ...testConfig(), events: { notifyTimeoutMs: 1000 } },
      {
        plugin: createEmrOnEksPlugin({ createGateways: () => cluster }),
        extraFeatures: [
          eventsServiceFactory,
          eventsBackend,
          eventsHandle(e => (pluginSideEvents = e)),
        ],
      },
    );
    const pluginBase = `http://localhost:${pluginBackend.server.port()}/api`;

    const catalog = new RecordingCatalog();
    await startTestBackend({
      features: [
        catalogStandIn(catalog),
        catalogModuleEmrOnEksTenants,
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://app.example.com' } },
        }),
        // Every plugin this backend calls (emr-on-eks, events) is in the other.
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => ({
            getBaseUrl: async (pluginId: string) => `${pluginBase}/${pluginId}`,
            getExternalBaseUrl: async (pluginId: string) =>
              `${pluginBase}/${pluginId}`,
          }),
        }),
        // The schedule is never run here: only events may bring the changes.
        mockServices.scheduler.mock({ async scheduleTask() {} }).factory,
      ],
    });

    // The bus keeps events only for subscriptions that exist when they are
    // published: wait until the catalog's subscription takes a probe event
    // (a tenant that does not exist, so the provider removes its entity).
    await until('the catalog receives events through the bus', async () => {
      await pluginSideEvents!.publish({
        topic: EMR_ON_EKS_TENANT_EVENTS_TOPIC,
        eventPayload: { tenant: 'probe', uid: 'probe', change: 'removed' },
      });
      return catalog.mutations.length > 0;
    });

    const alice = new EmrOnEksClient({
      discoveryApi: { getBaseUrl: async () => `${pluginBase}/emr-on-eks` },
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
    await alice.createTenant({ ...TEAM_A, description: 'Sales analytics' });
    await until('the catalog has the onboarded tenant', async () =>
      Boolean(
        catalog.entity('team-a')?.metadata.annotations?.[
          'emr-on-eks.spot-spark.io/virtual-cluster-id'
        ],
      ),
    );
    expect(catalog.entity('team-a')?.metadata.description).toBe(
      'Sales analytics',
    );

    await alice.deleteTenant('team-a');
    await until(
      'the catalog has no entity of the offboarded tenant',
      async () => !catalog.entity('team-a'),
    );
    expect(catalog.mutations.map(m => m.type)).not.toContain('full');
  });
});
