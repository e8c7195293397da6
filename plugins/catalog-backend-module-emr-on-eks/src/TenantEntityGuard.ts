import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type {
  CatalogService,
  DeferredEntity,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_EMR_ON_EKS_TENANT,
  isTenantEntityFromEmrOnEks,
} from '@spot-spark/plugin-emr-on-eks-common';

/** Options of {@link TenantEntityGuard.create}. */
export interface TenantEntityGuardOptions {
  /** The catalog, read and written with the catalog's own service credentials. */
  catalog: Pick<CatalogService, 'getEntitiesByRefs' | 'removeEntityByUid'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  logger: LoggerService;
}

/**
 * Keeps the tenants' entity refs for the tenants' own entities.
 *
 * The catalog keeps the first source of an entity ref and refuses the others
 * (logging "conflicting entityRef"). So a Resource registered under a
 * tenant's name before the tenant was onboarded (or while it was being
 * re-onboarded) would keep the name, with an owner of the registrant's
 * choosing, and the tenant's own Resource would never appear. After each
 * mutation the provider hands its entities here: any of their refs held by
 * another source is freed (that entity removed), so that the provider can
 * apply its own again; from then on the catalog refuses the other source's
 * entity, since the provider's holds the ref.
 */
export class TenantEntityGuard {
  static create(options: TenantEntityGuardOptions): TenantEntityGuard {
    return new TenantEntityGuard(options);
  }

  private constructor(private readonly options: TenantEntityGuardOptions) {}

  /**
   * Frees the refs of `entities` that another source holds, logging each;
   * returns the entities whose ref was freed, to be applied again. A catalog
   * that cannot be asked frees nothing (logged; the next refresh tries
   * again).
   */
  async reclaim(entities: DeferredEntity[]): Promise<DeferredEntity[]> {
    if (entities.length === 0) {
      return [];
    }
    const { catalog, auth, logger } = this.options;
    let credentials;
    let held;
    try {
      credentials = await auth.getOwnServiceCredentials();
      ({ items: held } = await catalog.getEntitiesByRefs(
        {
          entityRefs: entities.map(({ entity }) => stringifyEntityRef(entity)),
          fields: ['kind', 'metadata'],
        },
        { credentials },
      ));
    } catch (error) {
      logger.warn(
        `Could not check whether another catalog source holds a tenant's entity ref (${error}); the next refresh tries again`,
      );
      return [];
    }
    const freed: DeferredEntity[] = [];
    for (const [index, other] of held.entries()) {
      if (!other || isTenantEntityFromEmrOnEks(other)) {
        continue;
      }
      const ours = entities[index];
      const ref = stringifyEntityRef(ours.entity);
      const tenant =
        ours.entity.metadata.annotations?.[ANNOTATION_EMR_ON_EKS_TENANT];
      const source =
        other.metadata.annotations?.[ANNOTATION_LOCATION] ??
        'an unknown source';
      try {
        // Every entity the catalog returns has a uid; the type says maybe.
        await catalog.removeEntityByUid(other.metadata.uid!, { credentials });
      } catch (error) {
        logger.warn(
          `Catalog entity ${ref} comes from ${source}, not from EMR on EKS, and could not be removed (${error}): tenant ${tenant}'s Resource cannot take its place until it is. Remove it from ${source}.`,
        );
        continue;
      }
      logger.warn(
        `Catalog entity ${ref} came from ${source}, not from EMR on EKS: removed it so that tenant ${tenant}'s own Resource takes its place. Remove it from ${source}; until then the catalog reports it there as a conflict.`,
      );
      freed.push(ours);
    }
    return freed;
  }
}
