/*
 * The one world of the module's backend tests: the real emr-on-eks backend
 * plugin (permission backend and policy, SQLite, in-memory cloud) in a test
 * backend with Backstage's events service (one in-process bus for every
 * plugin, instead of the test backend's separate mock per plugin), this
 * module, and a catalog:
 *
 * - `stand-in`: in the same backend, the catalog reduced to its processing
 *   extension point, recording what the provider's mutations leave;
 * - `backstage`: in the same backend, Backstage's real catalog, read and
 *   written through its REST API;
 * - `separate-backend`: the stand-in in a second backend, which reaches the
 *   plugin's backend through discovery and its events through the event bus
 *   of `@backstage/plugin-events-backend`, as adopters who split their
 *   backends run it.
 *
 * The module's scheduled refresh is captured, never run unless a test runs it.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogBackend from '@backstage/plugin-catalog-backend';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import eventsBackend from '@backstage/plugin-events-backend';
import {
  EventsService,
  eventsServiceFactory,
} from '@backstage/plugin-events-node';
import type { JsonObject } from '@backstage/types';
import {
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  EmrOnEksClient,
} from '@spot-spark/plugin-emr-on-eks-common';
/* eslint-disable @backstage/no-relative-monorepo-imports --
 * The backend plugin's own test world (the real plugin, permission backend
 * and policy, in-memory cloud): its package exports only the plugin. */
import {
  TEAM_A,
  testConfig,
} from '../../../emr-on-eks-backend/src/__testUtils__/fixtures';
import { MemoryCluster } from '../../../emr-on-eks-backend/src/__testUtils__/memoryGateways';
import {
  ScheduledTask,
  startEmrOnEksBackendWith,
  USERS,
} from '../../../emr-on-eks-backend/src/__testUtils__/testBackend';
import { createEmrOnEksPlugin } from '../../../emr-on-eks-backend/src/plugin';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import { PROVIDER_NAME } from '../EmrOnEksTenantEntityProvider';
import catalogModuleEmrOnEksTenants from '../index';
import {
  catalogStandIn,
  eventsHandle,
  fileLocationsModule,
  LogLines,
  RecordingCatalog,
  recordingRootLogger,
  until,
} from './testCatalog';

export { TEAM_A, USERS };

/** `app.baseUrl` of every backend of the world. */
export const APP_URL = 'http://app.example.com';
/** Id of the module's scheduled full refresh. */
export const REFRESH_TASK = `${PROVIDER_NAME}-refresh`;

/** Which catalog the world runs (see the top of this file). */
export type CatalogKind = 'stand-in' | 'backstage' | 'separate-backend';

/** What every world has. */
export interface BaseCatalogWorld {
  /** The in-memory cloud behind the plugin. */
  cluster: MemoryCluster;
  /** The base URL of the plugin's REST API. */
  apiBaseUrl: string;
  /** The plugin's REST API as each test user, through the common client. */
  admin: EmrOnEksClient;
  alice: EmrOnEksClient;
  bob: EmrOnEksClient;
  /** The events service of the plugin's backend, to publish with. */
  events: EventsService;
  /** Every line the plugin's backend logged, the catalog's included. */
  logLines: LogLines;
  /** The module's scheduled full refresh, as given to the scheduler. */
  refreshTask(): ScheduledTask;
  /** Runs the module's full refresh once, as the scheduler would. */
  runRefresh(): Promise<void>;
}

/** A world whose catalog records the provider's mutations. */
export interface RecordingCatalogWorld extends BaseCatalogWorld {
  catalog: RecordingCatalog;
}

/** Backstage's catalog REST API, as the admin. */
export interface CatalogApiAsAdmin {
  /** The entity by `kind/namespace/name`, or undefined when there is none. */
  readEntity(ref?: string): Promise<Entity | undefined>;
  /** Registers a catalog file, as a user of the catalog's API may; its Location entity's ref. */
  register(target: string): Promise<string>;
  /** Asks the catalog to read a location again now. */
  refresh(entityRef: string): Promise<void>;
}

/** A world with Backstage's catalog. */
export interface BackstageCatalogWorld extends BaseCatalogWorld {
  catalogApi: CatalogApiAsAdmin;
}

export type CatalogWorld<K extends CatalogKind> = K extends 'backstage'
  ? BackstageCatalogWorld
  : RecordingCatalogWorld;

/** The options of {@link startCatalogWorld}. */
export interface CatalogWorldOptions<K extends CatalogKind> {
  catalog: K;
  /** `catalog.providers.emrOnEks` of the backend that runs the module. */
  provider?: JsonObject;
}

/** The plugin's REST API as `user`, with the mock user token. */
function clientAs(apiBaseUrl: string, user: string): EmrOnEksClient {
  return new EmrOnEksClient({
    discoveryApi: { getBaseUrl: async () => apiBaseUrl },
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
}

/** Starts a world with the given catalog; see the top of this file. */
export async function startCatalogWorld<K extends CatalogKind>(
  options: CatalogWorldOptions<K>,
): Promise<CatalogWorld<K>> {
  const kind: CatalogKind = options.catalog;
  const cluster = new MemoryCluster();
  const logLines: LogLines = [];
  const recording = new RecordingCatalog();
  const providerConfig: JsonObject = options.provider
    ? { providers: { emrOnEks: options.provider } }
    : {};
  let events: EventsService | undefined;

  // What runs beside the plugin, besides the events service.
  const besideThePlugin = {
    'stand-in': [catalogStandIn(recording), catalogModuleEmrOnEksTenants],
    backstage: [
      catalogBackend,
      catalogModuleEmrOnEksTenants,
      fileLocationsModule,
    ],
    // The catalog's events reach it through the bus of the events backend.
    'separate-backend': [eventsBackend],
  }[kind];
  const backend = await startEmrOnEksBackendWith(
    kind === 'separate-backend'
      ? // Long polls of the bus end after a second, so that stopping is quick.
        { ...testConfig(), events: { notifyTimeoutMs: 1000 } }
      : {
          ...testConfig(),
          app: { baseUrl: APP_URL },
          catalog:
            kind === 'backstage'
              ? {
                  ...providerConfig,
                  processingInterval: { seconds: 1 },
                  // An adopter's catalog whose locations may hold Resources
                  // (databases, buckets), as many do.
                  rules: [
                    { allow: ['Component', 'API', 'Location', 'Resource'] },
                  ],
                }
              : providerConfig,
        },
    {
      plugin: createEmrOnEksPlugin({ createGateways: () => cluster }),
      // The module reads and writes the real catalog through its REST API.
      catalogService: kind === 'backstage' ? 'default' : 'mock',
      extraFeatures: [
        eventsServiceFactory,
        recordingRootLogger(logLines),
        eventsHandle(e => (events = e)),
        ...besideThePlugin,
      ],
    },
  );
  const api = `http://localhost:${backend.server.port()}/api`;
  const apiBaseUrl = `${api}/emr-on-eks`;

  let scheduledTasks = backend.scheduledTasks;
  if (kind === 'separate-backend') {
    scheduledTasks = await startCatalogBackend({
      catalog: recording,
      pluginApi: api,
      config: { catalog: providerConfig },
    });
    await untilEventsCross(events!, recording);
  }

  const refreshTask = () => {
    const task = scheduledTasks.find(t => t.id === REFRESH_TASK);
    if (!task) {
      throw new Error(`no task ${REFRESH_TASK} was scheduled`);
    }
    return task;
  };
  const world: BaseCatalogWorld = {
    cluster,
    apiBaseUrl,
    admin: clientAs(apiBaseUrl, USERS.admin),
    alice: clientAs(apiBaseUrl, USERS.alice),
    bob: clientAs(apiBaseUrl, USERS.bob),
    events: events!,
    logLines,
    refreshTask,
    runRefresh: () =>
      Promise.resolve(refreshTask().fn(new AbortController().signal)),
  };
  return (
    kind === 'backstage'
      ? { ...world, catalogApi: catalogApiAsAdmin(api) }
      : { ...world, catalog: recording }
  ) as CatalogWorld<K>;
}

/**
 * The second backend of `separate-backend`: the stand-in catalog and the
 * module, every plugin it calls (emr-on-eks, events) in the plugin's backend.
 * Returns the tasks given to its scheduler, never run.
 */
async function startCatalogBackend(options: {
  catalog: RecordingCatalog;
  pluginApi: string;
  config: JsonObject;
}): Promise<ScheduledTask[]> {
  const scheduledTasks: ScheduledTask[] = [];
  await startTestBackend({
    features: [
      catalogStandIn(options.catalog),
      catalogModuleEmrOnEksTenants,
      eventsServiceFactory,
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: APP_URL }, ...options.config },
      }),
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => ({
          getBaseUrl: async (pluginId: string) =>
            `${options.pluginApi}/${pluginId}`,
          getExternalBaseUrl: async (pluginId: string) =>
            `${options.pluginApi}/${pluginId}`,
        }),
      }),
      mockServices.scheduler.mock({
        async scheduleTask(task: ScheduledTask) {
          scheduledTasks.push(task);
        },
      }).factory,
    ],
  });
  return scheduledTasks;
}

/**
 * The bus keeps events only for subscriptions that exist when they are
 * published: waits until the catalog's subscription takes a probe event (a
 * tenant that does not exist, so the provider removes its entity).
 */
async function untilEventsCross(
  pluginSideEvents: EventsService,
  catalog: RecordingCatalog,
) {
  await until('the catalog receives events through the bus', async () => {
    await pluginSideEvents.publish({
      topic: EMR_ON_EKS_TENANT_EVENTS_TOPIC,
      eventPayload: { tenant: 'probe', uid: 'probe', change: 'removed' },
    });
    return catalog.mutations.length > 0;
  });
}

/** Backstage's catalog REST API at `api`, as the admin. */
function catalogApiAsAdmin(api: string): CatalogApiAsAdmin {
  const asAdmin = {
    Authorization: mockCredentials.user.header(USERS.admin),
    'Content-Type': 'application/json',
  };
  return {
    async readEntity(ref = 'resource/default/team-a') {
      const res = await fetch(`${api}/catalog/entities/by-name/${ref}`, {
        headers: asAdmin,
      });
      return res.status === 200 ? ((await res.json()) as Entity) : undefined;
    },
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
