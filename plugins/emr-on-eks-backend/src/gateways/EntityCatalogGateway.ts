import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** What the catalog says about an entity a job run is attributed to. */
export type EntityLookup =
  /** No catalog is installed or reachable: entity refs cannot be checked. */
  | { kind: 'no-catalog' }
  /** No such entity, or the caller may not see it. */
  | { kind: 'missing' }
  /** The entity, with the tenant its annotation names (if any). */
  | { kind: 'found'; tenant?: string };

/**
 * The software catalog, asked with the caller's credentials, so an entity
 * the caller may not see counts as missing.
 */
export interface EntityCatalogGateway {
  lookup(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityLookup>;
}

/** {@link EntityCatalogGateway} on Backstage's catalog service. */
export class BackstageEntityCatalogGateway implements EntityCatalogGateway {
  private available: boolean | undefined;

  constructor(
    private readonly catalog: CatalogService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Whether a catalog answers, asked once every plugin has started (a
   * missing catalog plugin answers 404 to every call, which would read as
   * "no such entity" for each lookup).
   */
  async probe(credentials: BackstageCredentials): Promise<boolean> {
    try {
      await this.catalog.getEntities({ limit: 1 }, { credentials });
      this.available = true;
    } catch (error) {
      this.available = false;
      this.logger.warn(
        `No software catalog answered (${error}): job runs' entityRef is checked only for its form, so a run can be attributed to any entity. Install the catalog backend to check that entityRef names an entity with the annotation ${ANNOTATION_EMR_ON_EKS_TENANT} of the run's tenant.`,
      );
    }
    return this.available;
  }

  async lookup(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityLookup> {
    if (this.available === false) {
      return { kind: 'no-catalog' };
    }
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      return { kind: 'missing' };
    }
    return {
      kind: 'found',
      tenant: entity.metadata.annotations?.[ANNOTATION_EMR_ON_EKS_TENANT],
    };
  }
}
