import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import type {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventParams } from '@backstage/plugin-events-node';
import {
  EmrOnEksApi,
  EMR_ON_EKS_TENANT_EVENTS_TOPIC,
  Tenant,
  tenantNameSchema,
} from '@spot-spark/plugin-emr-on-eks-common';
import { TenantEntityGuard } from './TenantEntityGuard';
import { tenantToEntity } from './tenantToEntity';

/** Name of the provider, and the location key of its entities. */
export const PROVIDER_NAME = 'emr-on-eks-tenants';

/**
 * Options of {@link EmrOnEksTenantEntityProvider.create}.
 *
 * @public
 */
export interface EmrOnEksTenantEntityProviderOptions {
  /**
   * Reads the tenants: the common `EmrOnEksClient` with credentials that may
   * read every tenant (the catalog's own service credentials).
   */
  client: Pick<EmrOnEksApi, 'listTenants' | 'getTenant'>;
  /** The base URL of the backend plugin's API, for the entities' location. */
  apiBaseUrl: () => Promise<string>;
  /** Catalog namespace of the entities. */
  namespace: string;
  /** Tenants per request of the full refresh (1-500). */
  pageSize: number;
  /** URL of the tenants page of the app, for the entities' link. */
  tenantsPageUrl?: string;
  /** Where refreshes and failures are told. */
  logger: LoggerService;
  /**
   * The catalog itself: a tenant's entity ref held by another source (a
   * registered location's Resource of the same name) is removed from it, so
   * that the tenant's own entity takes its place.
   */
  catalog: Pick<CatalogService, 'getEntitiesByRefs' | 'removeEntityByUid'>;
  /** The catalog's own service credentials, which may read and remove any entity. */
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
}

/**
 * Publishes every EMR on EKS tenant as a catalog Resource of type
 * `emr-virtual-cluster` (see {@link tenantToEntity}).
 * {@link EmrOnEksTenantEntityProvider.refresh} replaces all of them (at
 * start-up and on a schedule); {@link EmrOnEksTenantEntityProvider.onEvent}
 * updates or removes the one tenant an event names, read again from the
 * backend. A tenant being offboarded has no entity. A tenant's entity
 * wins over any other source of the same ref, whichever came first.
 *
 * @public
 */
export class EmrOnEksTenantEntityProvider implements EntityProvider {
  /** A provider; connect it with the catalog's processing extension point. */
  static create(
    options: EmrOnEksTenantEntityProviderOptions,
  ): EmrOnEksTenantEntityProvider {
    return new EmrOnEksTenantEntityProvider(options);
  }

  private connection?: EntityProviderConnection;
  /**
   * Mutations run one at a time, each from a read made after the previous one
   * was applied: an older read never overwrites a newer one in this process.
   */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly guard: TenantEntityGuard;

  private constructor(
    private readonly options: EmrOnEksTenantEntityProviderOptions,
  ) {
    this.guard = TenantEntityGuard.create(options);
  }

  /** {@inheritDoc @backstage/plugin-catalog-node#EntityProvider.getProviderName} */
  getProviderName(): string {
    return PROVIDER_NAME;
  }

  /** {@inheritDoc @backstage/plugin-catalog-node#EntityProvider.connect} */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /**
   * Replaces the provider's entities with every current tenant's, paging
   * through the tenant list. Nothing is applied unless every page was read
   * (a partial list would remove the entities of the tenants not read).
   */
  refresh(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.serially(async connection => {
      const tenants: Tenant[] = [];
      let cursor: string | undefined;
      do {
        options.signal?.throwIfAborted();
        const page = await this.options.client.listTenants({
          limit: this.options.pageSize,
          cursor,
        });
        tenants.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      options.signal?.throwIfAborted();
      const apiBaseUrl = await this.options.apiBaseUrl();
      const entities = tenants
        .filter(tenant => tenant.status.phase !== 'Deleting')
        .map(tenant => this.deferred(tenant, apiBaseUrl));
      await connection.applyMutation({ type: 'full', entities });
      await this.reclaim(entities, connection);
      this.options.logger.info(
        `Refreshed ${entities.length} EMR on EKS tenant entities`,
      );
    });
  }

  /**
   * Handles an event of `emr-on-eks.tenants`: reads the tenant it names and
   * upserts its entity, or removes the entity when the tenant is gone or
   * being offboarded. Only that tenant's entity is touched; an event that
   * names no valid tenant changes nothing. Failures are logged (the next
   * full refresh repairs what they left).
   */
  async onEvent(params: EventParams): Promise<void> {
    if (params.topic !== EMR_ON_EKS_TENANT_EVENTS_TOPIC) {
      return;
    }
    const payload = params.eventPayload as { tenant?: unknown } | undefined;
    const name = tenantNameSchema.safeParse(payload?.tenant);
    if (!name.success) {
      this.options.logger.warn(
        `Ignored an event on ${EMR_ON_EKS_TENANT_EVENTS_TOPIC} that names no valid tenant`,
      );
      return;
    }
    if (!this.connection) {
      // Not connected yet: the refresh at start-up reads every tenant anyway.
      return;
    }
    try {
      await this.serially(connection => this.updateOne(name.data, connection));
    } catch (error) {
      this.options.logger.warn(
        `Could not update the catalog entity of EMR on EKS tenant ${name.data}: ${error}`,
      );
    }
  }

  private async updateOne(name: string, connection: EntityProviderConnection) {
    const tenant = await this.findTenant(name);
    if (tenant && tenant.name !== name) {
      throw new Error(`asked for tenant ${name}, got ${tenant.name}`);
    }
    if (!tenant || tenant.status.phase === 'Deleting') {
      await connection.applyMutation({
        type: 'delta',
        added: [],
        removed: [
          {
            entityRef: stringifyEntityRef({
              kind: 'Resource',
              namespace: this.options.namespace,
              name,
            }),
            locationKey: PROVIDER_NAME,
          },
        ],
      });
      return;
    }
    const apiBaseUrl = await this.options.apiBaseUrl();
    const entity = this.deferred(tenant, apiBaseUrl);
    await connection.applyMutation({
      type: 'delta',
      added: [entity],
      removed: [],
    });
    await this.reclaim([entity], connection);
  }

  /**
   * The catalog refused any of `entities` whose ref another source held:
   * frees those refs and applies the entities again.
   */
  private async reclaim(
    entities: DeferredEntity[],
    connection: EntityProviderConnection,
  ) {
    const freed = await this.guard.reclaim(entities);
    if (freed.length > 0) {
      await connection.applyMutation({
        type: 'delta',
        added: freed,
        removed: [],
      });
    }
  }

  /** The tenant, or undefined when the backend answers 404. */
  private async findTenant(name: string): Promise<Tenant | undefined> {
    try {
      return await this.options.client.getTenant(name);
    } catch (error) {
      // By name and status: the client may hold another copy of the errors package.
      if (
        isError(error) &&
        error.name === 'ResponseError' &&
        (error as { statusCode?: number }).statusCode === 404
      ) {
        return undefined;
      }
      throw error;
    }
  }

  private deferred(tenant: Tenant, apiBaseUrl: string): DeferredEntity {
    return {
      locationKey: PROVIDER_NAME,
      entity: tenantToEntity(tenant, {
        namespace: this.options.namespace,
        apiBaseUrl,
        tenantsPageUrl: this.options.tenantsPageUrl,
      }),
    };
  }

  private serially(
    fn: (connection: EntityProviderConnection) => Promise<void>,
  ): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      return Promise.reject(
        new Error(`${PROVIDER_NAME} is not connected to the catalog yet`),
      );
    }
    const run = this.queue.then(() => fn(connection));
    this.queue = run.catch(() => undefined);
    return run;
  }
}
