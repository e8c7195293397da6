import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { isError, ServiceUnavailableError } from '@backstage/errors';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** What the catalog says about an entity a job run is attributed to. */
export type EntityLookup =
  /**
   * No catalog plugin is installed (the catalog's API answers 404):
   * entity refs cannot be checked.
   */
  | { kind: 'no-catalog' }
  /** No such entity, or the caller may not see it. */
  | { kind: 'missing' }
  /** The entity, with the tenant its annotation names (if any). */
  | { kind: 'found'; tenant?: string; owners?: string[] };

/**
 * The software catalog, asked with the caller's credentials, so an entity
 * the caller may not see counts as missing. A catalog that cannot be asked
 * (unreachable, failing) is a `ServiceUnavailableError`, never an answer.
 */
export interface EntityCatalogGateway {
  lookup(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityLookup>;
  /**
   * The refs of the catalog's groups called by each of the names (any
   * namespace, any case), asked with the plugin's own credentials: whether a
   * name is a team's is the platform's question, not the caller's view.
   * None when no catalog is installed.
   */
  groupsNamed(
    names: string[],
    credentials: BackstageCredentials,
  ): Promise<Record<string, string[]>>;
}

/** What a probe of the catalog found. */
export type CatalogProbe = 'installed' | 'not-installed' | 'unreachable';

/** A 404 of the catalog's API: no catalog plugin at the discovered URL. */
function isNotFound(error: unknown): boolean {
  // By name and status: the client may hold another copy of the errors package.
  return (
    isError(error) &&
    error.name === 'ResponseError' &&
    (error as { statusCode?: number }).statusCode === 404
  );
}

/** {@link EntityCatalogGateway} on Backstage's catalog service. */
export class BackstageEntityCatalogGateway implements EntityCatalogGateway {
  /**
   * Set once the catalog has answered: from then on a failed call is an
   * outage. Nothing else is remembered, so a catalog that was down or not
   * yet installed is asked again on the next lookup.
   */
  private installed = false;
  private lastProbe: CatalogProbe | undefined;

  constructor(
    private readonly catalog: CatalogService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Whether a catalog answers: at start-up (to warn early) and before each
   * lookup until one has answered. Needed because a missing catalog plugin
   * answers 404 to every call, which `getEntityByRef` reads as "no such
   * entity".
   */
  async probe(credentials: BackstageCredentials): Promise<CatalogProbe> {
    let result: CatalogProbe;
    let reason = '';
    try {
      await this.catalog.getEntities(
        { limit: 1, fields: ['kind'] },
        { credentials },
      );
      this.installed = true;
      result = 'installed';
    } catch (error) {
      result = isNotFound(error) ? 'not-installed' : 'unreachable';
      reason = String(error);
    }
    // Told when it changes, not on every lookup.
    if (result !== this.lastProbe) {
      this.lastProbe = result;
      if (result === 'not-installed') {
        this.logger.warn(
          `No software catalog is installed (its API answered 404): job runs' entityRef is checked only for its form, so a run can be attributed to any entity. Install the catalog backend to check that entityRef names an entity with the annotation ${ANNOTATION_EMR_ON_EKS_TENANT} of the run's tenant.`,
        );
      } else if (result === 'unreachable') {
        this.logger.warn(
          `The software catalog did not answer (${reason}): job runs with an entityRef are refused with 503 until it does; it is asked again on the next one.`,
        );
      } else {
        this.logger.info(
          "The software catalog answers: job runs' entityRef is checked against it",
        );
      }
    }
    return result;
  }

  async lookup(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityLookup> {
    if (!(await this.answers(credentials, `entityRef ${entityRef}`))) {
      return { kind: 'no-catalog' };
    }
    let entity;
    try {
      entity = await this.catalog.getEntityByRef(entityRef, { credentials });
    } catch (error) {
      throw this.unavailableFor(`entityRef ${entityRef}`, error);
    }
    if (!entity) {
      return { kind: 'missing' };
    }
    return {
      kind: 'found',
      tenant: entity.metadata.annotations?.[ANNOTATION_EMR_ON_EKS_TENANT],
      owners: ownersOf(entity),
    };
  }

  async groupsNamed(
    names: string[],
    credentials: BackstageCredentials,
  ): Promise<Record<string, string[]>> {
    const what = `whether ${names.join(', ')} name a group`;
    if (!(await this.answers(credentials, what))) {
      return {};
    }
    let items;
    try {
      // Group names are case-insensitive in the catalog; the filter is too.
      ({ items } = await this.catalog.getEntities(
        {
          filter: { kind: 'group', 'metadata.name': names },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials },
      ));
    } catch (error) {
      throw this.unavailableFor(what, error);
    }
    const result: Record<string, string[]> = {};
    for (const name of names) {
      result[name] = items
        .filter(
          entity =>
            entity.metadata.name.toLocaleLowerCase('en-US') ===
            name.toLocaleLowerCase('en-US'),
        )
        .map(entity =>
          `group:${entity.metadata.namespace ?? 'default'}/${
            entity.metadata.name
          }`.toLocaleLowerCase('en-US'),
        );
    }
    return result;
  }

  /**
   * Whether a catalog is there to ask (false: none is installed); a catalog
   * that does not answer is a ServiceUnavailableError saying what could not
   * be checked. Probed until it has answered once.
   */
  private async answers(
    credentials: BackstageCredentials,
    what: string,
  ): Promise<boolean> {
    if (this.installed) {
      return true;
    }
    const probe = await this.probe(credentials);
    if (probe === 'unreachable') {
      throw this.unavailableFor(what);
    }
    return probe === 'installed';
  }

  /** Refuses rather than answer what nobody checked. */
  private unavailableFor(what: string, cause?: unknown) {
    return new ServiceUnavailableError(
      `The software catalog did not answer${
        cause ? ` (${cause})` : ''
      }, so ${what} cannot be checked; try again later`,
    );
  }
}

/**
 * The refs of an entity's owners: its ownedBy relations, else its
 * `spec.owner` (a group unless it says otherwise), as the catalog would
 * resolve it.
 */
function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => relation.targetRef);
  if (related.length > 0) {
    return related;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner === '') {
    return [];
  }
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ),
    ];
  } catch {
    return [];
  }
}
