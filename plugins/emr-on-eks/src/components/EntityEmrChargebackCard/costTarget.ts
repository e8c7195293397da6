import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { tenantOf } from '../EntityEmrJobRunsCard/isEmrOnEksAvailable';

/** The `spec.type` of a tenant's Resource (see the catalog module). */
export const EMR_VIRTUAL_CLUSTER_RESOURCE_TYPE = 'emr-virtual-cluster';

/** Whose costs the card shows. */
export type CostTarget =
  /** A Component's: the runs submitted for it, in the tenants the user may read. */
  | { kind: 'entity'; entityRef: string }
  /** One tenant's. */
  | { kind: 'tenant'; tenant: string }
  /** A Group's: the tenants it owns, summed. */
  | { kind: 'owner'; ownerRef: string };

function kindOf(entity: Entity): string {
  return entity.kind.toLocaleLowerCase('en-US');
}

function isTenantResource(entity: Entity): boolean {
  return (
    kindOf(entity) === 'resource' &&
    entity.spec?.type === EMR_VIRTUAL_CLUSTER_RESOURCE_TYPE
  );
}

/**
 * Whose costs an entity's card shows: a Component's own; the tenant an
 * entity names in the annotation `emr-on-eks.spot-spark.io/tenant` (a
 * tenant's Resource, whose name is the tenant's, names it); a Group without
 * the annotation, the tenants it owns. Undefined for other entities.
 */
export function costTargetOf(entity: Entity): CostTarget | undefined {
  const kind = kindOf(entity);
  if (kind === 'component') {
    return { kind: 'entity', entityRef: stringifyEntityRef(entity) };
  }
  const tenant =
    tenantOf(entity) ??
    (isTenantResource(entity) ? entity.metadata.name : undefined);
  if (tenant) {
    return { kind: 'tenant', tenant };
  }
  if (kind === 'group') {
    return { kind: 'owner', ownerRef: stringifyEntityRef(entity) };
  }
  return undefined;
}

/**
 * True for the entities whose costs {@link EntityEmrChargebackCard} shows:
 * Components and other entities that name a tenant in the annotation
 * `emr-on-eks.spot-spark.io/tenant`, the tenants' Resources (type
 * `emr-virtual-cluster`), and Groups (the tenants they own).
 *
 * @public
 */
export function isEmrChargebackAvailable(entity: Entity): boolean {
  return (
    Boolean(tenantOf(entity)) ||
    isTenantResource(entity) ||
    kindOf(entity) === 'group'
  );
}
