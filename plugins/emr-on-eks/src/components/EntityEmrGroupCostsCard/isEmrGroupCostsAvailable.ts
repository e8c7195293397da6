import { Entity } from '@backstage/catalog-model';

/**
 * True for the entities {@link EntityEmrGroupCostsCard} is for: Groups (the
 * tenants they own, summed).
 *
 * @public
 */
export function isEmrGroupCostsAvailable(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'group';
}
