import {
  ANNOTATION_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { isTenantEntityFromEmrOnEks } from '@spot-spark/plugin-emr-on-eks-common';

/** A catalog Resource named like a tenant that EMR on EKS did not publish. */
export interface TenantEntityConflict {
  tenant: string;
  /** The entity holding the name, like `resource:default/team-a`. */
  entityRef: string;
  /** Where the catalog read it (`url:...`, `file:...`), when it says. */
  location?: string;
}

/**
 * The tenants whose name a Resource from another source holds, from the
 * catalog's Resources of those names: a conflict is a tenant with such a
 * Resource and none published by EMR on EKS (the module's namespace is the
 * adopter's choice, so a same-named Resource in another namespace next to
 * the tenant's own is no conflict). Names compare as the catalog compares
 * them, case-insensitively.
 */
export function tenantEntityConflicts(
  tenants: string[],
  resources: Entity[],
): TenantEntityConflict[] {
  const byName = new Map<string, Entity[]>();
  for (const entity of resources) {
    const name = entity.metadata.name.toLocaleLowerCase('en-US');
    byName.set(name, [...(byName.get(name) ?? []), entity]);
  }
  return tenants.flatMap(tenant => {
    const named = byName.get(tenant.toLocaleLowerCase('en-US')) ?? [];
    if (named.some(isTenantEntityFromEmrOnEks)) {
      return [];
    }
    return named.map(entity => ({
      tenant,
      entityRef: stringifyEntityRef(entity),
      location: entity.metadata.annotations?.[ANNOTATION_LOCATION],
    }));
  });
}
