import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';

/**
 * The location type of the tenants' catalog entities, which the EMR on EKS
 * catalog module publishes at `emr-on-eks:<API base URL>/tenants/<name>`.
 *
 * @public
 */
export const TENANT_ENTITY_LOCATION_TYPE = 'emr-on-eks';

/**
 * Whether a catalog entity is one the EMR on EKS catalog module published
 * for a tenant, by its `backstage.io/managed-by-location`. The catalog sets
 * that annotation itself on every entity it reads from a location (`url:`,
 * `file:`), so a registered entity cannot claim to be a tenant's.
 *
 * @public
 */
export function isTenantEntityFromEmrOnEks(entity: Entity): boolean {
  const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  return (
    typeof location === 'string' &&
    location.startsWith(`${TENANT_ENTITY_LOCATION_TYPE}:`)
  );
}
