import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  entityEnvelopeSchemaValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
  CatalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';

/**
 * The entities a provider's mutations leave in the catalog, by the catalog's
 * rules (a full mutation replaces the provider's entities, a delta adds and
 * removes by ref), and every mutation.
 */
export class RecordingCatalog {
  readonly providers: EntityProvider[] = [];
  readonly entities = new Map<string, Entity>();
  readonly mutations: EntityProviderMutation[] = [];
  private readonly validate = entityEnvelopeSchemaValidator();

  readonly extensionPoint: CatalogProcessingExtensionPoint = {
    addEntityProvider: (...providers) => {
      this.providers.push(...providers.flat());
    },
    addProcessor() {},
    addPlaceholderResolver() {},
    setOnProcessingErrorHandler() {},
  };

  readonly connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      this.mutations.push(mutation);
      if (mutation.type === 'full') {
        this.entities.clear();
        mutation.entities.forEach(({ entity }) => this.put(entity));
        return;
      }
      for (const removed of mutation.removed) {
        this.entities.delete(
          'entityRef' in removed
            ? removed.entityRef
            : stringifyEntityRef(removed.entity),
        );
      }
      mutation.added.forEach(({ entity }) => this.put(entity));
    },
    refresh: async () => {},
  };

  /** The Resource of a tenant in the default namespace. */
  entity(name: string): Entity | undefined {
    return this.entities.get(`resource:default/${name}`);
  }

  /** Names of the entities held, sorted. */
  names(): string[] {
    return [...this.entities.values()].map(e => e.metadata.name).sort();
  }

  private put(entity: Entity) {
    this.validate(entity); // throws, as the catalog's connection does
    this.entities.set(stringifyEntityRef(entity), entity);
  }
}

/**
 * The catalog plugin reduced to its processing extension point: it connects
 * the providers modules add to the recording catalog when it starts.
 */
export function catalogStandIn(catalog: RecordingCatalog) {
  return createBackendPlugin({
    pluginId: 'catalog',
    register(env) {
      env.registerExtensionPoint(
        catalogProcessingExtensionPoint,
        catalog.extensionPoint,
      );
      env.registerInit({
        deps: {},
        async init() {
          for (const provider of catalog.providers) {
            await provider.connect(catalog.connection);
          }
        },
      });
    },
  });
}

/** Polls until `condition` holds; bounded, so that a miss fails the test. */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
) {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/** A plugin that hands its events service to the test, to publish with. */
export function eventsHandle(receive: (events: EventsService) => void) {
  return createBackendPlugin({
    pluginId: 'test-events',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          receive(events);
        },
      });
    },
  });
}

/** What a {@link recordingRootLogger} was told, one `<level> <message>` a line. */
export type LogLines = string[];

/** A logger keeping every line in `lines`, children included (and printing nothing). */
export function recordingLogger(lines: LogLines): LoggerService {
  type Meta = Parameters<LoggerService['child']>[0];
  const record = (level: string) => (message: string, extra?: Error | Meta) => {
    lines.push(`${level} ${message}`);
    if (extra instanceof Error) {
      lines.push(`${level} ${extra}`);
    }
  };
  const logger: LoggerService = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    child: () => logger,
  };
  return logger;
}

/** The backend's root logger as a {@link recordingLogger}. */
export function recordingRootLogger(lines: LogLines) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => recordingLogger(lines),
  });
}

/**
 * A catalog module letting users register `file` locations besides `url`
 * ones, so a test can register a catalog file of its own.
 */
export const fileLocationsModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});
